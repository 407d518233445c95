import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { z } from "zod";
import { CliError } from "../../agent/errors.ts";
import { pathWithProjectNode } from "../node-runtime.ts";
import { emulatorPaths, stateDir, statePaths } from "../paths.ts";
import { pollUntil } from "../poll.ts";
import { tail } from "../run.ts";
import { ensureEmulatorInstalled, ministackBinary } from "./install.ts";
import { commandLine, isAlive, processGroupMembers, signalGroup } from "./processes.ts";
import { emulatorPort, ministack } from "./settings.ts";

const emulatorStateSchema = z.object({
  pid: z.number().int().positive(),
  url: z.string().url(),
  version: z.string(),
  startedAt: z.string(),
  persistent: z.boolean(),
});
type EmulatorState = z.infer<typeof emulatorStateSchema>;

export interface EmulatorHandle {
  url: string;
  /** True when this call started the emulator, so the caller must stop it when done. */
  startedHere: boolean;
  /** An endpoint named by AWS_ENDPOINT_URL, which govdr never starts or stops. */
  external: boolean;
}

function managed() {
  const port = emulatorPort();
  return { port, url: `http://${ministack.host}:${port}`, files: emulatorPaths(port) };
}

export function externalEndpoint(): string | undefined {
  const url = process.env.AWS_ENDPOINT_URL?.trim();
  return url ? url.replace(/\/+$/, "") : undefined;
}

export async function isHealthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/_localstack/health`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

function readState(): EmulatorState | undefined {
  const { state } = managed().files;
  if (!existsSync(state)) return undefined;
  const parsed = emulatorStateSchema.safeParse(JSON.parse(readFileSync(state, "utf8")));
  return parsed.success ? parsed.data : undefined;
}

/** Our emulator is the live process recorded in the state file and running from our virtualenv. */
function runningEmulator(): EmulatorState | undefined {
  const state = readState();
  if (!state || !isAlive(state.pid)) return undefined;
  return commandLine(state.pid).includes(statePaths.venv) ? state : undefined;
}

function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function emulatorEnvironment(persistent: boolean): NodeJS.ProcessEnv {
  const { port, files } = managed();
  const data = files.data;
  return {
    ...process.env,
    // The emulator starts each Lambda with the `node` on its PATH: the project's Node.js (D-37).
    PATH: pathWithProjectNode(),
    BIND_HOST: ministack.host,
    GATEWAY_PORT: String(port),
    CLOUDTRAIL_RECORDING: "1",
    LOG_LEVEL: "WARNING",
    ...(persistent
      ? {
          PERSIST_STATE: "1",
          STATE_DIR: path.join(data, "state"),
          S3_PERSIST: "1",
          S3_DATA_DIR: path.join(data, "s3"),
        }
      : { PERSIST_STATE: "0", S3_PERSIST: "0" }),
  };
}

/**
 * Makes an emulator available: the one AWS_ENDPOINT_URL names, the one we already run, or a new
 * ministack from the project's virtualenv on 127.0.0.1. `persistent` keeps state across restarts.
 */
export async function startEmulator(options: {
  persistent: boolean;
  log: (line: string) => void;
}): Promise<EmulatorHandle> {
  const external = externalEndpoint();
  if (external) {
    if (!(await isHealthy(external))) {
      throw new CliError(
        `AWS_ENDPOINT_URL=${external} does not answer its health check (${external}/_localstack/health).`,
        "Start that emulator first, or unset AWS_ENDPOINT_URL to let govdr run its own.",
      );
    }
    return { url: external, startedHere: false, external: true };
  }
  const running = runningEmulator();
  if (running) {
    await waitHealthy(running.url, running.pid);
    return { url: running.url, startedHere: false, external: false };
  }
  const { port, url, files } = managed();
  if (await portInUse(ministack.host, port)) {
    throw new CliError(
      `${ministack.host}:${port} is already in use by a program govdr did not start.`,
      `Stop that program, or, if it is a LocalStack-compatible emulator, use it with AWS_ENDPOINT_URL=${url}.`,
    );
  }
  await ensureEmulatorInstalled(options.log);
  mkdirSync(stateDir, { recursive: true });
  const logFd = openSync(files.log, "w");
  const child = spawn(ministackBinary, [], {
    env: emulatorEnvironment(options.persistent),
    detached: true, // own process group: stop() ends the emulator and its Lambda workers together
    stdio: ["ignore", logFd, logFd],
  });
  child.unref();
  if (!child.pid) throw new CliError(`Could not start ${ministackBinary}`);
  const state: EmulatorState = {
    pid: child.pid,
    url,
    version: ministack.version,
    startedAt: new Date().toISOString(),
    persistent: options.persistent,
  };
  writeFileSync(files.state, `${JSON.stringify(state, null, 2)}\n`);
  options.log(`started ministack ${ministack.version} (pid ${child.pid}) on ${url}`);
  await waitHealthy(url, child.pid);
  return { url, startedHere: true, external: false };
}

async function waitHealthy(url: string, pid: number): Promise<void> {
  try {
    await pollUntil(
      async () => {
        if (!isAlive(pid)) throw new Error("the emulator process exited");
        return (await isHealthy(url)) ? true : undefined;
      },
      { timeoutMs: 60_000, what: `the emulator at ${url}` },
    );
  } catch (error) {
    const { log: logFile } = managed().files;
    const log = existsSync(logFile) ? tail(readFileSync(logFile, "utf8")) : "";
    throw new CliError(`The emulator did not become healthy: ${(error as Error).message}\n${log}`);
  }
}

/** Stops the emulator this project started, with its Lambda workers; never touches anything else. */
export async function stopEmulator(log: (line: string) => void): Promise<boolean> {
  const state = runningEmulator();
  const { files } = managed();
  if (!state) {
    rmSync(files.state, { force: true });
    return false;
  }
  signalGroup(state.pid, "SIGTERM");
  try {
    await pollUntil(async () => (processGroupMembers(state.pid).length === 0 ? true : undefined), {
      timeoutMs: 10_000,
      what: "the emulator to exit",
    });
  } catch {
    log("emulator did not exit after SIGTERM; sending SIGKILL");
    signalGroup(state.pid, "SIGKILL");
    await pollUntil(async () => (processGroupMembers(state.pid).length === 0 ? true : undefined), {
      timeoutMs: 5_000,
      what: "the emulator to be killed",
    });
  }
  rmSync(files.state, { force: true });
  log(`stopped ministack (pid ${state.pid})`);
  return true;
}

export async function emulatorStatus(): Promise<{ running: boolean; url: string; detail: string }> {
  const external = externalEndpoint();
  if (external) {
    const healthy = await isHealthy(external);
    return {
      running: healthy,
      url: external,
      detail: `external (AWS_ENDPOINT_URL), ${healthy ? "healthy" : "not answering"}`,
    };
  }
  const state = runningEmulator();
  if (!state) return { running: false, url: managed().url, detail: "not running" };
  const healthy = await isHealthy(state.url);
  return {
    running: healthy,
    url: state.url,
    detail: `ministack ${state.version}, pid ${state.pid}, since ${state.startedAt}, ${healthy ? "healthy" : "not answering"}${state.persistent ? ", persistent" : ""}`,
  };
}
