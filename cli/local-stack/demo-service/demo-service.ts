import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { CliError } from "../../../agent/errors.ts";
import { commandLine } from "../../emulator/processes.ts";
import { projectNode } from "../../node-runtime.ts";
import { projectRoot, stateDir } from "../../paths.ts";
import { pollUntil } from "../../poll.ts";
import { tail } from "../../run.ts";
import { isRunning } from "./process-state.ts";
import { type DemoRouter, startRouter } from "./router.ts";
import { type DemoSite, demoSites, otherDemoSite, siteLabels } from "./site-server.ts";

/**
 * The live demo government web service (issue #20, item 6): a primary and a DR site, each its own
 * process on 127.0.0.1, behind a router (in the calling process) that follows the platform's route
 * record. Its files, under `dir` (`.govdr/demo-service` for `govdr up` and `govdr demo`):
 *   service.json     who runs it (ownerPid), its ports and URLs, the secret file
 *   primary.pid, dr.pid, primary.log, dr.log
 *   data/primary/, data/dr/   each site's messages.json and state.json
 * A site process ends itself when its owner (the `govdr up` process) is gone; the owner also ends
 * them on exit and on SIGINT/SIGTERM/SIGHUP.
 */

export type { DemoSite } from "./site-server.ts";

export const defaultDemoPorts = { router: 8480, primary: 8481, dr: 8482 } as const;
export const defaultDemoDir = path.join(stateDir, "demo-service");
const siteMain = fileURLToPath(new URL("./site-main.ts", import.meta.url));

export interface DemoSiteEndpoints {
  url: string;
  healthUrl: string;
  hooksUrl: string;
  /** The site's live process, or undefined while it is stopped. */
  readonly pid: number | undefined;
}

export interface DemoService {
  /** The router: what a citizen opens. */
  url: string;
  /** The one webhook URL for the policy: the router hands each call to the site its body names. */
  hooksUrl: string;
  sites: Record<DemoSite, DemoSiteEndpoints>;
  /** The site the router sends requests to now. */
  activeSite(): DemoSite;
  /** Ends the site's process (SIGTERM, then SIGKILL) and waits until its port is closed. */
  stopSite(site: DemoSite): Promise<void>;
  /** Starts the site unless it runs; waits until its /health answers. */
  startSite(site: DemoSite): Promise<void>;
  /** Stops both sites and the router. */
  stop(): Promise<void>;
}

export interface DemoServiceOptions {
  dir: string;
  /** Defaults: defaultDemoPorts; 0 picks a free port (once, so a restarted site keeps it). */
  ports?: { router: number; primary: number; dr: number };
  /** Which site the platform's route record names (undefined record: the primary). */
  activeSite: () => Promise<DemoSite>;
  /** The webhook secret's file; read on every hook call, so it may appear later. */
  secretFile: string;
  log: (line: string) => void;
  /** The route poll interval (ms), 250 by default. */
  pollMs?: number;
}

const serviceStateSchema = z.object({
  ownerPid: z.number().int().positive(),
  routerUrl: z.string(),
  hooksUrl: z.string(),
  ports: z.object({ router: z.number().int(), primary: z.number().int(), dr: z.number().int() }),
  secretFile: z.string(),
  startedAt: z.string(),
});
export type DemoServiceState = z.infer<typeof serviceStateSchema>;

export function demoPaths(dir: string) {
  const root = path.resolve(dir);
  return {
    root,
    service: path.join(root, "service.json"),
    pid: (site: DemoSite) => path.join(root, `${site}.pid`),
    log: (site: DemoSite) => path.join(root, `${site}.log`),
    data: (site: DemoSite) => path.join(root, "data", site),
  };
}

export function readDemoServiceState(dir: string): DemoServiceState | undefined {
  const file = demoPaths(dir).service;
  if (!existsSync(file)) return undefined;
  try {
    const parsed = serviceStateSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The live site process recorded under `dir`, when it is really ours (its command line says so). */
export function runningSitePid(dir: string, site: DemoSite): number | undefined {
  const paths = demoPaths(dir);
  let pid: number;
  try {
    pid = Number(readFileSync(paths.pid(site), "utf8").trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isRunning(pid)) return undefined;
  const line = commandLine(pid);
  return line.includes("site-main.ts") && line.includes(`--site ${site}`) && line.includes(paths.data(site))
    ? pid
    : undefined;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Binds 127.0.0.1:port for a moment: free, or the error that says why not. */
function checkPortFree(port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new CliError(
              `port ${port} on 127.0.0.1 (${what}) is taken by another process`,
              `stop what uses it (e.g. \`ss -ltnp | grep :${port}\`), or choose other demo ports`,
            )
          : error,
      ),
    );
    probe.listen(port, "127.0.0.1", () => {
      const { port: bound } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(bound));
    });
  });
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

const siteUrl = (state: DemoServiceState, site: DemoSite) => `http://127.0.0.1:${state.ports[site]}`;

/** Ends the site's process recorded under `dir` and waits until its port is closed. */
export async function stopDemoSite(
  dir: string,
  site: DemoSite,
  log: (line: string) => void = () => undefined,
): Promise<{ pid: number | undefined }> {
  const paths = demoPaths(dir);
  const pid = runningSitePid(dir, site);
  const port = readDemoServiceState(dir)?.ports[site];
  const gone = async () => (!(pid && isRunning(pid)) && !(port && (await portOpen(port))) ? true : undefined);
  if (pid) {
    process.kill(pid, "SIGTERM");
    try {
      await pollUntil(gone, { timeoutMs: 5000, intervalMs: 50, what: `the demo ${site} site to stop` });
    } catch {
      if (isRunning(pid)) process.kill(pid, "SIGKILL");
      await pollUntil(gone, { timeoutMs: 5000, intervalMs: 50, what: `the demo ${site} site to be killed` });
    }
    log(`stopped the demo ${siteLabels[site].en} (pid ${pid})`);
  }
  rmSync(paths.pid(site), { force: true });
  return { pid };
}

/** Starts the site recorded under `dir` unless it runs (then nothing); waits until /health answers. */
export async function startDemoSite(
  dir: string,
  site: DemoSite,
  log: (line: string) => void = () => undefined,
): Promise<{ pid: number; startedHere: boolean }> {
  const state = readDemoServiceState(dir);
  if (!state || !isRunning(state.ownerPid))
    throw new CliError(
      `the demo service is not running (${demoPaths(dir).service}${state ? `: its owner, pid ${state.ownerPid}, is gone` : " is missing"})`,
      "start it with `npm start` (govdr up)",
    );
  const paths = demoPaths(dir);
  const url = siteUrl(state, site);
  const running = runningSitePid(dir, site);
  if (running) {
    await pollUntil(async () => ((await healthy(url)) ? true : undefined), {
      timeoutMs: 30_000,
      what: `the demo ${site} site (pid ${running}) to answer ${url}/health`,
    });
    return { pid: running, startedHere: false };
  }
  await checkPortFree(state.ports[site], `the demo ${siteLabels[site].en}`);
  mkdirSync(paths.data(site), { recursive: true });
  const logFd = openSync(paths.log(site), "a");
  const child = spawn(
    projectNode() ?? process.execPath,
    [
      "--import",
      "tsx",
      siteMain,
      "--site",
      site,
      "--port",
      String(state.ports[site]),
      "--data-dir",
      paths.data(site),
      "--secret-file",
      state.secretFile,
      "--peer-url",
      siteUrl(state, otherDemoSite(site)),
      "--owner-pid",
      String(state.ownerPid),
    ],
    { cwd: projectRoot, detached: true, stdio: ["ignore", logFd, logFd], env: process.env },
  );
  closeSync(logFd);
  child.unref();
  const pid = child.pid;
  if (!pid) throw new CliError(`could not start the demo ${site} site`);
  writeFileSync(paths.pid(site), `${pid}\n`);
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  try {
    await pollUntil(
      async () => {
        if (exited || !isRunning(pid)) throw new Error(`the demo ${site} site exited`);
        return (await healthy(url)) ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: `the demo ${site} site to answer ${url}/health` },
    );
  } catch (error) {
    if (isRunning(pid)) process.kill(pid, "SIGKILL");
    rmSync(paths.pid(site), { force: true });
    throw new CliError(
      `${(error as Error).message}; its log ${paths.log(site)} ends:\n${tail(readFileSync(paths.log(site), "utf8"), 10)}`,
    );
  }
  log(`started the demo ${siteLabels[site].en} (pid ${pid}) on ${url}`);
  return { pid, startedHere: true };
}

export async function startDemoService(options: DemoServiceOptions): Promise<DemoService> {
  const { dir, log } = options;
  const paths = demoPaths(dir);
  mkdirSync(paths.root, { recursive: true });
  const previous = readDemoServiceState(dir);
  if (
    previous &&
    previous.ownerPid !== process.pid &&
    isRunning(previous.ownerPid) &&
    commandLine(previous.ownerPid).includes("node")
  )
    throw new CliError(
      `the demo service in ${paths.root} already runs under another govdr (pid ${previous.ownerPid}) on ${previous.routerUrl}`,
      "stop that `govdr up` (Ctrl-C) first, or use `govdr demo status`",
    );
  // Sites a previous run left (it was killed before its sites noticed): replaced, their data kept.
  for (const site of demoSites) await stopDemoSite(dir, site, log);

  const requested = options.ports ?? defaultDemoPorts;
  const ports = {
    router: await checkPortFree(requested.router, "the demo router"),
    primary: await checkPortFree(requested.primary, `the demo ${siteLabels.primary.en}`),
    dr: await checkPortFree(requested.dr, `the demo ${siteLabels.dr.en}`),
  };
  if (new Set(Object.values(ports)).size !== 3)
    throw new CliError(`the demo ports must differ: ${JSON.stringify(ports)}`);
  const targets = { primary: `http://127.0.0.1:${ports.primary}`, dr: `http://127.0.0.1:${ports.dr}` };
  const router: DemoRouter = await startRouter({
    port: ports.router,
    targets,
    dataDirs: { primary: paths.data("primary"), dr: paths.data("dr") },
    secretFile: path.resolve(options.secretFile),
    activeSite: options.activeSite,
    pollMs: options.pollMs,
    log,
  });
  const state: DemoServiceState = {
    ownerPid: process.pid,
    routerUrl: router.url,
    hooksUrl: `${router.url}/govdr/hooks`,
    ports,
    secretFile: path.resolve(options.secretFile),
    startedAt: new Date().toISOString(),
  };
  writeFileSync(paths.service, `${JSON.stringify(state, null, 2)}\n`);

  // Children must not outlive this process: on exit, and on a signal (re-raised when no one else
  // handles it, so the default still ends the process; `govdr up` handles it and calls stop()).
  const killSites = () => {
    for (const site of demoSites) {
      const pid = runningSitePid(dir, site);
      if (pid) process.kill(pid, "SIGTERM");
    }
  };
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const onSignal = (signal: NodeJS.Signals) => {
    killSites();
    if (process.listenerCount(signal) === 1) {
      removeHandlers();
      process.kill(process.pid, signal);
    }
  };
  const removeHandlers = () => {
    process.off("exit", killSites);
    for (const signal of signals) process.off(signal, onSignal);
  };
  process.on("exit", killSites);
  for (const signal of signals) process.on(signal, onSignal);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const site of demoSites) await stopDemoSite(dir, site, log);
    await router.close();
    removeHandlers();
    if (readDemoServiceState(dir)?.ownerPid === process.pid) rmSync(paths.service, { force: true });
  };
  try {
    for (const site of demoSites) await startDemoSite(dir, site, log);
  } catch (error) {
    await stop();
    throw error;
  }
  const endpoints = (site: DemoSite): DemoSiteEndpoints => ({
    url: targets[site],
    healthUrl: `${targets[site]}/health`,
    hooksUrl: `${targets[site]}/govdr/hooks`,
    get pid() {
      return runningSitePid(dir, site);
    },
  });
  log(`demo service on ${router.url} (primary ${targets.primary}, DR ${targets.dr})`);
  return {
    url: router.url,
    hooksUrl: state.hooksUrl,
    sites: { primary: endpoints("primary"), dr: endpoints("dr") },
    activeSite: () => router.current(),
    stopSite: async (site) => {
      await stopDemoSite(dir, site, log);
    },
    startSite: async (site) => {
      await startDemoSite(dir, site, log);
    },
    stop,
  };
}
