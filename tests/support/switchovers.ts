import { EventEmitter } from "node:events";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DrillNotifier } from "../../shared/drills/drill-steps.ts";
import type { SwitchoverStepDeps } from "../../shared/failover/switchover-context.ts";
import { SwitchoverService } from "../../shared/failover/switchover-service.ts";
import { drPolicySchema, type FailoverPolicy } from "../../shared/policies/policy-schema.ts";
import { recordAdapter } from "../../shared/routing/record-adapter.ts";
import type { RouteAdapter, RouteTarget, SiteAction } from "../../shared/routing/route.ts";
import type { ProtectedSystem } from "../../shared/systems/system.ts";
import { SystemService } from "../../shared/systems/system-service.ts";
import { makeTenant } from "./identity-fixtures.ts";
import { MemoryAuditLog } from "./memory-audit.ts";
import { MemoryRouteStore } from "./memory-routes.ts";
import { MemoryDrillSchedules, MemoryStores } from "./memory-stores.ts";
import { MemorySwitchoverStore } from "./memory-switchovers.ts";
import { memoryRecoveryData } from "./switchover-data.ts";
import { systemInput } from "./systems.ts";

export interface WorldSystem {
  name: string;
  recoveryPriority?: number;
  /** Names of the other systems of the world it depends on. */
  dependsOn?: string[];
  failover?: Partial<FailoverPolicy>;
  /** The policy's backup sources (a directory by default). */
  backupSources?: object[];
}

/** Every call an adapter received, in order: what a test asserts the route did. */
export type AdapterCall = { systemId: string; call: "switch" | SiteAction; site: string; switchId: string };

/**
 * A unit with systems whose sites are health URLs the test controls (`world.health.set(url, false)`),
 * a record adapter that records every call and can be made to fail, and every store in memory.
 */
export async function switchoverWorld(systems: WorldSystem[], options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  const stores = new MemoryStores();
  const tenant = { ...makeTenant(now()), vaultKeyId: "memory-key" };
  stores.tenantMap.set(tenant.tenantId, tenant);
  const service = new SystemService({
    systems: stores.systems,
    now,
    primaryRegion: "cn-north-1",
    drillSchedules: new MemoryDrillSchedules(),
  });
  const created = new Map<string, ProtectedSystem>();
  for (const spec of systems) {
    const system = await service.create(
      tenant,
      systemInput({
        name: spec.name,
        recoveryPriority: spec.recoveryPriority ?? 3,
        dependsOn: (spec.dependsOn ?? []).map((name) => created.get(name)?.systemId),
        healthEndpoint: `http://primary.${spec.name}.test/health`,
      }),
    );
    await service.setPolicy(
      tenant,
      system,
      drPolicySchema.parse({
        backup: {
          sources: spec.backupSources ?? [{ type: "directory", path: "/srv/app" }],
          type: "incremental",
          schedule: { kind: "every", minutes: 30 },
        },
        retention: { days: 180, objectLockMode: "COMPLIANCE" },
        replication: {
          mode: "real-time",
          site: "remote",
          region: "cn-northwest-1",
          distanceKm: 1200,
        },
        crypto: { suite: "aes-256-gcm" },
        failover: {
          mode: "manual",
          approvalRequired: true,
          adapter: "record",
          heartbeat: { intervalSeconds: 5, failureThreshold: 3 },
          drHealthEndpoint: `http://dr.${spec.name}.test/health`,
          ...spec.failover,
        },
      }),
      "test",
    );
    created.set(spec.name, (await stores.systems.get(tenant.tenantId, system.systemId)) as ProtectedSystem);
  }

  const health = new Map<string, boolean>();
  const adapterCalls: AdapterCall[] = [];
  /** Calls that fail: `${systemId}:${call}` → how many more times. */
  const failures = new Map<string, number>();
  const failWith = new Map<string, () => Error>();
  const recording = (inner: RouteAdapter): RouteAdapter => {
    const fail = (target: RouteTarget, call: string) => {
      const key = `${target.systemId}:${call}`;
      const left = failures.get(key) ?? 0;
      if (left > 0) {
        failures.set(key, left - 1);
        throw (failWith.get(key) ?? (() => new Error(`${call} failed`)))();
      }
    };
    return {
      switchTo: async (target, to) => {
        fail(target, "switch");
        adapterCalls.push({ systemId: target.systemId, call: "switch", site: to, switchId: target.switchId });
        return inner.switchTo(target, to);
      },
      act: async (target, action, site) => {
        fail(target, action);
        adapterCalls.push({ systemId: target.systemId, call: action, site, switchId: target.switchId });
        return inner.act(target, action, site);
      },
    };
  };
  const switchovers = new MemorySwitchoverStore();
  const routes = new MemoryRouteStore();
  const reports = new Map<string, string>();
  const notifications: Parameters<DrillNotifier["publish"]>[] = [];
  const audit = new MemoryAuditLog();
  // The pending trail is in time order, and events of one millisecond in no fixed order.
  const written: { tenantId: string; name: string }[] = [];
  const record = audit.record.bind(audit);
  audit.record = async (tenantId, event) => {
    written.push({ tenantId, name: event.eventName });
    return record(tenantId, event);
  };
  const heartbeats = new Map<string, { status: string; consecutiveFailures: number }>();
  const work = await mkdtemp(path.join(tmpdir(), "govdr-switchover-"));
  const { recoveryData, buckets } = memoryRecoveryData({ stores, audit, work, now });
  const backedUpHere = new Set(
    systems.filter((spec) => spec.backupSources).map((spec) => created.get(spec.name)?.systemId),
  );
  const deps: SwitchoverStepDeps = {
    switchovers,
    systems: stores.systems,
    routes,
    adapterFor: () => recording(recordAdapter()),
    health: {
      check: async (url) =>
        health.get(url) === false
          ? { ok: false, detail: `${url}: connection refused` }
          : { ok: true, detail: `${url} answered 200` },
    },
    recoveryPoints: {
      // A system backed up here has what its backups made; any other a point 5 minutes old.
      latest: async (tenantId, systemId) =>
        backedUpHere.has(systemId)
          ? (await recoveryData.openLatestInDr(tenantId, systemId))?.point
          : { snapshotId: "00000000000000aa", takenAt: new Date(now().getTime() - 300_000).toISOString() },
    },
    heartbeats: { state: async (_tenantId, systemId) => heartbeats.get(systemId) },
    recoveryData,
    reports: {
      write: async (key, body) => {
        if (reports.has(key)) throw new Error(`${key} is locked`);
        reports.set(key, body);
      },
    },
    notifier: { publish: async (...args) => void notifications.push(args) },
    audit,
    now,
    region: "cn-north-1",
    reportRetentionDays: 180,
  };
  const started: { kind: string; switchId: string }[] = [];
  const gateCalls: { token: string; outcome: "approve" | "reject"; error?: string }[] = [];
  /** Emits "decided" with each call of the approval gate (what SendTaskSuccess/Failure would carry). */
  const gate = new EventEmitter();
  const api = new SwitchoverService({
    switchovers,
    systems: stores.systems,
    routes,
    runner: {
      executionArnOf: (kind, id) => `arn:aws:states:cn-north-1:000000000000:execution:govdr-${kind}:${id}`,
      start: async (s) => void started.push({ kind: s.kind, switchId: s.switchId }),
    },
    gate: {
      approve: async (token) => {
        gateCalls.push({ token, outcome: "approve" });
        gate.emit("decided", gateCalls.at(-1));
      },
      reject: async (token, error) => {
        gateCalls.push({ token, outcome: "reject", error });
        gate.emit("decided", gateCalls.at(-1));
      },
    },
    now,
  });
  const id = (name: string) => (created.get(name) as ProtectedSystem).systemId;
  const nameOf = (systemId: string) =>
    [...created.values()].find((s) => s.systemId === systemId)?.name ?? systemId;
  /** The names of the audit events the unit's trail received, in the order they were written. */
  const auditEvents = () => written.filter((e) => e.tenantId === tenant.tenantId).map((e) => e.name);
  return {
    tenant,
    stores,
    systems: created,
    id,
    nameOf,
    auditEvents,
    deps,
    api,
    started,
    gateCalls,
    gate,
    switchovers,
    routes,
    reports,
    notifications,
    audit,
    heartbeats,
    adapterCalls,
    /** The units' S3 buckets (recovery by restore, D-51). */
    buckets,
    /** Makes a site's health endpoint answer (true) or not (false). */
    setHealth: (name: string, site: "primary" | "dr", ok: boolean) =>
      health.set(`http://${site === "primary" ? "primary" : "dr"}.${name}.test/health`, ok),
    /** Makes the next `times` adapter calls of a system fail with `error`. */
    failAdapter: (name: string, call: "switch" | SiteAction, times: number, error?: () => Error) => {
      failures.set(`${id(name)}:${call}`, times);
      if (error) failWith.set(`${id(name)}:${call}`, error);
    },
    requester: { tenantId: tenant.tenantId, requestedBy: "u-000000000001", trigger: "request" as const },
  };
}
