import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Append stdout and stderr to this file instead of keeping them. */
  logFile?: string;
  /** Pass output through to this terminal. */
  inherit?: boolean;
}

export interface RunResult {
  code: number;
  output: string;
}

/** Runs a command to completion. Never throws for a non-zero exit; ENOENT becomes code 127. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: options.inherit ? "inherit" : ["ignore", "pipe", "pipe"],
    });
    const chunks: Buffer[] = [];
    const log = options.logFile ? createWriteStream(options.logFile, { flags: "a" }) : undefined;
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        log?.write(chunk);
      });
    }
    child.on("error", (error: NodeJS.ErrnoException) => {
      log?.end();
      resolve({ code: error.code === "ENOENT" ? 127 : 1, output: error.message });
    });
    child.on("close", (code, signal) => {
      log?.end();
      resolve({ code: code ?? (signal ? 128 : 1), output: Buffer.concat(chunks).toString("utf8") });
    });
  });
}

/** The last lines of a command's output, for error messages. */
export function tail(output: string, lines = 15): string {
  return output.trimEnd().split("\n").slice(-lines).join("\n");
}
