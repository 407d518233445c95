import type { DrillStep } from "../../../../shared/drills/drill.ts";
import type { ReplicationStatus } from "../../../../shared/replication/replication-check.ts";
import type { BackupJobView, DrillRecord, ReplicationCheck } from "./responses.ts";

/** Pure logic of the DR tabs (no JSX, no DOM): unit-tested in tests/unit/web/dr-logic.test.ts. */

// ── Point in time ──

/**
 * The recovery point in force at `at`: the newest snapshot recorded at or before it, as the API's
 * drills choose it (by the snapshot's `time`). `items` are the pages loaded so far, newest first; while
 * none of them is at or before `at` and more pages exist, the answer is to load more.
 */
export function recoveryPointAt<T extends { time: string }>(
  items: readonly T[],
  at: Date,
  hasMore: boolean,
): { kind: "found"; snapshot: T } | { kind: "more" } | { kind: "none" } {
  const limit = at.getTime();
  let best: T | undefined;
  for (const item of items) {
    const time = Date.parse(item.time);
    if (time <= limit && (!best || time > Date.parse(best.time))) best = item;
  }
  // Newest first: once one page holds a snapshot at or before `at`, later pages hold only older ones.
  if (best) return { kind: "found", snapshot: best };
  return hasMore ? { kind: "more" } : { kind: "none" };
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const timePattern = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A date (`YYYY-MM-DD`) and a time (`HH:MM[:SS]`) as the browser's time zone reads them; undefined when not a real moment. */
export function localMoment(date: string, time: string): Date | undefined {
  const d = datePattern.exec(date.trim());
  const t = timePattern.exec(time.trim());
  if (!d || !t) return undefined;
  const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const [hour, minute, second] = [Number(t[1]), Number(t[2]), Number(t[3] ?? 0)];
  const moment = new Date(year, month - 1, day, hour, minute, second);
  // 2026-02-30 rolls over to March: not a date the user meant.
  if (moment.getFullYear() !== year || moment.getMonth() !== month - 1 || moment.getDate() !== day)
    return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return moment;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The date and time fields of a moment in the browser's time zone (what the pickers show). */
export function localFields(moment: Date): { date: string; time: string } {
  return {
    date: `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`,
    time: `${pad(moment.getHours())}:${pad(moment.getMinutes())}:${pad(moment.getSeconds())}`,
  };
}

/** The browser's time zone (e.g. Asia/Shanghai), which the pickers use. */
export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A hash shown short (the full value goes in a title or the detail view). */
export const abbreviate = (value: string, length = 12) =>
  value.length > length ? `${value.slice(0, length)}…` : value;

/**
 * The commands that put a new agent key to use, as `npm start`'s `Agent:` line and docs/agent.md give
 * them: the API's address and the key in the environment, then a backup that records its snapshot.
 */
export function agentCommand(options: {
  credential: string;
  systemId: string;
  apiUrl: string;
  placeholders?: { dir: string; vault: string };
}): string {
  const { dir, vault } = options.placeholders ?? { dir: "<dir>", vault: "<vault dir>" };
  return [
    `export GOVDR_API_URL='${options.apiUrl}'`,
    `export GOVDR_AGENT_KEY='${options.credential}'`,
    `GOVDR_REPO_KEY=<secret> npx govdr backup ${dir} --repo ${vault} --system ${options.systemId}`,
  ].join("\n");
}

/**
 * The commands that install the agent on the system's policy's schedule (docs/agent.md, D-54): the
 * key into a root-only file, then `agent install`, which reads the policy and writes the systemd timer.
 */
export function installCommand(options: { credential: string; apiUrl: string; vault?: string }): string {
  const vault = options.vault ?? "<vault dir>";
  return [
    "umask 077",
    `printf '%s\\n' '${options.credential}' > /root/govdr-agent.key`,
    `sudo govdr-agent agent install --api '${options.apiUrl}' --agent-key-file /root/govdr-agent.key \\`,
    `  --repo ${vault} --key-file /etc/govdr/repo.key`,
    "sudo govdr-agent agent status",
  ].join("\n");
}

// ── Drills ──

/** The steps of statemachines/drill.asl.json, in order (as shared/drills/drill.ts lists them). */
export const drillStepOrder = [
  "plan",
  "restore",
  "verify",
  "evaluate",
  "report",
  "cleanup",
  "notify",
] as const satisfies readonly DrillStep[];
// Every step of the drill record is listed above (a step added there fails this line).
const _allSteps: Exclude<DrillStep, (typeof drillStepOrder)[number]> extends never ? true : never = true;
void _allSteps;

export type StepState = "pending" | "running" | "succeeded" | "failed" | "skipped";

export interface StepLine {
  name: DrillStep;
  state: StepState;
  /** The step the running drill is at. */
  current: boolean;
  startedAt?: string;
  finishedAt?: string;
  /** How long it took, or has taken so far (running), in seconds. */
  seconds?: number;
  detail?: string;
}

const secondsBetween = (from: string, to: number) => Math.max(0, (to - Date.parse(from)) / 1000);

/** Every step of the drill in order, with what the record says of it (pending when it has not begun). */
export function stepLines(
  drill: Pick<DrillRecord, "steps" | "status" | "currentStep">,
  now: Date,
): StepLine[] {
  return drillStepOrder.map((name) => {
    const step = drill.steps.find((s) => s.name === name);
    if (!step) return { name, state: "pending", current: false };
    const running = step.status === "running";
    // A step a failed drill left "running" (the sweep ended it) did not go on.
    const state: StepState = running && drill.status !== "running" ? "failed" : step.status;
    const end = step.finishedAt ? Date.parse(step.finishedAt) : running ? now.getTime() : undefined;
    return {
      name,
      state,
      current: drill.status === "running" && (drill.currentStep === name || running),
      startedAt: step.startedAt,
      ...(step.finishedAt ? { finishedAt: step.finishedAt } : {}),
      ...(end !== undefined ? { seconds: secondsBetween(step.startedAt, end) } : {}),
      ...(step.detail ? { detail: step.detail } : {}),
    };
  });
}

/** How long the drill (or a job) has run: until it finished, or until now while it runs. */
export function elapsedSeconds(item: { startedAt: string; finishedAt?: string }, now: Date): number {
  return secondsBetween(item.startedAt, item.finishedAt ? Date.parse(item.finishedAt) : now.getTime());
}

/** A drill's report exists once it has ended (the route answers 404 while it runs). */
export const hasReport = (drill: Pick<DrillRecord, "status">) => drill.status !== "running";

/** The system's drills that restored something, oldest first: achieved RTO against the target. */
export function rtoSeries(drills: readonly DrillRecord[]) {
  return drills
    .filter((d) => d.achieved?.rtoSeconds !== undefined)
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))
    .map((d) => ({
      drillId: d.drillId,
      startedAt: d.startedAt,
      rtoSeconds: d.achieved?.rtoSeconds as number,
      targetSeconds: d.targets.rtoSeconds,
      verdict: d.verdict,
    }));
}

/** The part of the restored data that checked out: verified bytes of the expected bytes. */
export function verifiedRatio(verification: { expectedBytes: number; verifiedBytes: number }): number {
  if (verification.expectedBytes === 0) return 1;
  return Math.min(1, verification.verifiedBytes / verification.expectedBytes);
}

// ── Replication ──

export const replicationTone = (status: ReplicationStatus): "ok" | "bad" | "warn" | "neutral" =>
  (({ ok: "ok", breach: "bad", "no-snapshot": "warn", "not-replicable": "neutral" }) as const)[status];

/** The monitor's checks, oldest first, as [time, achievable RPO in seconds or null] points. */
export function rpoHistory(checks: readonly ReplicationCheck[]): [number, number | null][] {
  return checks
    .map((c): [number, number | null] => [Date.parse(c.checkedAt), c.achievableRpoSeconds])
    .sort((a, b) => a[0] - b[0]);
}

/** The target of the newest check (the target may change with the policy); undefined without checks. */
export function latestTarget(checks: readonly ReplicationCheck[]): number | undefined {
  let newest: ReplicationCheck | undefined;
  for (const check of checks) if (!newest || check.checkedAt > newest.checkedAt) newest = check;
  return newest?.targetRpoSeconds;
}

// ── Backups ──

/** How far a job is: sources finished of its sources (0–1); a completed job is done. */
export function backupProgress(job: Pick<BackupJobView, "status" | "sources" | "progress">): number {
  if (job.status === "completed") return 1;
  const total = job.sources.length;
  return total === 0 ? 0 : Math.min(1, job.progress.sourcesDone / total);
}

/** A source as one line: `s3://bucket/prefix` or the table's ARN. */
export function sourceLabel(source: BackupJobView["sources"][number]): string {
  return source.type === "s3-prefix" ? `s3://${source.bucket}/${source.prefix}` : source.tableArn;
}
