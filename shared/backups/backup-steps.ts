import type { AuditLog } from "../audit/audit-log.ts";
import { serviceAuditEvent } from "../audit/service-event.ts";
import type { DrillNotifier } from "../drills/drill-steps.ts";
import { GovdrError, MisconfigurationError, NotFoundError } from "../errors.ts";
import { snapshotReportOf } from "../snapshots/snapshot-record.ts";
import type { SnapshotService } from "../snapshots/snapshot-service.ts";
import type { BackupJobStore, SystemStore, TenantStore } from "../stores/stores.ts";
import type { Tenant } from "../tenants/tenant.ts";
import {
  continueObjectBackup,
  type ObjectBackupStats,
  type ObjectSource,
  startObjectBackup,
} from "../vault/object-backup.ts";
import type { Repository } from "../vault/repository.ts";
import { loadSnapshot, type Snapshot } from "../vault/snapshot.ts";
import type { SuiteName } from "../vault/suites.ts";
import type { BackupJob } from "./backup-job.ts";
import type { ServerSource } from "./server-sources.ts";

export interface BackupJobKey {
  tenantId: string;
  systemId: string;
  jobId: string;
}

/** The unit's repository in the primary vault, opened (or created) with its KMS key. */
export interface BackupVault {
  open(tenant: Tenant, settings: { suite: SuiteName; retainUntil: Date }): Promise<Repository>;
}

/** The sources as the engine reads them, through the unit's role (assumed with ExternalId = its id). */
export interface BackupSources {
  open(tenantId: string, jobId: string, sources: ServerSource[]): Promise<ObjectSource[]>;
}

export interface BackupStepDeps {
  jobs: BackupJobStore;
  systems: Pick<SystemStore, "getPolicy">;
  tenants: Pick<TenantStore, "get">;
  snapshots: Pick<SnapshotService, "register">;
  vault: BackupVault;
  sources: BackupSources;
  audit: Pick<AuditLog, "record">;
  now: () => Date;
  region: string;
  /** How often a running slice writes its progress to the job. */
  progressEveryMs?: number;
}

const progressOf = (job: BackupJob, stats: ObjectBackupStats, sourcesDone: number, at: Date) => ({
  ...job.progress,
  files: stats.files,
  bytes: stats.bytes,
  readBytes: stats.readBytes,
  newBytes: stats.newBytes,
  unchangedFiles: stats.unchanged,
  vanishedFiles: stats.vanished,
  sourcesDone,
  updatedAt: at.toISOString(),
});

async function loadJob(deps: Pick<BackupStepDeps, "jobs">, key: BackupJobKey): Promise<BackupJob> {
  const job = await deps.jobs.get(key.tenantId, key.systemId, key.jobId);
  if (!job) throw new NotFoundError(`No backup ${key.jobId} of system ${key.systemId}`);
  return job;
}

function endEvent(
  deps: Pick<BackupStepDeps, "region" | "now">,
  job: BackupJob,
  eventName: string,
  error?: { code: string; message: string },
) {
  return serviceAuditEvent({
    service: "govdr-backup",
    tenantId: job.tenantId,
    eventSource: "backups.govdr",
    eventName,
    at: deps.now(),
    region: deps.region,
    requestParameters: {
      systemId: job.systemId,
      jobId: job.jobId,
      trigger: job.trigger,
      type: job.type,
      sources: job.sources.map((s) => (s.type === "s3-prefix" ? `s3://${s.bucket}/${s.prefix}` : s.tableArn)),
    },
    responseElements: error
      ? null
      : { snapshotId: job.snapshotId ?? null, progress: job.progress, warnings: job.warnings },
    error,
    resources: [
      { type: "govdr::system", id: job.systemId },
      { type: "govdr::backup", id: job.jobId },
      ...(job.snapshotId ? [{ type: "govdr::snapshot", id: job.snapshotId }] : []),
    ],
  });
}

/** The most one slice works: well inside a Lambda's 15 minutes, leaving time to write a checkpoint. */
export const sliceMs = 10 * 60_000;
/** What a slice leaves of its invocation's time for the checkpoint and a last large object. */
export const sliceMarginMs = 4 * 60_000;

/** When the slice starting `now` stops taking new objects, given the time its invocation has left. */
export const sliceDeadline = (now: Date, remainingMs: number) =>
  new Date(now.getTime() + Math.max(10_000, Math.min(sliceMs, remainingMs - sliceMarginMs)));

/**
 * One slice of a job (statemachines/backup.asl.json loops on it until `done`): opens the unit's
 * repository and its sources, goes on from the job's checkpoint until `deadline`, and saves the
 * next checkpoint; the last slice writes the manifest, records the snapshot in the catalogue as an
 * agent's would be, and ends the job. Live progress is written every few seconds meanwhile.
 */
export async function runBackupSlice(
  deps: BackupStepDeps,
  key: BackupJobKey,
  deadline: Date,
): Promise<{ done: boolean }> {
  let job = await loadJob(deps, key);
  if (job.status !== "running") return { done: true };
  const tenant = await deps.tenants.get(job.tenantId);
  if (!tenant?.vaultKeyId) throw new MisconfigurationError(`Tenant ${job.tenantId} has no vault key`);
  const policy = await deps.systems.getPolicy(job.tenantId, job.systemId, job.policyVersion);
  if (!policy) throw new GovdrError("INTERNAL", `Policy v${job.policyVersion} of ${job.systemId} is missing`);
  const retainUntil = new Date(deps.now().getTime() + policy.policy.retention.days * 86_400_000);
  const repository = await deps.vault.open(tenant, { suite: policy.policy.crypto.suite, retainUntil });
  if (job.manifest) {
    // A retry after the manifest was written: record it, never back up again.
    await complete(deps, job, await loadSnapshot(repository, job.manifest), repository.config.id);
    return { done: true };
  }
  const sources = await deps.sources.open(job.tenantId, job.jobId, job.sources);
  const warnings: string[] = [...job.warnings];
  const checkpoint =
    job.checkpoint ??
    (await startObjectBackup(repository, sources, {
      type: job.type,
      now: deps.now,
      onWarning: (message) => warnings.length < 20 && warnings.push(message.slice(0, 1000)),
    }));

  // Progress is saved in the background, one write at a time, never more often than every few seconds.
  const every = deps.progressEveryMs ?? 5_000;
  let saving: Promise<void> = Promise.resolve();
  let lastSaved = 0;
  let saveFailure: unknown;
  const save = async (next: BackupJob) => {
    await deps.jobs.update(next);
    job = next;
  };
  const onProgress = (stats: ObjectBackupStats) => {
    const at = deps.now();
    if (at.getTime() - lastSaved < every) return;
    lastSaved = at.getTime();
    saving = saving.then(() =>
      save({
        ...job,
        progress: progressOf(job, stats, checkpoint.source, at),
        version: job.version + 1,
      }).catch((error) => {
        saveFailure ??= error;
      }),
    );
  };
  const result = await continueObjectBackup(repository, sources, checkpoint, {
    type: job.type,
    now: deps.now,
    shouldPause: () => deps.now() >= deadline,
    onProgress,
  });
  await saving;
  if (saveFailure) throw saveFailure;
  const at = deps.now();
  const slices = job.progress.slices + 1;
  if (!result.done) {
    await save({
      ...job,
      checkpoint: result.checkpoint,
      warnings,
      progress: { ...progressOf(job, result.checkpoint.stats, result.checkpoint.source, at), slices },
      version: job.version + 1,
    });
    return { done: false };
  }
  const { snapshot, manifest } = result;
  // The manifest is in the vault: the job says so before the catalogue does, so a retry finds it.
  await save({
    ...job,
    checkpoint: undefined,
    snapshotId: snapshot.id,
    manifest,
    warnings,
    progress: { ...progressOf(job, result.stats, sources.length, at), slices },
    version: job.version + 1,
  });
  await complete(deps, job, snapshot, repository.config.id);
  return { done: true };
}

/** Records the written snapshot in the catalogue (once: a retry finds the same) and ends the job. */
async function complete(deps: BackupStepDeps, job: BackupJob, snapshot: Snapshot, repositoryId: string) {
  const report = snapshotReportOf(snapshot, { location: job.repository, id: repositoryId });
  await deps.snapshots.register(
    { tid: job.tenantId, sub: `govdr-backup:${job.jobId}` },
    job.systemId,
    snapshot.id,
    report,
  );
  const completed: BackupJob = {
    ...job,
    status: "completed",
    finishedAt: deps.now().toISOString(),
    version: job.version + 1,
  };
  await deps.jobs.update(completed);
  await deps.audit.record(job.tenantId, endEvent(deps, completed, "CompleteBackup"));
}

/** The state machine's Catch: the job ends as failed with the error that stopped it, audited. */
export async function failBackup(
  deps: Pick<BackupStepDeps, "jobs" | "audit" | "now" | "region"> & { notifier: DrillNotifier },
  key: BackupJobKey,
  failure: { Error?: string; Cause?: string } | null,
): Promise<{ failed: boolean }> {
  const job = await loadJob(deps, key);
  // A retry after the notice could not be sent finds the job failed already, and sends it again.
  if (job.status === "failed") {
    await notifyFailure(deps.notifier, job);
    return { failed: false };
  }
  if (job.status !== "running") return { failed: false };
  const error = failureOf(failure);
  const failed: BackupJob = {
    ...job,
    status: "failed",
    finishedAt: deps.now().toISOString(),
    error,
    version: job.version + 1,
  };
  await deps.jobs.update(failed);
  await deps.audit.record(job.tenantId, endEvent(deps, failed, "FailBackup", error));
  await notifyFailure(deps.notifier, failed);
  return { failed: true };
}

/** Tells the unit's subscribers that a job failed (000 §7.5.3(5): failed jobs). */
function notifyFailure(notifier: DrillNotifier, job: BackupJob): Promise<void> {
  return notifier.publish(job.tenantId, {
    kind: "job-failed",
    subject: `govdr backup failed: ${job.systemId} (${job.jobId})`,
    text: `The server-side backup ${job.jobId} of system ${job.systemId} failed: ${job.error?.code ?? "BACKUP_FAILED"}: ${job.error?.message ?? "the backup stopped"}. No snapshot was recorded; ${job.trigger === "failback" ? `it was part of the resync of a failback (${job.requestedBy}), which tries once more and then stops, the DR site serving on` : `the next scheduled run tries again, or run one now with POST /systems/${job.systemId}/backups`}.`,
    data: job,
  });
}

/** What a Catch hands over (`{Error, Cause}`, the Cause a Lambda error as JSON) as the job's error. */
export function failureOf(failure: { Error?: string; Cause?: string } | null): {
  code: string;
  message: string;
} {
  let code = failure?.Error ?? "BACKUP_FAILED";
  let message = failure?.Cause ?? "The backup stopped";
  try {
    const cause = JSON.parse(failure?.Cause ?? "") as {
      errorType?: string;
      errorMessage?: string;
      code?: string;
    };
    if (cause.errorMessage) message = cause.errorMessage;
    if (cause.code) code = cause.code;
    else if (cause.errorType) code = cause.errorType;
  } catch {
    // a plain-text cause is the message as it is
  }
  return { code: code.slice(0, 64), message: message.slice(0, 2000) };
}
