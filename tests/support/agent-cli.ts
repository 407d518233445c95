import { type ChildProcess, spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import path from "node:path";

const govdr = path.resolve("cli/bin/govdr.js");

export interface AgentRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Starts the `govdr` agent CLI as a separate process, as an operator or scheduler would: from source,
 * a bundle `script` (agent/bundle.ts) or the single-file agent; `launcher` runs it, e.g. with fewer
 * privileges.
 */
export function startAgent(
  args: string[],
  env: NodeJS.ProcessEnv,
  script = govdr,
  launcher: string[] = [],
): ChildProcess & { output: Promise<AgentRun> } {
  // A script runs on this Node.js; the single-file agent (agent/single-file.ts) is its own executable.
  const run = /\.m?js$/.test(script) ? [process.execPath, script] : [script];
  const [command, ...rest] = [...launcher, ...run, ...args] as [string, ...string[]];
  const child = spawn(command, rest, { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const output = new Promise<AgentRun>((resolve) =>
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr })),
  );
  return Object.assign(child, { output });
}

export const runAgent = (args: string[], env: NodeJS.ProcessEnv, script?: string) =>
  startAgent(args, env, script).output;

/**
 * Runs the single-file agent `file` as a unit's server runs it: by its path, with a PATH that holds
 * no Node.js (an empty directory under `work`, which is also HOME), with `launcher` before it.
 */
export async function runWithoutNode(
  file: string,
  work: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  launcher: string[] = [],
): Promise<AgentRun> {
  const emptyPath = path.join(work, "empty-path");
  await mkdir(emptyPath, { recursive: true });
  return startAgent(args, { ...env, PATH: emptyPath, HOME: work }, file, launcher).output;
}
