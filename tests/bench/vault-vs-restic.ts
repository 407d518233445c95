/**
 * govdr vs restic on the same generated data in one run (issue 4, not part of `npm test`).
 * Times `govdr` as `npx govdr` runs it (cli/bin/govdr.js, the compiled agent; D-52).
 * Run: npm run bench:vault [small|large] [no-s3]   (installs Debian's restic when missing, starts the
 * emulator for the S3 rows; needs ~1.5 GiB in /tmp)
 * For each data set and tool: backup, change 1% of the data, backup again, restore the latest into
 * an empty directory (checked byte for byte against the source). Prints a Markdown table with MB/s,
 * files/s, peak RSS, stored bytes and the govdr/restic ratio per row, for docs/performance.md.
 * The ratio is the median over the repeats of restic's time ÷ govdr's in the same repeat (each pair
 * runs within seconds, so a machine whose speed drifts during the run moves both), with its range.
 */

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { buildSingleFileAgent } from "../../agent/single-file.ts";
import { ensureDebianPackages } from "../../cli/apt.ts";
import { startEmulator, stopEmulator } from "../../cli/emulator/emulator.ts";
import { emulatorClientConfig } from "../../cli/local-stack/aws-clients.ts";
import { type Dataset, largeFiles, smallFiles } from "./vault/datasets.ts";
import {
  freshDirectory,
  generatedKeyFile,
  govdrS3Tool,
  govdrTool,
  type Measurement,
  resticS3Tool,
  resticTool,
  type S3Target,
  type Tool,
} from "./vault/tools.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const work = path.join(process.env.GOVDR_BENCH_DIR ?? tmpdir(), "govdr-bench");
const only = process.argv.slice(2);
// Every tool's temporary files (restic's packs before upload, govdr's staged packs) on the same file
// system as the data, repositories and restores.
process.env.TMPDIR = path.join(work, "tmp");
await mkdir(process.env.TMPDIR, { recursive: true });

await ensureDebianPackages([{ name: "restic", file: "/usr/bin/restic" }], "the vault benchmark");
// What `npx govdr` runs, started as npx starts it (the project's Node.js first on PATH), without
// npm's own start (D-52): the compiled agent, built by this first call if it is not yet.
const agent = path.resolve("cli/bin/govdr.js");
const keyFile = await generatedKeyFile(agent, path.join(work, "govdr.key"));
// The agent as a unit installs it (npm run build:agent, D-53), for this machine's architecture.
const [built] = await buildSingleFileAgent(path.join(work, "single-file"), [process.arch as "x64" | "arm64"]);
const singleFile = (built as { file: string }).file;

async function treeDigest(root: string): Promise<string> {
  const hash = createHash("sha256");
  const files = (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((f) => f.isFile())
    .map((f) => path.relative(root, path.join(f.parentPath, f.name)))
    .sort();
  for (const file of files) hash.update(file).update(await readFile(path.join(root, file)));
  return hash.digest("hex");
}

interface Row {
  dataset: Dataset;
  step: string;
  tool: string;
  /** Which repeat: a govdr run is compared with restic's run of the same repeat, the nearest in time. */
  run: number;
  result: Measurement;
  bytes: number;
  files: number;
  stored?: number;
}

const rows: Row[] = [];
const repeats = Number(process.env.GOVDR_BENCH_REPEATS ?? 3);
const datasetMakers = [
  () => smallFiles(path.join(work, "data", "small")),
  () => largeFiles(path.join(work, "data", "large")),
].filter(
  (_, i) => !only.some((o) => ["small", "large"].includes(o)) || only.includes(["small", "large"][i] ?? ""),
);

/** Local repositories first, with no emulator running beside them; then the emulator's S3. */
const phases: (() => Promise<Tool[]>)[] = [
  async () =>
    only.includes("s3-only")
      ? []
      : [
          resticTool(),
          govdrTool(agent, "aes-256-gcm", keyFile),
          govdrTool(agent, "aes-256-gcm"),
          govdrTool(agent, "sm4-ctr+hmac-sm3", keyFile),
          govdrTool([singleFile], "aes-256-gcm", keyFile, "govdr-agent (single file)"),
        ],
  async () => {
    if (only.includes("no-s3")) return [];
    const target = await emulatorS3();
    return [resticS3Tool(target), govdrS3Tool(agent, target)];
  },
];

let emulatorStartedHere = false;

/** Starts (or reuses) the emulator, with a fresh Object Lock bucket and a KMS key for this run. */
async function emulatorS3(): Promise<S3Target> {
  const { url, startedHere } = await startEmulator({ persistent: false, log: () => undefined });
  emulatorStartedHere = startedHere;
  const config = emulatorClientConfig(url, "cn-north-1");
  const bucket = `govdr-bench-${Date.now()}`;
  await new S3Client({ ...config, forcePathStyle: true }).send(
    new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }),
  );
  const { KeyMetadata } = await new KMSClient(config).send(
    new CreateKeyCommand({ Description: "govdr bench" }),
  );
  return { endpoint: url, bucket, kmsKey: KeyMetadata?.KeyId ?? "" };
}

/** Backup, change 1%, backup, restore (checked byte for byte), from a fresh copy of the data set. */
async function cycle(tool: Tool, dataset: Dataset, run: number): Promise<void> {
  const source = path.join(work, "data", "source");
  await freshDirectory(source);
  execFileSync("cp", ["-a", dataset.root, source]);
  const slug = `${dataset.name}-${tool.name}-${run}-${Date.now()}`.replace(/\W+/g, "-");
  const repo = await freshDirectory(path.join(work, "repos", slug));
  await tool.init(repo);
  const measured = (step: string, result: Measurement, stored?: number) =>
    rows.push({
      dataset,
      step,
      tool: tool.name,
      run,
      result,
      bytes: dataset.bytes,
      files: dataset.files,
      stored,
    });
  measured("backup", await tool.backup(repo, source), await tool.stored(repo));
  await dataset.change(source);
  const expected = await treeDigest(source);
  measured("backup after 1% change", await tool.backup(repo, source), await tool.stored(repo));
  const target = await freshDirectory(path.join(work, "restore", slug));
  measured("restore", await tool.restore(repo, target));
  const restoredRoot = tool.name.startsWith("restic")
    ? path.join(target, source)
    : path.join(target, path.basename(source));
  if ((await treeDigest(restoredRoot)) !== expected) throw new Error(`${tool.name} restored different data`);
  await freshDirectory(repo);
  await freshDirectory(target);
}

// A phase that fails (e.g. the emulator) still leaves the rows measured before it in the table.
let failure: unknown;
try {
  for (const phase of phases) {
    const tools = await phase();
    if (tools.length === 0) continue;
    for (const makeDataset of datasetMakers) {
      const dataset = await makeDataset();
      for (let run = 0; run < repeats; run++) for (const tool of tools) await cycle(tool, dataset, run);
    }
  }
} catch (error) {
  failure = error;
} finally {
  // Leave the machine as found: an emulator this run started is stopped again.
  if (emulatorStartedHere) await stopEmulator(() => undefined);
}

const mb = (bytes: number) => bytes / 1e6;
const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
console.log(
  `\n${cpus().length} cores, ${new Date().toISOString()}, restic ${execFileSync("restic", ["version"]).toString().trim()}, median of ${repeats} runs per row\n`,
);
console.log(
  line([
    "data set",
    "step",
    "tool",
    "s",
    "MB/s",
    "files/s",
    "peak RSS MiB",
    "stored MB",
    "dedup ratio",
    "govdr ÷ restic (speed)",
  ]),
);
console.log(line(Array(10).fill("---")));
/** What the snapshots in the repository cover ÷ what it stores: after the second backup, two snapshots. */
const dedupRatio = (row: Row) =>
  row.stored ? (((row.step === "backup" ? 1 : 2) * row.bytes) / row.stored).toFixed(2) : "";
/** One line per data set, step and tool: the median time of the repeats, the highest peak RSS. */
const summary = new Map<string, Row & { runs: Row[] }>();
for (const row of rows) {
  const key = `${row.dataset.name}|${row.step}|${row.tool}`;
  const entry = summary.get(key) ?? { ...row, runs: [] };
  entry.runs.push(row);
  summary.set(key, entry);
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
/** restic ÷ govdr per repeat: the median, and the range when there is more than one repeat. */
function pairedRatio(restic: Row[], govdr: Row[]): string {
  const ratios = govdr.flatMap((g) => {
    const r = restic.find((candidate) => candidate.run === g.run);
    return r ? [r.result.seconds / g.result.seconds] : [];
  });
  if (ratios.length === 0) return "";
  const sorted = [...ratios].sort((a, b) => a - b);
  const range = sorted.length > 1 ? ` (${sorted[0]?.toFixed(2)}–${sorted.at(-1)?.toFixed(2)})` : "";
  return `${median(ratios).toFixed(2)}${range}`;
}
const medians = [...summary.values()].map((entry) => ({
  ...entry,
  seconds: median(entry.runs.map((r) => r.result.seconds)),
  peak: Math.max(...entry.runs.map((r) => r.result.peakRssMiB)),
}));
for (const row of medians) {
  // Each govdr row against restic on the same kind of repository (local directory or S3).
  const peer = row.tool.endsWith("(S3)") ? "restic (S3)" : "restic";
  const restic = medians.find(
    (r) => r.dataset.name === row.dataset.name && r.step === row.step && r.tool === peer,
  );
  const ratio = restic && !row.tool.startsWith("restic") ? pairedRatio(restic.runs, row.runs) : "";
  console.log(
    line([
      row.dataset.name,
      row.step,
      row.tool,
      row.seconds.toFixed(2),
      mb(row.bytes / row.seconds).toFixed(0),
      (row.files / row.seconds).toFixed(0),
      row.peak.toFixed(0),
      row.stored === undefined ? "" : mb(row.stored).toFixed(1),
      dedupRatio(row),
      ratio,
    ]),
  );
}
if (failure) throw failure;
