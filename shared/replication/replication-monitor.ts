import type { AuditLog } from "../audit/audit-log.ts";
import type { AuditEvent } from "../audit/event-schema.ts";
import { serviceAuditEvent } from "../audit/service-event.ts";
import type { DrillNotifier } from "../drills/drill-steps.ts";
import { drillTargets } from "../drills/evaluate.ts";
import { GovdrError } from "../errors.ts";
import type { DrPolicy, ReplicationTransport } from "../policies/policy-schema.ts";
import { allItems, type Page } from "../stores/page.ts";
import type { SnapshotCatalog, SystemStore, TenantStore } from "../stores/stores.ts";
import type { ProtectedSystem } from "../systems/system.ts";
import { measureReplication, type VaultListings } from "./measure.ts";
import type { ReplicationCheck } from "./replication-check.ts";
import {
  maxReplicationRules,
  type RulesChange,
  type VaultReplicationRules,
  vaultRulesFor,
} from "./replication-rules.ts";
import { transportOf, unitTransport } from "./transport.ts";

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
  policy: Pick<DrPolicy, "replication"> | undefined,
): Promise<ReplicationCheck> {
  const { items } = await deps.catalog.list(system.tenantId, system.systemId, { limit: 50 });
  return measureReplication(deps.listings, items, {
    tenantId: system.tenantId,
    systemId: system.systemId,
    mode: policy ? transportOf(policy) : "native",
    targetRpoSeconds: drillTargets(system).rpoSeconds,
    now: deps.now(),
  });
}

/** The policy in force on a system, if it has one. */
export async function policyOf(
  systems: Pick<SystemStore, "getPolicy">,
  system: ProtectedSystem,
): Promise<DrPolicy | undefined> {
  if (system.policyVersion === 0) return undefined;
  return (await systems.getPolicy(system.tenantId, system.systemId, system.policyVersion))?.policy;
}

export interface MonitorDeps extends ReplicationDeps {
  tenants: Pick<TenantStore, "listByStatus">;
  systems: Pick<SystemStore, "list" | "getPolicy">;
  /** The vault's S3 replication rules, kept to the units' transports; absent without S3 replication. */
  vaultRules?: VaultReplicationRules;
  log?: (message: string) => void;
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
export async function monitorReplication(
  deps: MonitorDeps,
): Promise<{ checked: number; breaches: number; rules: RulesChange["change"] }> {
  let checked = 0;
  let breaches = 0;
  const failed: string[] = [];
  const units: { tenantId: string; transport: ReplicationTransport }[] = [];
  for await (const tenant of allItems((page) => deps.tenants.listByStatus("active", page))) {
    const policies: DrPolicy[] = [];
    for await (const system of allItems((page) => deps.systems.list(tenant.tenantId, page))) {
      if (system.policyVersion === 0) continue;
      // One system that cannot be measured does not stop the others'; the pass then fails, naming it.
      try {
        const policy = await policyOf(deps.systems, system);
        if (policy) policies.push(policy);
        const check = await checkSystem(deps, system, policy);
        checked += 1;
        if (check.status === "breach") breaches += 1;
      } catch (error) {
        failed.push(`${system.systemId}: ${(error as Error).message}`);
      }
    }
    units.push({ tenantId: tenant.tenantId, transport: unitTransport(policies).transport });
  }
  const rules = await keepVaultRules(deps, units);
  if (failed.length > 0) {
    throw new GovdrError(
      "DEPENDENCY_UNAVAILABLE",
      `${failed.length} systems could not be measured: ${failed.join("; ")}`,
    );
  }
  return { checked, breaches, rules };
}

/** Keeps S3 replication to the native units (see vaultRulesFor); a unit's change takes one pass. */
async function keepVaultRules(
  deps: MonitorDeps,
  units: { tenantId: string; transport: ReplicationTransport }[],
): Promise<RulesChange["change"]> {
  const current = await deps.vaultRules?.current();
  if (!deps.vaultRules || !current) return "none";
  const change = vaultRulesFor(current, units);
  if (change.change === "put") await deps.vaultRules.put(change.rules);
  if (change.change === "too-many") {
    deps.log?.(
      `${change.nativeUnits} units replicate natively, more than S3's ${maxReplicationRules} rules: the vault keeps replicating every unit natively, so managed units' transfer windows are not kept`,
    );
  }
  return change.change;
}

/**
 * Measures one system, tells the unit when its RPO went past the target or came back (a change, not
 * every minute of a breach), then keeps the measurement: a notice that could not be sent is tried
 * again at the next pass, since the change is still there to see.
 */
async function checkSystem(
  deps: MonitorDeps,
  system: ProtectedSystem,
  policy: DrPolicy | undefined,
): Promise<ReplicationCheck> {
  const check = await checkReplication(deps, system, policy);
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
