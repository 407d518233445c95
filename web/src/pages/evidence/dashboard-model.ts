import { limitSeconds } from "../../../../shared/classification/targets.ts";
import type { BackupJobView, DrillRecord, ReplicationCheck, SnapshotRecord } from "../dr/responses.ts";
import type { SystemView } from "../systems/responses.ts";
import { systemTargets } from "../systems/system-model.ts";

/**
 * The dashboard's aggregation (no JSX, no DOM), 000 §7.5.17 (1)–(5): RPO/RTO compliance per system,
 * protected bytes and deduplication, job and drill success per day, active alarms and the summary
 * cards, from what the per-system routes answer. Unit-tested in tests/unit/web/evidence-dashboard.test.ts.
 */

/** The per-system calls the dashboard makes. */
export type SystemCall = "replication" | "drills" | "backups" | "snapshots";

/** What the dashboard loaded for one system; a call that failed is in `failures`, the rest stays. */
export interface SystemData {
  system: SystemView;
  replication?: ReplicationCheck;
  drills?: readonly DrillRecord[];
  backups?: readonly BackupJobView[];
  snapshots?: readonly SnapshotRecord[];
  failures: readonly { call: SystemCall; error: unknown }[];
}

/**
 * Runs `task` over `items` with at most `limit` running at once, answers in the items' order. A task
 * that throws does not stop the others (each task is expected to catch what it can recover from).
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

// ── (1) RPO/RTO compliance per system ──

/** ok: within target; breach: not; not-measured: nothing to measure yet; not-replicable: a local repository. */
export type MeasureState = "ok" | "breach" | "not-measured" | "not-replicable" | "unknown";

export interface ComplianceRow {
  systemId: string;
  name: string;
  hasPolicy: boolean;
  targetRpoSeconds: number;
  /** Now − the newest snapshot fully in the DR vault (GET …/replication); null when there is none. */
  achievableRpoSeconds: number | null;
  rpoState: MeasureState;
  targetRtoSeconds: number;
  /** The newest completed drill's achieved RTO (a tabletop drill restores nothing: none). */
  achievedRtoSeconds: number | null;
  /** The newest completed drill's achieved RPO. */
  drillRpoSeconds: number | null;
  rtoState: MeasureState;
  newestDrill?: { drillId: string; verdict?: "PASS" | "FAIL"; status: DrillRecord["status"]; at: string };
  /** Newest completed drill (the one achieved values come from). */
  measuredBy?: { drillId: string; at: string; verdict?: "PASS" | "FAIL" };
  /** A policy, the RPO within target now, and the newest drill passed within its RTO. */
  compliant: boolean;
}

const drillTime = (drill: DrillRecord) => drill.finishedAt ?? drill.startedAt;
const newestFirst = <T>(items: readonly T[], time: (item: T) => string) =>
  [...items].sort((a, b) => Date.parse(time(b)) - Date.parse(time(a)));

export function complianceRow(data: SystemData): ComplianceRow {
  const { system } = data;
  const targets = systemTargets(system);
  const replication = data.replication;
  const drills = newestFirst(data.drills ?? [], drillTime);
  const newest = drills.find((drill) => drill.status !== "running");
  const completed = drills.find((drill) => drill.status === "completed");
  const targetRpoSeconds = replication?.targetRpoSeconds ?? limitSeconds(targets.required.rpo);
  const targetRtoSeconds = completed?.targets.rtoSeconds ?? limitSeconds(targets.required.rto);
  const rpoState: MeasureState = !replication
    ? "unknown"
    : replication.status === "ok"
      ? "ok"
      : replication.status === "breach"
        ? "breach"
        : replication.status === "not-replicable"
          ? "not-replicable"
          : "not-measured";
  const achievedRto = completed?.achieved?.rtoSeconds;
  const rtoState: MeasureState = !data.drills
    ? "unknown"
    : achievedRto === undefined
      ? "not-measured"
      : achievedRto <= targetRtoSeconds
        ? "ok"
        : "breach";
  const hasPolicy = system.policyVersion > 0;
  const newestFailed = newest !== undefined && (newest.status === "failed" || newest.verdict === "FAIL");
  return {
    systemId: system.systemId,
    name: system.name,
    hasPolicy,
    targetRpoSeconds,
    achievableRpoSeconds: replication?.achievableRpoSeconds ?? null,
    rpoState,
    targetRtoSeconds,
    achievedRtoSeconds: achievedRto ?? null,
    drillRpoSeconds: completed?.achieved?.rpoSeconds ?? null,
    rtoState,
    ...(newest
      ? {
          newestDrill: {
            drillId: newest.drillId,
            status: newest.status,
            at: drillTime(newest),
            ...(newest.verdict ? { verdict: newest.verdict } : {}),
          },
        }
      : {}),
    ...(completed
      ? {
          measuredBy: {
            drillId: completed.drillId,
            at: drillTime(completed),
            ...(completed.verdict ? { verdict: completed.verdict } : {}),
          },
        }
      : {}),
    compliant: hasPolicy && rpoState === "ok" && rtoState !== "breach" && !newestFailed,
  };
}

// ── (2) Protected bytes and deduplication ──

export interface StorageRow {
  systemId: string;
  name: string;
  /** The newest snapshot's logical size: the data protected now. */
  protectedBytes: number;
  snapshots: number;
  /** Σ logical bytes of the snapshots counted. */
  logicalBytes: number;
  /** Σ bytes those snapshots added to the vault (new blobs, plain size): the rest was deduplicated. */
  storedBytes: number;
  /** logicalBytes / storedBytes; undefined without a stored byte. */
  dedupRatio?: number;
}

const ratio = (logical: number, stored: number) => (stored > 0 ? logical / stored : undefined);

export function storageRow(data: SystemData): StorageRow {
  const snapshots = newestFirst(data.snapshots ?? [], (s) => s.time);
  const logicalBytes = snapshots.reduce((sum, s) => sum + s.stats.bytes, 0);
  const storedBytes = snapshots.reduce((sum, s) => sum + s.stats.newBytes, 0);
  const dedupRatio = ratio(logicalBytes, storedBytes);
  return {
    systemId: data.system.systemId,
    name: data.system.name,
    protectedBytes: snapshots[0]?.stats.bytes ?? 0,
    snapshots: snapshots.length,
    logicalBytes,
    storedBytes,
    ...(dedupRatio !== undefined ? { dedupRatio } : {}),
  };
}

export function storageTotals(rows: readonly StorageRow[]) {
  const logicalBytes = rows.reduce((sum, r) => sum + r.logicalBytes, 0);
  const storedBytes = rows.reduce((sum, r) => sum + r.storedBytes, 0);
  const dedupRatio = ratio(logicalBytes, storedBytes);
  return {
    protectedBytes: rows.reduce((sum, r) => sum + r.protectedBytes, 0),
    snapshots: rows.reduce((sum, r) => sum + r.snapshots, 0),
    logicalBytes,
    storedBytes,
    ...(dedupRatio !== undefined ? { dedupRatio } : {}),
  };
}

// ── (3) Job and drill success over time ──

export interface DayCounts {
  /** The day in the browser's time zone, YYYY-MM-DD. */
  day: string;
  drillsPassed: number;
  drillsFailed: number;
  jobsCompleted: number;
  jobsFailed: number;
}

const pad = (n: number) => String(n).padStart(2, "0");
/** A moment's day in the browser's time zone. */
export const localDay = (moment: Date) =>
  `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;

/**
 * Finished drills and backup jobs per day over the last `days` days (today included), oldest first.
 * A drill counts as failed when its verdict is FAIL or it could not finish; running ones are not
 * counted yet. Days without any stay in, at zero, so the time axis is even.
 */
export function successByDay(datas: readonly SystemData[], days: number, now: Date): DayCounts[] {
  const rows: DayCounts[] = [];
  const index = new Map<string, DayCounts>();
  for (let back = days - 1; back >= 0; back--) {
    const moment = new Date(now.getFullYear(), now.getMonth(), now.getDate() - back, 12);
    const row = { day: localDay(moment), drillsPassed: 0, drillsFailed: 0, jobsCompleted: 0, jobsFailed: 0 };
    rows.push(row);
    index.set(row.day, row);
  }
  for (const data of datas) {
    for (const drill of data.drills ?? []) {
      if (drill.status === "running") continue;
      const row = index.get(localDay(new Date(drillTime(drill))));
      if (!row) continue;
      if (drill.status === "completed" && drill.verdict === "PASS") row.drillsPassed++;
      else row.drillsFailed++;
    }
    for (const job of data.backups ?? []) {
      if (job.status === "running") continue;
      const row = index.get(localDay(new Date(job.finishedAt ?? job.startedAt)));
      if (!row) continue;
      if (job.status === "completed") row.jobsCompleted++;
      else row.jobsFailed++;
    }
  }
  return rows;
}

// ── (4)/(5) Active alarms ──

export type AlarmKind =
  | "rpo-breach"
  | "rto-breach"
  | "drill-failed"
  | "job-failed"
  | "no-policy"
  | "no-snapshot"
  | "not-replicable"
  | "load-failed";

export interface Alarm {
  kind: AlarmKind;
  severity: "error" | "warning";
  systemId: string;
  name: string;
  /** When it was seen: the check, the drill, the job. */
  at?: string;
  /** The numbers the alarm is about (seconds). */
  achievedSeconds?: number;
  targetSeconds?: number;
  /** The drill or job it is about, and its error code. */
  id?: string;
  code?: string;
  calls?: SystemCall[];
}

/** What is wrong now, errors first: a current RPO breach, failed newest drills and jobs, no policy. */
export function alarmsOf(datas: readonly SystemData[]): Alarm[] {
  const alarms: Alarm[] = [];
  for (const data of datas) {
    const row = complianceRow(data);
    const base = { systemId: row.systemId, name: row.name };
    if (!row.hasPolicy) alarms.push({ ...base, kind: "no-policy", severity: "error" });
    const replication = data.replication;
    if (replication?.status === "breach")
      alarms.push({
        ...base,
        kind: "rpo-breach",
        severity: "error",
        at: replication.checkedAt,
        targetSeconds: replication.targetRpoSeconds,
        ...(replication.achievableRpoSeconds !== null
          ? { achievedSeconds: replication.achievableRpoSeconds }
          : {}),
      });
    if (row.hasPolicy && replication?.status === "no-snapshot")
      alarms.push({ ...base, kind: "no-snapshot", severity: "warning", at: replication.checkedAt });
    if (replication?.status === "not-replicable")
      alarms.push({ ...base, kind: "not-replicable", severity: "warning", at: replication.checkedAt });
    const drill = newestFirst(data.drills ?? [], drillTime).find((d) => d.status !== "running");
    if (drill && (drill.status === "failed" || drill.verdict === "FAIL"))
      alarms.push({
        ...base,
        kind: "drill-failed",
        severity: "error",
        at: drillTime(drill),
        id: drill.drillId,
        ...(drill.error ? { code: drill.error.code } : {}),
      });
    else if (row.rtoState === "breach" && row.achievedRtoSeconds !== null)
      alarms.push({
        ...base,
        kind: "rto-breach",
        severity: "error",
        ...(row.measuredBy ? { at: row.measuredBy.at, id: row.measuredBy.drillId } : {}),
        achievedSeconds: row.achievedRtoSeconds,
        targetSeconds: row.targetRtoSeconds,
      });
    const job = newestFirst(data.backups ?? [], (j) => j.finishedAt ?? j.startedAt).find(
      (j) => j.status !== "running",
    );
    if (job?.status === "failed")
      alarms.push({
        ...base,
        kind: "job-failed",
        severity: "error",
        at: job.finishedAt ?? job.startedAt,
        id: job.jobId,
        ...(job.error ? { code: job.error.code } : {}),
      });
    if (data.failures.length > 0)
      alarms.push({
        ...base,
        kind: "load-failed",
        severity: "warning",
        calls: data.failures.map((f) => f.call),
      });
  }
  const rank = (a: Alarm) => (a.severity === "error" ? 0 : 1);
  return alarms.sort((a, b) => rank(a) - rank(b));
}

// ── Summary cards ──

export interface Summary {
  systems: number;
  compliant: number;
  /** Systems with a current RPO breach, or whose newest drill missed its RTO. */
  breaches: number;
  /** Systems whose RPO cannot be measured yet (no snapshot, nothing replicated). */
  notMeasured: number;
  withoutPolicy: number;
  lastDrill?: { at: string; name: string; verdict?: "PASS" | "FAIL"; status: DrillRecord["status"] };
}

export function summaryOf(datas: readonly SystemData[]): Summary {
  const rows = datas.map(complianceRow);
  let lastDrill: Summary["lastDrill"];
  for (const row of rows) {
    const drill = row.newestDrill;
    if (drill && (!lastDrill || Date.parse(drill.at) > Date.parse(lastDrill.at)))
      lastDrill = {
        at: drill.at,
        name: row.name,
        status: drill.status,
        ...(drill.verdict ? { verdict: drill.verdict } : {}),
      };
  }
  return {
    systems: rows.length,
    compliant: rows.filter((r) => r.compliant).length,
    breaches: rows.filter((r) => r.rpoState === "breach" || r.rtoState === "breach").length,
    notMeasured: rows.filter((r) => r.rpoState === "not-measured").length,
    withoutPolicy: rows.filter((r) => !r.hasPolicy).length,
    ...(lastDrill ? { lastDrill } : {}),
  };
}
