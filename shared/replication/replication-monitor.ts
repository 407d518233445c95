import type { AuditLog } from "../audit/audit-log.ts";
import type { AuditEvent } from "../audit/event-schema.ts";
import { serviceAuditEvent } from "../audit/service-event.ts";
import type { DrillNotifier } from "../drills/drill-steps.ts";
import { drillTargets } from "../drills/evaluate.ts";
import { GovdrError } from "../errors.ts";
import { allItems, type Page } from "../stores/page.ts";
import type { SnapshotCatalog, SystemStore, TenantStore } from "../stores/stores.ts";
import type { ProtectedSystem } from "../systems/system.ts";
import { measureReplication, type VaultListings } from "./measure.ts";
import type { ReplicationCheck } from "./replication-check.ts";

/** Each system's replication checks, newest first, kept for half a year (R-MN-03, R-AU-16). */
export interface ReplicationCheckStore {
  record(check: ReplicationCheck): Promise<void>;
  history(
    tenantId: string,
    systemId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<ReplicationCheck>>;
}

export interface ReplicationDeps {
  catalog: Pick<SnapshotCatalog, "list">;
  listings: VaultListings;
  now: () => Date;
}

/** How current the DR copy of one system is, now. */
export async function checkReplication(
  deps: ReplicationDeps,
  system: ProtectedSystem,
): Promise<ReplicationCheck> {
  const { items } = await deps.catalog.list(system.tenantId, system.systemId, { limit: 50 });
  return measureReplication(deps.listings, items, {
    tenantId: system.tenantId,
    systemId: system.systemId,
    targetRpoSeconds: drillTargets(system).rpoSeconds,
    now: deps.now(),
  });
}

export interface MonitorDeps extends ReplicationDeps {
  tenants: Pick<TenantStore, "listByStatus">;
  systems: Pick<SystemStore, "list">;
  checks: ReplicationCheckStore;
  notifier: DrillNotifier;
  audit: Pick<AuditLog, "record">;
  region: string;
}

function breachEvent(check: ReplicationCheck, kind: "breach" | "restored", region: string): AuditEvent {
  return serviceAuditEvent({
    service: "govdr-replication-monitor",
    tenantId: check.tenantId,
    eventSource: "replication.govdr",
    eventName: kind === "breach" ? "ReplicationRpoBreach" : "ReplicationRpoRestored",
    at: new Date(check.checkedAt),
    region,
    requestParameters: { systemId: check.systemId },
    responseElements: {
      achievableRpoSeconds: check.achievableRpoSeconds,
      targetRpoSeconds: check.targetRpoSeconds,
      lagBytes: check.lagBytes,
      newestReplicatedSnapshot: check.newestReplicatedSnapshot?.snapshotId ?? null,
    },
    resources: [{ type: "govdr::system", id: check.systemId }],
  });
}

const rpoText = (check: ReplicationCheck) =>
  check.achievableRpoSeconds === null
    ? "no snapshot of the system is in the DR vault"
    : `the newest snapshot in the DR vault is ${Math.round(check.achievableRpoSeconds)} s old`;

/**
 * The scheduled pass: measures every system of every active unit that has a policy, keeps the
 * measurement, and tells the unit when a system's RPO goes past its target, and when it is back
 * (000 §7.5.3(5)). Only the change is notified, not every minute of a breach.
 */
export async function monitorReplication(deps: MonitorDeps): Promise<{ checked: number; breaches: number }> {
  let checked = 0;
  let breaches = 0;
  const failed: string[] = [];
  for await (const tenant of allItems((page) => deps.tenants.listByStatus("active", page))) {
    for await (const system of allItems((page) => deps.systems.list(tenant.tenantId, page))) {
      if (system.policyVersion === 0) continue;
      // One system that cannot be measured does not stop the others'; the pass then fails, naming it.
      try {
        const check = await checkSystem(deps, system);
        checked += 1;
        if (check.status === "breach") breaches += 1;
      } catch (error) {
        failed.push(`${system.systemId}: ${(error as Error).message}`);
      }
    }
  }
  if (failed.length > 0) {
    throw new GovdrError(
      "DEPENDENCY_UNAVAILABLE",
      `${failed.length} systems could not be measured: ${failed.join("; ")}`,
    );
  }
  return { checked, breaches };
}

/**
 * Measures one system, tells the unit when its RPO went past the target or came back (a change, not
 * every minute of a breach), then keeps the measurement: a notice that could not be sent is tried
 * again at the next pass, since the change is still there to see.
 */
async function checkSystem(deps: MonitorDeps, system: ProtectedSystem): Promise<ReplicationCheck> {
  const check = await checkReplication(deps, system);
  const previous = (await deps.checks.history(system.tenantId, system.systemId, { limit: 1 })).items[0];
  const changed =
    (check.status === "breach" && previous?.status !== "breach") ||
    (check.status === "ok" && previous?.status === "breach");
  if (changed) {
    const kind = check.status === "breach" ? "breach" : "restored";
    await deps.notifier.publish(check.tenantId, {
      kind: kind === "breach" ? "rpo-breach" : "rpo-restored",
      subject: `govdr ${kind === "breach" ? "RPO breach" : "RPO back within target"}: ${system.name} (${system.systemId})`,
      text:
        kind === "breach"
          ? `The DR copy of ${system.name} is behind its RPO target of ${check.targetRpoSeconds} s: ${rpoText(check)}; ${check.lagBytes} bytes in ${check.lagObjects} objects wait to be replicated.`
          : `The DR copy of ${system.name} is within its RPO target of ${check.targetRpoSeconds} s again: ${rpoText(check)}.`,
      data: check,
    });
    await deps.audit.record(check.tenantId, breachEvent(check, kind, deps.region));
  }
  await deps.checks.record(check);
  return check;
}
