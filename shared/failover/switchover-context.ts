import type { AuditLog } from "../audit/audit-log.ts";
import { serviceAuditEvent } from "../audit/service-event.ts";
import type { BackupStepDeps } from "../backups/backup-steps.ts";
import type { DrillNotifier, DrillReportStore } from "../drills/drill-steps.ts";
import { errorClass, GovdrError, NotFoundError } from "../errors.ts";
import type { FailoverPolicy } from "../policies/policy-schema.ts";
import type { RouteAdapter, RouteStore } from "../routing/route.ts";
import type { SystemStore } from "../stores/stores.ts";
import type { ProtectedSystem } from "../systems/system.ts";
import type { Repository } from "../vault/repository.ts";
import type { Snapshot } from "../vault/snapshot.ts";
import type { DataLocations } from "./data-restore.ts";
import { isEnded, type Switchover } from "./switchover.ts";
import type { SwitchoverStore } from "./switchover-store.ts";

/** A switchover that ended takes no more steps (a late retry, or the sweep ended it). */
export class SwitchoverNotRunnableError extends errorClass("SWITCHOVER_NOT_RUNNABLE") {}

/** What the heartbeat monitor knows of a site's health (shared/heartbeat). */
export interface HeartbeatView {
  status: string;
  consecutiveFailures: number;
  lastOkAt?: string;
}

/** What a recovery by restore and a failback's resync work with (D-51). */
export interface RecoveryData {
  locations: DataLocations;
  /** The system's latest snapshot in the DR vault, opened there; undefined when it holds none. */
  openLatestInDr(
    tenantId: string,
    systemId: string,
  ): Promise<
    { repository: Repository; snapshot: Snapshot; point: { snapshotId: string; takenAt: string } } | undefined
  >;
  /** Server-side backups as a resync runs them (one slice at a time), into the primary vault. */
  backups: BackupStepDeps;
  /** The unit's repository in the primary vault, where a resync's backups go. */
  repositoryOf(tenantId: string): string;
}

export interface SwitchoverStepDeps {
  switchovers: SwitchoverStore;
  systems: Pick<SystemStore, "get" | "getPolicy">;
  routes: RouteStore;
  /** The adapter the policy names, acting for the unit (route53 switches with the unit's own role). */
  adapterFor(policy: FailoverPolicy, tenantId: string): RouteAdapter;
  /** One health probe of a site's endpoint. */
  health: { check(url: string): Promise<{ ok: boolean; detail: string }> };
  /** The newest snapshot of the system whose manifest is in the DR vault (what a recovery would have). */
  recoveryPoints: {
    latest(tenantId: string, systemId: string): Promise<{ snapshotId: string; takenAt: string } | undefined>;
  };
  heartbeats: { state(tenantId: string, systemId: string): Promise<HeartbeatView | undefined> };
  /** Recovery by restore and the platform's resync (D-51). */
  recoveryData: RecoveryData;
  reports: DrillReportStore;
  notifier: DrillNotifier;
  audit: Pick<AuditLog, "record">;
  now: () => Date;
  region: string;
  reportRetentionDays: number;
}

export interface SwitchKey {
  tenantId: string;
  switchId: string;
}

export async function loadSwitchover(deps: Pick<SwitchoverStepDeps, "switchovers">, key: SwitchKey) {
  const switchover = await deps.switchovers.get(key.tenantId, key.switchId);
  if (!switchover) throw new NotFoundError(`No switchover ${key.switchId}`);
  return switchover;
}

/**
 * Applies `change` to the stored switchover and writes it, reading again when another step wrote
 * first: the systems of a wave run in parallel and each records its own steps on the one record.
 */
export async function mutate(
  deps: Pick<SwitchoverStepDeps, "switchovers">,
  key: SwitchKey,
  change: (switchover: Switchover) => Switchover,
  { allowEnded = false } = {},
): Promise<Switchover> {
  for (let attempt = 1; ; attempt++) {
    const stored = await loadSwitchover(deps, key);
    if (isEnded(stored) && !allowEnded) {
      throw new SwitchoverNotRunnableError(`Switchover ${key.switchId} has ended (${stored.status})`);
    }
    const next = { ...change(stored), version: stored.version + 1 };
    try {
      await deps.switchovers.update(next);
      return next;
    } catch (error) {
      if (!(error instanceof GovdrError && error.code === "STALE_VERSION") || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 40 * attempt));
    }
  }
}

/** The system and the failover part of the policy it is switched by. */
export async function memberOf(
  deps: Pick<SwitchoverStepDeps, "systems">,
  tenantId: string,
  systemId: string,
) {
  const system = await deps.systems.get(tenantId, systemId);
  if (!system) throw new NotFoundError(`No system ${systemId}`);
  const record = await deps.systems.getPolicy(tenantId, systemId, system.policyVersion);
  if (!record) throw new NotFoundError(`System ${systemId} has no policy v${system.policyVersion}`);
  return { system, policy: record.policy.failover, drPolicy: record.policy, policyVersion: record.version };
}

/** The health endpoint of a site: the system's own for the primary, the policy's for the DR site. */
export function endpointOf(system: ProtectedSystem, policy: FailoverPolicy, site: "primary" | "dr") {
  const url = site === "primary" ? system.healthEndpoint : policy.drHealthEndpoint;
  if (!url)
    throw new GovdrError(
      "FAILOVER_NOT_CONFIGURED",
      `System ${system.systemId} has no ${site} health endpoint`,
    );
  return url;
}

export const capitalised = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_m, _dash: string, letter: string) => letter.toUpperCase());

/** The audit event of one step of a switchover (CloudTrail shape; DESIGN.md §Audit). */
export function recordStep(
  deps: Pick<SwitchoverStepDeps, "audit" | "now" | "region">,
  switchover: Pick<Switchover, "tenantId" | "switchId" | "kind">,
  step: string,
  outcome: { systemId?: string; detail?: string; error?: { code: string; message: string } },
) {
  return deps.audit.record(
    switchover.tenantId,
    serviceAuditEvent({
      service: "govdr-switchover",
      tenantId: switchover.tenantId,
      eventSource: "failovers.govdr",
      eventName: `${capitalised(switchover.kind)}${capitalised(step)}`,
      at: deps.now(),
      region: deps.region,
      requestParameters: {
        switchId: switchover.switchId,
        kind: switchover.kind,
        ...(outcome.systemId ? { systemId: outcome.systemId } : {}),
      },
      responseElements: outcome.detail ? { detail: outcome.detail.slice(0, 1000) } : null,
      error: outcome.error,
      resources: [
        { type: "govdr::switchover", id: switchover.switchId },
        ...(outcome.systemId ? [{ type: "govdr::system", id: outcome.systemId }] : []),
      ],
    }),
  );
}

export const errorOf = (error: unknown) => ({
  code: error instanceof GovdrError ? error.code : "INTERNAL",
  message: ((error as Error).message ?? String(error)).slice(0, 2000),
});
