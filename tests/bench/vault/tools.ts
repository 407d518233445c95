import { execFileSync, spawn } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { paginateListObjectsV2, S3Client } from "@aws-sdk/client-s3";
import { emulatorClientConfig } from "../../../cli/local-stack/aws-clients.ts";

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
    env: { ...benchEnvironment(), ...env },
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

/**
 * The tools' environment: this one, less NODE_EXTRA_CA_CERTS. A machine that sets it (this
 * development machine names its whole system CA bundle there, for its package proxy) makes every
 * Node process parse that bundle at start, about 50 ms, which is the machine's cost, not the
 * agent's: an agent host needs it only for a private CA, and then with one certificate, not 140.
 * restic ignores the variable, so both tools run as they would on such a host.
 */
function benchEnvironment(): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unused, ...rest } = process.env;
  return rest;
}

/** The same backup, change, backup, restore cycle for each tool. */
export interface Tool {
  name: string;
  /** Bytes the repository holds. */
  stored(repo: string): Promise<number>;
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
    stored: localBytes,
    async init(repo) {
      await restic(repo, ["init"]);
    },
    backup: (repo, source) => restic(repo, ["backup", "--quiet", source]),
    restore: (repo, target) => restic(repo, ["restore", "latest", "--target", target]),
  };
}

/** The emulator's S3: an Object Lock bucket both tools write to, and a KMS key for govdr. */
export interface S3Target {
  endpoint: string;
  bucket: string;
  kmsKey: string;
}

const s3Credentials = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "cn-north-1" };

export function resticS3Tool(target: S3Target): Tool {
  const env = { ...s3Credentials, AWS_DEFAULT_REGION: "cn-north-1", RESTIC_PASSWORD: password };
  const location = (repo: string) => `s3:${target.endpoint}/${target.bucket}/${path.basename(repo)}`;
  const restic = (repo: string, args: string[]) =>
    measure("restic", ["-r", location(repo), "--no-cache", ...args], env);
  return {
    name: "restic (S3)",
    stored: (repo) => s3Bytes(target, path.basename(repo)),
    async init(repo) {
      await restic(repo, ["init"]);
    },
    backup: (repo, source) => restic(repo, ["backup", "--quiet", source]),
    restore: (repo, target) => restic(repo, ["restore", "latest", "--target", target]),
  };
}

export function govdrS3Tool(agent: string, target: S3Target): Tool {
  const env = {
    ...s3Credentials,
    AWS_ENDPOINT_URL: target.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  const location = (repo: string) => `s3://${target.bucket}/${path.basename(repo)}/`;
  const keys = ["--kms-key", target.kmsKey, "--tenant", "t-bench", "--retain-days", "1"];
  const govdr = (args: string[]) => measure(process.execPath, [agent, ...args], env);
  return {
    name: "govdr (S3)",
    stored: (repo) => s3Bytes(target, path.basename(repo)),
    async init(repo) {
      await govdr(["init", "--repo", location(repo), ...keys]);
    },
    backup: (repo, source) => govdr(["backup", source, "--repo", location(repo), ...keys]),
    restore: (repo, target) =>
      govdr(["restore", "latest", "--repo", location(repo), ...keys, "--target", target]),
  };
}

/**
 * The agent on a local repository, opened with a generated key file (`govdr key generate`, what
 * docs/agent.md recommends; no scrypt) or, without `keyFile`, a passphrase in GOVDR_REPO_KEY.
 */
/**
 * `agent`: a script this Node.js runs (cli/bin/govdr.js, as `npx govdr` runs it), or the command of
 * the single-file agent; `label` names the row instead of "govdr".
 */
export function govdrTool(
  agent: string | string[],
  suite: "aes-256-gcm" | "sm4-ctr+hmac-sm3",
  keyFile?: string,
  label = "govdr",
): Tool {
  const env = { GOVDR_REPO_KEY: password };
  const key = keyFile ? ["--key-file", keyFile] : [];
  const [command, ...prefix] = (Array.isArray(agent) ? agent : [process.execPath, agent]) as [
    string,
    ...string[],
  ];
  const govdr = (args: string[]) => measure(command, [...prefix, ...args, ...key], env);
  const name = suite === "aes-256-gcm" ? label : `${label} (sm4)`;
  return {
    name: keyFile ? name : `${name}, passphrase`,
    stored: localBytes,
    async init(repo) {
      await govdr(["init", "--repo", repo, "--suite", suite]);
    },
    backup: (repo, source) => govdr(["backup", source, "--repo", repo, "--suite", suite]),
    restore: (repo, target) => govdr(["restore", "latest", "--repo", repo, "--target", target]),
  };
}

/** A new generated repository key, written by the agent itself. */
export async function generatedKeyFile(agent: string, file: string): Promise<string> {
  await rm(file, { force: true });
  execFileSync(process.execPath, [agent, "key", "generate", file], { stdio: "ignore" });
  return file;
}

export async function freshDirectory(dir: string): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.dirname(dir), { recursive: true });
  return dir;
}

async function localBytes(dir: string): Promise<number> {
  return Number(execFileSync("du", ["-sb", dir]).toString().split("\t")[0]);
}

async function s3Bytes(target: S3Target, prefix: string): Promise<number> {
  const s3 = new S3Client({ ...emulatorClientConfig(target.endpoint, "cn-north-1"), forcePathStyle: true });
  let bytes = 0;
  for await (const page of paginateListObjectsV2(
    { client: s3 },
    { Bucket: target.bucket, Prefix: `${prefix}/` },
  )) {
    for (const object of page.Contents ?? []) bytes += object.Size ?? 0;
  }
  return bytes;
}
