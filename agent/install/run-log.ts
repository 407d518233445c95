import { appendFile, mkdir, open, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { writeWhole } from "./installed-agent.ts";

/** One `agent run`, as `agent status` shows it. */
export const agentRunSchema = z.object({
  startedAt: z.string(),
  endedAt: z.string(),
  outcome: z.enum(["completed", "failed", "skipped"]),
  policyVersion: z.number().int().optional(),
  type: z.string().optional(),
  snapshotId: z.string().optional(),
  files: z.number().optional(),
  bytes: z.number().optional(),
  newBytes: z.number().optional(),
  /** Why it failed or was skipped, or what changed (the schedule). */
  detail: z.string().optional(),
});
export type AgentRun = z.infer<typeof agentRunSchema>;

const logName = "runs.jsonl";
/** The log is cut back to its newest runs when it grows past this, so it stays small for years. */
const maxBytes = 256 * 1024;
const keptRuns = 100;
/** A long error message is cut here, so that the runs kept always fit well within the bound. */
const maxDetail = 1000;

/** Appends the run (one JSON line, in the installation's state directory). */
export async function recordRun(stateDir: string, run: AgentRun): Promise<void> {
  const file = path.join(stateDir, logName);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  // A run killed mid-write leaves a line without its end; the next one starts on a line of its own.
  const separator = (await endsMidLine(file)) ? "\n" : "";
  const line = JSON.stringify({ ...run, ...(run.detail ? { detail: run.detail.slice(0, maxDetail) } : {}) });
  await appendFile(file, `${separator}${line}\n`, { mode: 0o600 });
  if ((await stat(file)).size > maxBytes) {
    const runs = await readRuns(stateDir);
    await writeWhole(
      file,
      runs
        .slice(-keptRuns)
        .map((r) => `${JSON.stringify(r)}\n`)
        .join(""),
      0o600,
    );
  }
}

async function endsMidLine(file: string): Promise<boolean> {
  const handle = await open(file, "r").catch(() => undefined);
  if (!handle) return false;
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}

/** The recorded runs, oldest first; a line that does not parse (a run cut off mid-write) is passed over. */
export async function readRuns(stateDir: string): Promise<AgentRun[]> {
  const text = await readFile(path.join(stateDir, logName), "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  return text.split("\n").flatMap((line) => {
    if (!line) return [];
    try {
      const run = agentRunSchema.safeParse(JSON.parse(line));
      return run.success ? [run.data] : [];
    } catch {
      return [];
    }
  });
}
