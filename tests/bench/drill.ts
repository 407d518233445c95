/**
 * A restore drill of mixed files through the DR vault, against restic on the same data (issue 18,
 * "Measure"; not part of `npm test`).
 * Run: npm run bench:drill [256] [1024]   (sizes in MiB, default both; needs the local stack deployed,
 * installs Debian's restic when missing, needs about 3× the largest size free in /tmp)
 * Per size: generate the data, back it up with the agent into a new unit's prefix of the primary
 * vault, wait until S3 replication has copied every object to the DR vault, run a drill (POST →
 * finished), then back the same data up with restic into a local repository and time its restore.
 * Prints one Markdown table per size, for docs/performance.md; exits non-zero unless every drill
 * reaches PASS.
 */

import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { finished as streamFinished } from "node:stream/promises";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { GetFunctionConfigurationCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { paginateListObjectsV2, S3Client } from "@aws-sdk/client-s3";
import { ensureDebianPackages } from "../../cli/apt.ts";
import { emulatorAgentEnv } from "../../cli/local-stack/aws-clients.ts";
import { pollUntil } from "../../cli/poll.ts";
import { call } from "../integration/support/api.ts";
import { unitWithSystem } from "../integration/support/dr-unit.ts";
import { clientConfig, localStack } from "../integration/support/emulator.ts";
import { agentOf } from "../integration/support/seed.ts";
import { runAgent } from "../support/agent-cli.ts";
import { freshDirectory, resticTool } from "./vault/tools.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const work = path.join(tmpdir(), "govdr-bench-drill");
const sizesMiB = process.argv.slice(2).map(Number);
if (sizesMiB.length === 0) sizesMiB.push(256, 1024);
const MiB = 1 << 20;

await ensureDebianPackages([{ name: "restic", file: "/usr/bin/restic" }], "the drill benchmark");

/** Sizes drawn from a seeded generator, so every run writes the same layout (contents stay random). */
function sizes(seed: number) {
  let state = seed;
  return (min: number, max: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return min + (state % (max - min + 1));
  };
}

/**
 * About 1/4 of `total` bytes in small files of 4–64 KiB (100 a directory), the rest in large files of
 * 8–64 MiB; random contents, nothing compresses.
 */
async function mixedFiles(root: string, total: number) {
  await freshDirectory(root);
  const size = sizes(total);
  let small = 0;
  let count = 0;
  for (let left = total / 4; left > 0; count++) {
    const bytes = Math.min(size(4 << 10, 64 << 10), left);
    const dir = path.join(root, "small", `d${String(Math.floor(count / 100)).padStart(3, "0")}`);
    if (count % 100 === 0) await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `f${count % 100}.bin`), randomBytes(bytes));
    small += bytes;
    left -= bytes;
  }
  const large: number[] = [];
  for (let left = total - small; left > 0; ) {
    // Every file 8–64 MiB: the last takes what is left once that is at most 64 MiB.
    const bytes = left <= 64 * MiB ? left : Math.min(size(8, 64) * MiB, left - 8 * MiB);
    const out = createWriteStream(path.join(root, `large-${large.length}.bin`));
    for (let written = 0; written < bytes; written += MiB)
      out.write(randomBytes(Math.min(MiB, bytes - written)));
    out.end();
    await streamFinished(out);
    large.push(bytes);
    left -= bytes;
  }
  return { root, bytes: total, smallFiles: count, smallBytes: small, large };
}

const seconds = (since: number) => (performance.now() - since) / 1000;

async function backUp(unit: Awaited<ReturnType<typeof unitWithSystem>>, source: string) {
  const stack = localStack();
  const agent = await agentOf(unit.token, unit.systemId);
  const started = performance.now();
  const run = await runAgent(
    [
      "backup",
      source,
      ...["--repo", `s3://${stack.vaultBucket}/tenants/${unit.tenant.tenantId}/`],
      ...["--kms-key", unit.tenant.vaultKeyId, "--tenant", unit.tenant.tenantId, "--retain-days", "1"],
    ],
    {
      ...emulatorAgentEnv(stack),
      GOVDR_API_URL: stack.apiUrl,
      GOVDR_AGENT_KEY: agent.credential,
    },
  );
  if (run.code !== 0) throw new Error(`backup: ${run.stderr}`);
  return { seconds: seconds(started), prefix: `tenants/${unit.tenant.tenantId}/` };
}

async function keys(region: string, bucket: string, prefix: string): Promise<Set<string>> {
  const found = new Set<string>();
  const client = new S3Client({ ...clientConfig(region), forcePathStyle: true });
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) if (object.Key) found.add(object.Key);
  }
  return found;
}

/** Waits until every object of the unit's primary prefix (packs, index, manifest) is in the DR vault. */
async function replicated(prefix: string) {
  const stack = localStack();
  const started = performance.now();
  const primary = await keys(stack.regions.primary, stack.vaultBucket, prefix);
  await pollUntil(
    async () => {
      const dr = await keys(stack.regions.dr, stack.drVaultBucket, prefix);
      return [...primary].every((key) => dr.has(key)) ? true : undefined;
    },
    { timeoutMs: 600_000, intervalMs: 500, what: `${primary.size} objects of ${prefix} in the DR vault` },
  );
  return { seconds: seconds(started), objects: primary.size };
}

interface Drill {
  drillId: string;
  status: string;
  verdict?: string;
  error?: { code: string; message: string };
  achieved?: { rtoSeconds?: number; rpoSeconds: number };
  verification?: {
    restoreSeconds: number;
    verifySeconds: number;
    verifiedBytes: number;
    verifiedFiles: number;
  };
  steps: { name: string; status: string; startedAt: string; finishedAt?: string; detail?: string }[];
}

async function drill(unit: Awaited<ReturnType<typeof unitWithSystem>>) {
  const startedAt = Date.now();
  const started = performance.now();
  const posted = await call("POST", `/systems/${unit.systemId}/drills`, { token: unit.token, body: {} });
  if (posted.status !== 202) throw new Error(`drill: ${JSON.stringify(posted)}`);
  const drillId = posted.body.drillId as string;
  const record = await pollUntil(
    async () => {
      const answer = await call("GET", `/systems/${unit.systemId}/drills/${drillId}`, { token: unit.token });
      return answer.body.status === "running" ? undefined : (answer.body as unknown as Drill);
    },
    { timeoutMs: 3_600_000, intervalMs: 500, what: `drill ${drillId} to finish` },
  );
  return { record, wallSeconds: seconds(started), startedAt };
}

/** The drill step Lambdas' log lines since `since` (what to look at when a drill did not pass). */
async function drillLogs(since: number): Promise<string[]> {
  const lambda = new LambdaClient(clientConfig());
  const logs = new CloudWatchLogsClient(clientConfig());
  const { Functions = [] } = await lambda.send(new ListFunctionsCommand({}));
  const lines: string[] = [];
  for (const name of Functions.map((f) => f.FunctionName ?? "").filter((n) => /-Drill[A-Z]/.test(n))) {
    const { LoggingConfig } = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (!LoggingConfig?.LogGroup) continue;
    const { events = [] } = await logs.send(
      new FilterLogEventsCommand({ logGroupName: LoggingConfig.LogGroup, startTime: since }),
    );
    for (const event of events) lines.push(`${name.split("-")[2]}: ${event.message?.trim()}`);
  }
  return lines;
}

const restic = resticTool();
const mb = (bytes: number) => bytes / 1e6;
const s = (value: number | undefined) => (value === undefined ? "—" : `${value.toFixed(1)} s`);
const stepSeconds = (step: Drill["steps"][number]) =>
  step.finishedAt ? (Date.parse(step.finishedAt) - Date.parse(step.startedAt)) / 1000 : undefined;
let failed = false;

console.log(`${cpus().length} cores, ${new Date().toISOString()}, ministack at ${localStack().endpoint}`);
for (const size of sizesMiB) {
  const data = await mixedFiles(path.join(work, "data"), size * MiB);
  const unit = await unitWithSystem();
  const backup = await backUp(unit, data.root);
  const replication = await replicated(backup.prefix);
  const { record, wallSeconds, startedAt } = await drill(unit);

  const repo = await freshDirectory(path.join(work, "restic-repo"));
  await restic.init(repo);
  const resticBackup = await restic.backup(repo, data.root);
  const resticRestore = await restic.restore(repo, await freshDirectory(path.join(work, "restic-restore")));
  await freshDirectory(path.join(work, "restic-restore"));

  const v = record.verification;
  const restoreMBs = v ? mb(v.verifiedBytes) / v.restoreSeconds : undefined;
  const ratio = (drillSeconds: number | undefined) =>
    drillSeconds ? (resticRestore.seconds / drillSeconds).toFixed(3) : "—";
  const rows: [string, string][] = [
    [
      "data",
      `${size} MiB: ${data.smallFiles} files of 4–64 KiB (${(data.smallBytes / MiB).toFixed(1)} MiB), ${data.large.length} of ${data.large.map((b) => (b / MiB).toFixed(0)).join("/")} MiB`,
    ],
    ["agent backup into the primary vault", s(backup.seconds)],
    [
      "replication of every object to the DR vault (after the backup)",
      `${s(replication.seconds)} (${replication.objects} objects)`,
    ],
    ["drill wall time (POST → finished)", s(wallSeconds)],
    [
      "status / verdict",
      `${record.status} / ${record.verdict ?? "—"}${record.error ? ` (${record.error.code})` : ""}`,
    ],
    ["achieved RTO", s(record.achieved?.rtoSeconds)],
    ["drill restore", v ? `${s(v.restoreSeconds)}, ${restoreMBs?.toFixed(1)} MB/s` : "—"],
    ["drill verify", s(v?.verifySeconds)],
    ["verified", v ? `${v.verifiedFiles} files, ${mb(v.verifiedBytes).toFixed(1)} MB` : "—"],
    ["steps", record.steps.map((step) => `${step.name} ${s(stepSeconds(step))}`).join(", ")],
    // Starting the execution, the state machine's transitions, Lambda starts, the last poll.
    [
      "wall time outside the steps",
      s(wallSeconds - record.steps.reduce((t, step) => t + (stepSeconds(step) ?? 0), 0)),
    ],
    ["restic backup (local repository in /tmp)", s(resticBackup.seconds)],
    [
      "restic restore",
      `${s(resticRestore.seconds)}, ${(mb(data.bytes) / resticRestore.seconds).toFixed(1)} MB/s, peak RSS ${resticRestore.peakRssMiB.toFixed(0)} MiB`,
    ],
    ["restic restore ÷ drill restore", ratio(v?.restoreSeconds)],
    ["restic restore ÷ drill wall time", ratio(wallSeconds)],
  ];
  console.log(`\n### ${size} MiB (drill ${record.drillId})\n\n| measure | value |\n| --- | --- |`);
  for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
  if (record.verdict !== "PASS") {
    failed = true;
    console.log(`\nThe drill did not pass: ${JSON.stringify(record.error ?? record.steps, null, 2)}`);
    for (const line of (await drillLogs(startedAt - 5_000)).slice(-40)) console.log(line);
  }
}
await rm(work, { recursive: true, force: true });
if (failed) process.exitCode = 1;
