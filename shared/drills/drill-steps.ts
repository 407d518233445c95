import type { AuditLog } from "../audit/audit-log.ts";
import type { AuditEvent } from "../audit/event-schema.ts";
import { serviceAuditEvent } from "../audit/service-event.ts";
import { errorCatalogue } from "../error-codes.ts";
import { errorClass, GovdrError, NotFoundError } from "../errors.ts";
import type { SnapshotRecord } from "../snapshots/snapshot-record.ts";
import type { DrillStore, SnapshotCatalog, TenantStore } from "../stores/stores.ts";
import type { Tenant } from "../tenants/tenant.ts";
import type { Repository } from "../vault/repository.ts";
import { loadSnapshot, type Snapshot, snapshotNames } from "../vault/snapshot.ts";
import { beginStep, type DrillRecord, type DrillStep, endStep, type RecoveryPoint } from "./drill.ts";
import { latestSnapshotAt, NoRecoveryPointError } from "./drill-service.ts";
import { evaluate, measure } from "./evaluate.ts";
import { type DrillKey, reportKeys, sandboxPrefix } from "./locations.ts";
import { drillReport, drillReportHtml } from "./report.ts";
import { restoreToSandbox, type Sandbox, verifySandbox } from "./sandbox.ts";

/** The vault copies a drill reads: the DR region's replica of each snapshot's repository. */
export interface DrillVaults {
  /** The snapshot's repository in the DR vault, or undefined when it is not in the platform's vault. */
  drRepositoryOf(record: SnapshotRecord): string | undefined;
  /** The manifest names of the repository (`snapshots/<time>-<id>`). */
  open(drRepository: string, tenant: Tenant): Promise<Repository>;
  manifestNames(drRepository: string): Promise<string[]>;
}

export interface DrillReportStore {
  /** Writes the object once, locked (Object Lock COMPLIANCE) until `retainUntil`. */
  write(key: string, body: string, contentType: string, retainUntil: Date): Promise<void>;
}

export interface DrillNotifier {
  /** Tells the unit's subscribers (000 §7.5.3(5)); `kind` lets them filter. */
  publish(
    tenantId: string,
    message: { kind: string; subject: string; text: string; data: unknown },
  ): Promise<void>;
}

export interface DrillStepDeps {
  drills: DrillStore;
  catalog: Pick<SnapshotCatalog, "list">;
  tenants: Pick<TenantStore, "get">;
  vaults: DrillVaults;
  sandbox: Sandbox;
  reports: DrillReportStore;
  notifier: DrillNotifier;
  audit: Pick<AuditLog, "record">;
  now: () => Date;
  region: string;
  reportRetentionDays: number;
}

async function loadDrill(deps: Pick<DrillStepDeps, "drills">, key: DrillKey): Promise<DrillRecord> {
  const drill = await deps.drills.get(key.tenantId, key.systemId, key.drillId);
  if (!drill) throw new NotFoundError(`No drill ${key.drillId} of system ${key.systemId}`);
  return drill;
}

async function save(deps: Pick<DrillStepDeps, "drills">, drill: DrillRecord): Promise<DrillRecord> {
  const next = { ...drill, version: drill.version + 1 };
  await deps.drills.update(next);
  return next;
}

const capitalised = (step: DrillStep) => `${step[0]?.toUpperCase()}${step.slice(1)}`;

function stepEvent(
  deps: Pick<DrillStepDeps, "now" | "region">,
  drill: DrillRecord,
  step: DrillStep,
  outcome: { detail?: string; error?: { code: string; message: string } },
): AuditEvent {
  return serviceAuditEvent({
    service: "govdr-drill",
    tenantId: drill.tenantId,
    eventSource: "drills.govdr",
    eventName: `Drill${capitalised(step)}`,
    at: deps.now(),
    region: deps.region,
    requestParameters: { systemId: drill.systemId, drillId: drill.drillId, type: drill.type },
    responseElements: outcome.detail ? { detail: outcome.detail.slice(0, 1000) } : null,
    error: outcome.error,
    resources: [
      { type: "govdr::system", id: drill.systemId },
      { type: "govdr::drill", id: drill.drillId },
    ],
  });
}

const errorOf = (error: unknown) => ({
  code: error instanceof GovdrError ? error.code : "INTERNAL",
  message: (error as Error).message ?? String(error),
});

/** The catalogue code of an error class name that Step Functions reports (`WrongKeyError` → WRONG_KEY). */
const codeOfName = (name: string): string =>
  (Object.entries(errorCatalogue).find(([, entry]) => entry.name === name)?.[0] as string | undefined) ??
  name;

/** A drill that ended (its notify step ran, or the sweep ended it) takes no more steps. */
export class DrillNotRunnableError extends errorClass("DRILL_NOT_RUNNABLE") {}

/**
 * Runs one step of a drill: marks it running on the drill (so a reader sees where the drill is),
 * does the work, marks it succeeded or failed, and writes the step's audit event either way.
 */
async function runStep(
  deps: DrillStepDeps,
  key: DrillKey,
  step: DrillStep,
  work: (
    drill: DrillRecord,
  ) => Promise<{ drill: DrillRecord; detail?: string; status?: "succeeded" | "skipped" | "failed" }>,
): Promise<DrillRecord> {
  const stored = await loadDrill(deps, key);
  if (stored.status !== "running") {
    throw new DrillNotRunnableError(
      `Drill ${key.drillId} has ended (${stored.status}); step ${step} is not run`,
    );
  }
  let drill = await save(deps, beginStep(stored, step, deps.now()));
  try {
    const done = await work(drill);
    drill = await save(deps, endStep(done.drill, step, done.status ?? "succeeded", deps.now(), done.detail));
    await deps.audit.record(drill.tenantId, stepEvent(deps, drill, step, { detail: done.detail }));
    return drill;
  } catch (error) {
    // Recording the failure must not replace the error the state machine's Catch and the report name.
    try {
      const failed = endStep(await loadDrill(deps, key), step, "failed", deps.now(), errorOf(error).message);
      await save(deps, failed);
      await deps.audit.record(drill.tenantId, stepEvent(deps, drill, step, { error: errorOf(error) }));
    } catch (bookkeeping) {
      process.stderr.write(
        `drill ${key.drillId}: step ${step} failed, and recording that failed too: ${(bookkeeping as Error).stack}\n`,
      );
    }
    throw error;
  }
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/**
 * Plan: the recovery point is the newest catalogued snapshot, taken at or before the incident time,
 * whose manifest is in the DR vault (what a real recovery in the DR region would have).
 */
export async function planDrill(deps: DrillStepDeps, key: DrillKey): Promise<{ type: DrillRecord["type"] }> {
  const drill = await runStep(deps, key, "plan", async (drill) => {
    const manifests = new Map<string, string[]>();
    const inDr = async (record: SnapshotRecord) => {
      const repository = deps.vaults.drRepositoryOf(record);
      if (!repository) return false;
      if (!manifests.has(repository)) manifests.set(repository, await deps.vaults.manifestNames(repository));
      return (manifests.get(repository) ?? []).some((name) => name.endsWith(`-${record.snapshotId}`));
    };
    const record = await latestSnapshotAt(
      deps.catalog,
      drill.tenantId,
      drill.systemId,
      drill.incidentAt,
      inDr,
    );
    if (!record) {
      throw new NoRecoveryPointError(
        `No snapshot of system ${drill.systemId} taken at or before ${drill.incidentAt} is in the DR vault yet`,
      );
    }
    const recoveryPoint: RecoveryPoint = {
      snapshotId: record.snapshotId,
      takenAt: record.startedAt ?? record.time,
      drRepository: deps.vaults.drRepositoryOf(record) as string,
      files: record.stats.files,
      bytes: record.stats.bytes,
    };
    return {
      drill: { ...drill, recoveryPoint },
      detail: `recovery point ${record.snapshotId} of ${recoveryPoint.takenAt}: ${record.stats.files} files, ${mib(record.stats.bytes)}`,
    };
  });
  return { type: drill.type };
}

async function openRecoveryPoint(
  deps: DrillStepDeps,
  drill: DrillRecord,
): Promise<{ repository: Repository; snapshot: Snapshot }> {
  const point = drill.recoveryPoint;
  if (!point) throw new Error(`drill ${drill.drillId} has no recovery point; the plan step did not run`);
  const tenant = await deps.tenants.get(drill.tenantId);
  if (!tenant) throw new NotFoundError(`No tenant ${drill.tenantId}`);
  const repository = await deps.vaults.open(point.drRepository, tenant);
  const name = (await snapshotNames(repository)).find((n) => n.endsWith(`-${point.snapshotId}`));
  if (!name)
    throw new NoRecoveryPointError(`Snapshot ${point.snapshotId} is gone from ${point.drRepository}`);
  return { repository, snapshot: await loadSnapshot(repository, name) };
}

/** Restore: every file of the recovery point into the drill's sandbox in the DR region. */
export async function restoreDrill(deps: DrillStepDeps, key: DrillKey): Promise<void> {
  await runStep(deps, key, "restore", async (drill) => {
    const started = performance.now();
    const { repository, snapshot } = await openRecoveryPoint(deps, drill);
    const prefix = sandboxPrefix(drill);
    const restored = await restoreToSandbox(repository, snapshot, deps.sandbox, prefix);
    const restoreSeconds = (performance.now() - started) / 1000;
    return {
      drill: {
        ...drill,
        sandbox: `${deps.sandbox.location}${prefix}`,
        verification: {
          expectedFiles: snapshot.stats.files,
          expectedBytes: snapshot.stats.bytes,
          verifiedFiles: 0,
          verifiedBytes: 0,
          directories: restored.directories,
          symlinks: restored.symlinks,
          damaged: restored.damaged,
          damagedCount: restored.damagedCount,
          restoreSeconds,
          verifySeconds: 0,
        },
      },
      detail: `${restored.files} files, ${mib(restored.bytes)} restored in ${restoreSeconds.toFixed(1)} s (${(restored.bytes / 1048576 / Math.max(restoreSeconds, 0.001)).toFixed(1)} MiB/s); ${restored.damagedCount} not restored`,
    };
  });
}

/** Verify: the sandbox against the manifest; the achieved RTO is measured when this ends. */
export async function verifyDrill(deps: DrillStepDeps, key: DrillKey): Promise<void> {
  await runStep(deps, key, "verify", async (drill) => {
    const started = performance.now();
    const { repository, snapshot } = await openRecoveryPoint(deps, drill);
    const prefix = sandboxPrefix(drill);
    const known = drill.verification?.damaged ?? [];
    const checked = await verifySandbox(repository, snapshot, deps.sandbox, prefix, known);
    const verification = {
      ...(drill.verification ?? { directories: 0, symlinks: 0, restoreSeconds: 0 }),
      ...checked,
      verifySeconds: (performance.now() - started) / 1000,
    };
    return {
      drill: { ...drill, verification, achieved: measure(drill, deps.now()) },
      detail: `${checked.verifiedFiles} of ${checked.expectedFiles} files (${mib(checked.verifiedBytes)} of ${mib(checked.expectedBytes)}) match the manifest; ${checked.damagedCount} do not`,
    };
  });
}

/** Writes the drill's JSON and HTML report, locked for the retention; answers the drill with their keys. */
export async function writeDrillReport(
  deps: { reports: DrillReportStore; now: () => Date; reportRetentionDays: number },
  drill: DrillRecord,
): Promise<DrillRecord> {
  const keys = reportKeys(drill);
  const at = deps.now();
  const retainUntil = new Date(at.getTime() + deps.reportRetentionDays * 86_400_000);
  const withReport = { ...drill, report: keys };
  await deps.reports.write(
    keys.json,
    `${JSON.stringify(drillReport(withReport, at), null, 2)}\n`,
    "application/json",
    retainUntil,
  );
  await deps.reports.write(
    keys.html,
    drillReportHtml(withReport, at),
    "text/html; charset=utf-8",
    retainUntil,
  );
  return withReport;
}

/** Evaluate against the targets, then write the report (JSON and HTML, locked) in the reports bucket. */
export async function reportDrill(deps: DrillStepDeps, key: DrillKey): Promise<{ verdict: "PASS" | "FAIL" }> {
  const evaluated = await runStep(deps, key, "evaluate", async (drill) => {
    const achieved = drill.achieved ?? (drill.type === "tabletop" ? measure(drill) : undefined);
    const judged = { ...drill, achieved };
    const { verdict, findings } = evaluate(judged);
    return {
      drill: { ...judged, verdict, findings },
      detail: `${verdict}: ${
        findings
          .filter((f) => f.severity === "error")
          .map((f) => f.code)
          .join(", ") || "every target met"
      }`,
    };
  });
  await runStep(deps, key, "report", async (drill) => {
    // The report shows the drill with its verdict, as it ends; the record ends with the notify step.
    const reported = await writeDrillReport(deps, {
      ...drill,
      status: "completed",
      finishedAt: deps.now().toISOString(),
    });
    return { drill: { ...drill, report: reported.report }, detail: reportKeys(drill).html };
  });
  return { verdict: evaluated.verdict as "PASS" | "FAIL" };
}

/** What Step Functions hands a Catch: the error's name and its cause (the Lambda's error as JSON). */
export interface StepFailure {
  Error?: string;
  Cause?: string;
}

export function failureOf(failure: StepFailure): { code: string; message: string } {
  let message = failure.Cause ?? failure.Error ?? "unknown error";
  let code = failure.Error ?? "INTERNAL";
  try {
    const cause = JSON.parse(failure.Cause ?? "") as {
      errorMessage?: string;
      errorType?: string;
      code?: string;
    };
    message = cause.errorMessage ?? message;
    code = cause.code ?? cause.errorType ?? code;
  } catch {
    // A cause that is not JSON (a States.* error) is kept as the message it is.
  }
  return { code: codeOfName(code).slice(0, 64), message: message.slice(0, 2000) };
}

/**
 * Cleanup, which runs whatever happened before (the state machine's Catch leads here): removes the
 * sandbox. A drill that stopped on an error gets what stopped it and a report of how far it got.
 */
export async function cleanupDrill(deps: DrillStepDeps, key: DrillKey, failure?: StepFailure): Promise<void> {
  await runStep(deps, key, "cleanup", async (drill) => {
    const removed = await deps.sandbox.removeAll(sandboxPrefix(drill));
    const at = deps.now().toISOString();
    let cleaned: DrillRecord = { ...drill, sandboxRemovedAt: at };
    if (failure || !drill.verdict) {
      const error = failure
        ? failureOf(failure)
        : { code: "INTERNAL", message: "The drill ended without a verdict" };
      // The report shows the drill as it ends; the record ends with the notify step.
      const reported = await writeDrillReport(deps, { ...cleaned, error, status: "failed", finishedAt: at });
      cleaned = { ...cleaned, error, report: reported.report };
    }
    return { drill: cleaned, detail: `${removed} objects removed from the sandbox` };
  });
}

function resultMessage(drill: DrillRecord, outcome: string) {
  const achieved = drill.achieved
    ? `Achieved RTO ${drill.achieved.rtoSeconds?.toFixed(1) ?? "—"} s (target ${drill.targets.rtoSeconds} s), RPO ${drill.achieved.rpoSeconds.toFixed(1)} s (target ${drill.targets.rpoSeconds} s).`
    : "";
  return {
    kind: "drill-result",
    subject: `govdr drill ${drill.drillId} of ${drill.systemId}: ${outcome}`,
    text: [
      `Drill ${drill.drillId} (${drill.type}) of system ${drill.systemId}: ${outcome}.`,
      achieved,
      ...drill.findings.filter((f) => f.severity === "error").map((f) => `- ${f.message.en}`),
      drill.error ? `Error: ${drill.error.message}` : "",
    ]
      .filter(Boolean)
      .join("\n"),
    data: {
      drillId: drill.drillId,
      systemId: drill.systemId,
      status: drill.status,
      verdict: drill.verdict,
      achieved: drill.achieved,
      targets: drill.targets,
    },
  };
}

/**
 * Notify, the last step: the unit's subscribers learn the outcome, and the drill ends — completed
 * with its verdict, or failed with what stopped it — which gives the system's drill slot back. A
 * notification that cannot be sent fails this step only; the drill still ends.
 */
export async function notifyDrill(
  deps: DrillStepDeps,
  key: DrillKey,
  failure?: StepFailure,
): Promise<{ status: string; verdict?: string }> {
  const drill = await runStep(deps, key, "notify", async (running) => {
    // A failure cleanup could not record (it failed too) is recorded here; no verdict is a failure.
    const error =
      running.error ??
      (failure ? failureOf(failure) : undefined) ??
      (running.verdict ? undefined : { code: "INTERNAL", message: "The drill ended without a verdict" });
    const ended: DrillRecord = {
      ...running,
      ...(error ? { error } : {}),
      status: error ? "failed" : "completed",
      finishedAt: deps.now().toISOString(),
    };
    const outcome = ended.error ? `FAILED (${ended.error.code})` : (ended.verdict ?? "no verdict");
    const unsent = await deps.notifier.publish(ended.tenantId, resultMessage(ended, outcome)).then(
      () => undefined,
      (error: Error) => error,
    );
    return unsent
      ? {
          drill: ended,
          status: "failed",
          detail: `${outcome}; the notification was not sent: ${unsent.message}`,
        }
      : { drill: ended, detail: outcome };
  });
  return { status: drill.status, ...(drill.verdict ? { verdict: drill.verdict } : {}) };
}
