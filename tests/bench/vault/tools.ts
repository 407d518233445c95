import { spawn } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";

export interface Measurement {
  seconds: number;
  peakRssMiB: number;
}

/** Runs a command under GNU time: wall seconds and the peak RSS of the process tree's largest member. */
export async function measure(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Measurement> {
  const child = spawn("/usr/bin/time", ["-f", "%e %M", command, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (data) => {
    stderr += data;
  });
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
  const last = stderr.trim().split("\n").at(-1) ?? "";
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} failed (${code}):\n${stderr.slice(-2000)}`);
  const [seconds, kib] = last.split(" ").map(Number);
  return { seconds: seconds ?? Number.NaN, peakRssMiB: (kib ?? 0) / 1024 };
}

/** The same backup, change, backup, restore cycle for each tool. */
export interface Tool {
  name: string;
  init(repo: string): Promise<void>;
  backup(repo: string, source: string): Promise<Measurement>;
  restore(repo: string, target: string): Promise<Measurement>;
}

const password = "benchmark-secret-not-for-production";

export function resticTool(): Tool {
  const env = { RESTIC_PASSWORD: password, RESTIC_CACHE_DIR: "/tmp/govdr-bench-restic-cache" };
  const restic = (repo: string, args: string[]) =>
    measure("restic", ["-r", repo, "--no-cache", ...args], env);
  return {
    name: "restic",
    async init(repo) {
      await restic(repo, ["init"]);
    },
    backup: (repo, source) => restic(repo, ["backup", "--quiet", source]),
    restore: (repo, target) => restic(repo, ["restore", "latest", "--target", target]),
  };
}

export function govdrTool(agent: string, suite: "aes-256-gcm" | "sm4-ctr+hmac-sm3"): Tool {
  const env = { GOVDR_REPO_KEY: password };
  const govdr = (args: string[]) => measure(process.execPath, [agent, ...args], env);
  return {
    name: suite === "aes-256-gcm" ? "govdr" : "govdr (sm4)",
    async init(repo) {
      await govdr(["init", "--repo", repo, "--suite", suite]);
    },
    backup: (repo, source) => govdr(["backup", source, "--repo", repo, "--suite", suite]),
    restore: (repo, target) => govdr(["restore", "latest", "--repo", repo, "--target", target]),
  };
}

export async function freshDirectory(dir: string): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.dirname(dir), { recursive: true });
  return dir;
}
