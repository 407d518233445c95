import { type BackupSchedules, serverBackupSchedule } from "../backups/backup-schedule.ts";
import { hasErrors } from "../classification/findings.ts";
import { assessDrLevel, proposeDrLevel } from "../classification/propose-level.ts";
import type { DrillSchedules } from "../drills/drill-schedule.ts";
import {
  ConflictError,
  DependencyUnavailableError,
  ForbiddenError,
  NotFoundError,
  PolicyRejectedError,
  ValidationError,
} from "../errors.ts";
import { type HeartbeatTargets, syncTarget } from "../heartbeat/monitor.ts";
import type { DrPolicy } from "../policies/policy-schema.ts";
import { validatePolicy } from "../policies/validate-policy.ts";
import { newId } from "../stores/ids.ts";
import type { SystemStore } from "../stores/stores.ts";
import { type Tenant, tenantCanWrite } from "../tenants/tenant.ts";
import type { PolicyRecord } from "./policy-record.ts";
import { dependencyCycle, type ProtectedSystem, type SystemInput, systemQuotaExceeded } from "./system.ts";

export interface SystemServiceDeps {
  systems: SystemStore;
  now: () => Date;
  primaryRegion: string;
  /** Where the policy's drill schedule is kept (EventBridge Scheduler). */
  drillSchedules: DrillSchedules;
  /** Where the schedule of the policy's server-side backups is kept (D-43). */
  backupSchedules?: BackupSchedules;
  /** The heartbeat monitor's registry: a system is probed while its policy has a heartbeat (issue #20). */
  heartbeatTargets?: Pick<HeartbeatTargets, "put" | "remove">;
}

/** A system as the API shows it: with the DR level proposed for its class and the level's assessment. */
export function describeSystem(system: ProtectedSystem) {
  const proposal = proposeDrLevel(system.importanceClass);
  return {
    ...system,
    proposedDrLevel: proposal.level,
    drLevelFindings: assessDrLevel(system.importanceClass, system.drLevel),
  };
}

export class SystemService {
  constructor(private readonly deps: SystemServiceDeps) {}

  async create(tenant: Tenant, input: SystemInput): Promise<ProtectedSystem> {
    this.requireWritable(tenant);
    const all = await this.allSystems(tenant.tenantId);
    if (all.length >= tenant.quotas.systems) throw systemQuotaExceeded(tenant.quotas.systems);
    const at = this.deps.now().toISOString();
    const system: ProtectedSystem = {
      ...input,
      systemId: newId("s"),
      tenantId: tenant.tenantId,
      policyVersion: 0,
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
    this.checkDependencies(system, all);
    await this.deps.systems.create(system, { limit: tenant.quotas.systems, existing: all.length });
    return system;
  }

  /**
   * Replaces the system. `expectedVersion` is the version the editor started from: another change
   * since then refuses this one (409 STALE_VERSION) instead of silently undoing it.
   */
  async update(
    tenant: Tenant,
    current: ProtectedSystem,
    input: SystemInput,
    expectedVersion?: number,
  ): Promise<ProtectedSystem> {
    this.requireWritable(tenant);
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw new ConflictError(
        `The system was changed meanwhile (version ${current.version}, not ${expectedVersion}); reload and try again`,
        "STALE_VERSION",
      );
    }
    const next: ProtectedSystem = {
      ...current,
      ...input,
      updatedAt: this.deps.now().toISOString(),
      version: current.version + 1,
    };
    this.checkDependencies(next, await this.allSystems(tenant.tenantId));
    await this.deps.systems.update(next);
    if (this.deps.heartbeatTargets && next.healthEndpoint !== current.healthEndpoint) {
      // The heartbeat follows the system's health endpoint (a retired host must not be probed).
      const record =
        next.policyVersion > 0
          ? await this.deps.systems.getPolicy(next.tenantId, next.systemId, next.policyVersion)
          : undefined;
      try {
        await syncTarget(this.deps.heartbeatTargets, next, record?.policy);
      } catch (error) {
        throw new DependencyUnavailableError(
          "The system is stored, but its heartbeat could not be moved to the new health endpoint; save it again",
          { cause: error },
        );
      }
    }
    return next;
  }

  /**
   * Validates the policy against the system's targets and scheme and stores it as a new version;
   * an error finding refuses it with every finding named (R-CL-02/08/10, R-BK-08, R-FO-02).
   */
  async setPolicy(
    tenant: Tenant,
    system: ProtectedSystem,
    policy: DrPolicy,
    actor: string,
  ): Promise<PolicyRecord> {
    this.requireWritable(tenant);
    const findings = validatePolicy({
      system,
      policy,
      primaryRegion: this.deps.primaryRegion,
      siteRules: tenant.siteRuleSet,
    });
    if (hasErrors(findings)) {
      const errors = findings.filter((f) => f.severity === "error");
      throw new PolicyRejectedError(
        `The policy cannot meet the targets of system "${system.name}": ${errors.map((f) => `[${f.rule}] ${f.message.en}`).join(" ")}`,
        findings,
      );
    }
    const at = this.deps.now().toISOString();
    const record: PolicyRecord = {
      tenantId: tenant.tenantId,
      systemId: system.systemId,
      version: system.policyVersion + 1,
      policy,
      findings,
      createdAt: at,
      createdBy: actor,
    };
    const updated = { ...system, policyVersion: record.version, updatedAt: at, version: system.version + 1 };
    await this.deps.systems.setPolicy(updated, record);
    // After the policy is stored: a schedule never runs for a policy that was refused. Should this
    // fail, the stored policy stands and setting it again brings the schedule in line.
    try {
      await this.deps.drillSchedules.apply(tenant.tenantId, system.systemId, policy.drill);
      await this.deps.backupSchedules?.apply(tenant.tenantId, system.systemId, serverBackupSchedule(policy));
      if (this.deps.heartbeatTargets) await syncTarget(this.deps.heartbeatTargets, updated, policy);
    } catch (error) {
      throw new DependencyUnavailableError(
        `Policy v${record.version} is stored, but its drill or backup schedule or its heartbeat could not be updated; set the policy again`,
        { cause: error },
      );
    }
    return record;
  }

  private requireWritable(tenant: Tenant): void {
    if (!tenantCanWrite(tenant))
      throw new ForbiddenError(`The unit is ${tenant.status}; changes are blocked`, "TENANT_NOT_ACTIVE");
  }

  private async allSystems(tenantId: string): Promise<ProtectedSystem[]> {
    const all: ProtectedSystem[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.systems.list(tenantId, { limit: 100, cursor });
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  /** Dependencies must be systems of the same tenant and must not form a cycle (R-CL-12). */
  private checkDependencies(system: ProtectedSystem, all: ProtectedSystem[]): void {
    const known = new Map(all.map((s) => [s.systemId, s.dependsOn]));
    const unknown = system.dependsOn.filter((id) => !known.has(id) || id === system.systemId);
    if (unknown.length > 0) {
      throw new ValidationError("A dependency is not a system of this unit", [
        { path: "dependsOn", message: `unknown or self: ${unknown.join(", ")}` },
      ]);
    }
    known.set(system.systemId, system.dependsOn);
    const cycle = dependencyCycle(known);
    if (cycle) {
      throw new ValidationError("Dependencies would form a cycle", [
        { path: "dependsOn", message: `cycle: ${cycle.join(" → ")}` },
      ]);
    }
  }
}

export function requireSystem(system: ProtectedSystem | undefined, systemId: string): ProtectedSystem {
  if (!system) throw new NotFoundError(`No system ${systemId}`);
  return system;
}
