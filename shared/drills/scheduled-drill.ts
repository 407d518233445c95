import type { AuditLog } from "../audit/audit-log.ts";
import type { AuditEvent } from "../audit/event-schema.ts";
import { serviceAuditEvent } from "../audit/service-event.ts";
import { GovdrError } from "../errors.ts";
import type { TenantStore } from "../stores/stores.ts";
import type { DrillService } from "./drill-service.ts";

export interface ScheduledDrillDeps {
  tenants: Pick<TenantStore, "get">;
  drills: Pick<DrillService, "start">;
  audit: Pick<AuditLog, "record">;
  now: () => Date;
  region: string;
}

function startEvent(
  deps: ScheduledDrillDeps,
  key: { tenantId: string; systemId: string },
  outcome: { drillId?: string; error?: GovdrError },
): AuditEvent {
  return serviceAuditEvent({
    service: "govdr-drill-schedule",
    tenantId: key.tenantId,
    eventSource: "drills.govdr",
    eventName: "StartDrill",
    at: deps.now(),
    region: deps.region,
    requestParameters: { systemId: key.systemId, trigger: "schedule" },
    responseElements: outcome.drillId ? { drillId: outcome.drillId } : null,
    error: outcome.error,
    resources: [
      { type: "govdr::system", id: key.systemId },
      ...(outcome.drillId ? [{ type: "govdr::drill", id: outcome.drillId }] : []),
    ],
  });
}

/**
 * A system's drill schedule fired: starts the drill as `POST …/drills` would and audits it as the
 * schedule's act. A drill still running is left to finish (this firing is skipped, and audited as
 * refused); a unit that is not active has no drills.
 */
export async function startScheduledDrill(
  deps: ScheduledDrillDeps,
  key: { tenantId: string; systemId: string },
): Promise<{ drillId?: string; skipped?: string }> {
  const tenant = await deps.tenants.get(key.tenantId);
  if (tenant?.status !== "active") return { skipped: "tenant-not-active" };
  try {
    const drill = await deps.drills.start(
      { tid: key.tenantId, sub: "drill-schedule" },
      key.systemId,
      {},
      "schedule",
    );
    await deps.audit.record(key.tenantId, startEvent(deps, key, { drillId: drill.drillId }));
    return { drillId: drill.drillId };
  } catch (error) {
    if (!(error instanceof GovdrError)) throw error;
    await deps.audit.record(key.tenantId, startEvent(deps, key, { error }));
    if (error.code === "DRILL_RUNNING") return { skipped: "drill-running" };
    // A refusal (no policy, no recovery point, no such system) stays one however often it is tried.
    if (error.httpStatus < 500) return { skipped: error.code };
    throw error;
  }
}
