/**
 * govdr vs restic on the same generated data in one run (issue 4, not part of `npm test`).
 * Run: npm run bench:vault   (installs Debian's restic when missing; needs ~1.5 GiB in /tmp)
 * For each data set and tool: backup, change 1% of the data, backup again, restore the latest into
 * an empty directory (checked byte for byte against the source). Prints a Markdown table with MB/s,
 * files/s, peak RSS, stored bytes and the govdr/restic ratio per row, for docs/performance.md.
 */

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { ensureDebianPackages } from "../../cli/apt.ts";
import { projectRoot } from "../../infra/paths.ts";
import { type Dataset, largeFiles, smallFiles } from "./vault/datasets.ts";
import { freshDirectory, govdrTool, type Measurement, resticTool, type Tool } from "./vault/tools.ts";

const work = path.join(process.env.GOVDR_BENCH_DIR ?? tmpdir(), "govdr-bench");
const only = process.argv.slice(2);

await ensureDebianPackages([{ name: "restic", file: "/usr/bin/restic" }], "the vault benchmark");
const agent = path.join(work, "govdr-agent.mjs");
await build({
  entryPoints: [path.join(projectRoot, "cli", "bin", "agent-entry.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outfile: agent,
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: "warning",
});

async function treeDigest(root: string): Promise<string> {
  const hash = createHash("sha256");
  const files = (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((f) => f.isFile())
    .map((f) => path.relative(root, path.join(f.parentPath, f.name)))
    .sort();
  for (const file of files) hash.update(file).update(await readFile(path.join(root, file)));
  return hash.digest("hex");
}

const storedBytes = (dir: string) => Number(execFileSync("du", ["-sb", dir]).toString().split("\t")[0]);

interface Row {
  dataset: Dataset;
  step: string;
  tool: string;
  result: Measurement;
  bytes: number;
  files: number;
  stored?: number;
}

const rows: Row[] = [];
const tools: Tool[] = [resticTool(), govdrTool(agent, "aes-256-gcm"), govdrTool(agent, "sm4-ctr+hmac-sm3")];
const datasets = [
  () => smallFiles(path.join(work, "data", "small")),
  () => largeFiles(path.join(work, "data", "large")),
].filter((_, i) => only.length === 0 || only.includes(["small", "large"][i] ?? ""));

for (const makeDataset of datasets) {
  const dataset = await makeDataset();
  const source = path.join(work, "data", "source");
  for (const tool of tools) {
    // Every tool starts from an identical copy (mtimes kept) of the same generated data.
    await freshDirectory(source);
    execFileSync("cp", ["-a", dataset.root, source]);
    const repo = await freshDirectory(path.join(work, "repos", tool.name.replace(/\W+/g, "-")));
    await tool.init(repo);
    const measured = (step: string, result: Measurement, stored?: number) =>
      rows.push({
        dataset,
        step,
        tool: tool.name,
        result,
        bytes: dataset.bytes,
        files: dataset.files,
        stored,
      });
    measured("backup", await tool.backup(repo, source), storedBytes(repo));
    await dataset.change(source);
    const expected = await treeDigest(source);
    measured("backup after 1% change", await tool.backup(repo, source), storedBytes(repo));
    const target = await freshDirectory(path.join(work, "restore", tool.name.replace(/\W+/g, "-")));
    measured("restore", await tool.restore(repo, target));
    const restoredRoot =
      tool.name === "restic" ? path.join(target, source) : path.join(target, path.basename(source));
    if ((await treeDigest(restoredRoot)) !== expected)
      throw new Error(`${tool.name} restored different data`);
  }
}

const mb = (bytes: number) => bytes / 1e6;
const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
console.log(
  `\n${cpus().length} cores, ${new Date().toISOString()}, restic ${execFileSync("restic", ["version"]).toString().trim()}\n`,
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
    "govdr ÷ restic (speed)",
  ]),
);
console.log(line(Array(9).fill("---")));
for (const row of rows) {
  const restic = rows.find((r) => r.dataset === row.dataset && r.step === row.step && r.tool === "restic");
  const speed = row.bytes / row.result.seconds;
  const ratio =
    restic && row.tool !== "restic" ? (restic.result.seconds / row.result.seconds).toFixed(2) : "";
  console.log(
    line([
      row.dataset.name,
      row.step,
      row.tool,
      row.result.seconds.toFixed(2),
      mb(speed).toFixed(0),
      (row.files / row.result.seconds).toFixed(0),
      row.result.peakRssMiB.toFixed(0),
      row.stored === undefined ? "" : mb(row.stored).toFixed(1),
      ratio,
    ]),
  );
}
