import type { AuditLog } from "../audit/audit-log.ts";
import type { AuditEvent } from "../audit/event-schema.ts";
import { serviceAuditEvent } from "../audit/service-event.ts";
import { GovdrError } from "../errors.ts";
import { insideWindow } from "../policies/achievable.ts";
import { clockTimeIn } from "../policies/wall-clock.ts";
import type { SystemStore, TenantStore } from "../stores/stores.ts";
import type { BackupService } from "./backup-service.ts";

export interface ScheduledBackupDeps {
  tenants: Pick<TenantStore, "get">;
  systems: Pick<SystemStore, "get" | "getPolicy">;
  backups: Pick<BackupService, "start">;
  audit: Pick<AuditLog, "record">;
  now: () => Date;
  region: string;
}

function startEvent(
  deps: ScheduledBackupDeps,
  key: { tenantId: string; systemId: string },
  outcome: { jobId?: string; skipped?: string; error?: GovdrError },
): AuditEvent {
  return serviceAuditEvent({
    service: "govdr-backup-schedule",
    tenantId: key.tenantId,
    eventSource: "backups.govdr",
    eventName: "StartBackup",
    at: deps.now(),
    region: deps.region,
    requestParameters: { systemId: key.systemId, trigger: "schedule" },
    responseElements: outcome.jobId
      ? { jobId: outcome.jobId }
      : outcome.skipped
        ? { skipped: outcome.skipped }
        : null,
    error: outcome.error,
    resources: [
      { type: "govdr::system", id: key.systemId },
      ...(outcome.jobId ? [{ type: "govdr::backup", id: outcome.jobId }] : []),
    ],
  });
}

/**
 * A system's backup schedule fired: starts the job as `POST …/backups` would, audited as the
 * schedule's act. Outside the policy's backup window (R-BK-08) the firing is skipped; a job still
 * running is left to finish; a refusal (no server-side sources any more, a unit not active) stays
 * one however often it is tried, so it is audited and not retried.
 */
export async function startScheduledBackup(
  deps: ScheduledBackupDeps,
  key: { tenantId: string; systemId: string },
): Promise<{ jobId?: string; skipped?: string }> {
  const tenant = await deps.tenants.get(key.tenantId);
  if (tenant?.status !== "active") return { skipped: "tenant-not-active" };
  const system = await deps.systems.get(key.tenantId, key.systemId);
  const policy =
    system && system.policyVersion > 0
      ? await deps.systems.getPolicy(key.tenantId, key.systemId, system.policyVersion)
      : undefined;
  const window = policy?.policy.backup.window;
  if (window && !insideWindow(clockTimeIn(deps.now(), window.timezone), window)) {
    await deps.audit.record(key.tenantId, startEvent(deps, key, { skipped: "outside-backup-window" }));
    return { skipped: "outside-backup-window" };
  }
  try {
    const job = await deps.backups.start(
      { tid: key.tenantId, sub: "backup-schedule" },
      key.systemId,
      {},
      "schedule",
    );
    await deps.audit.record(key.tenantId, startEvent(deps, key, { jobId: job.jobId }));
    return { jobId: job.jobId };
  } catch (error) {
    if (!(error instanceof GovdrError)) throw error;
    await deps.audit.record(key.tenantId, startEvent(deps, key, { error }));
    if (error.code === "BACKUP_RUNNING") return { skipped: "backup-running" };
    if (error.httpStatus < 500) return { skipped: error.code };
    throw error;
  }
}
