import { serverSourceLabel } from "../backups/server-sources.ts";
import type { DrillFinding } from "../drills/drill.ts";
import { RecoveryFailedError } from "../routing/errors.ts";
import type { RouteRecord, RouteTarget, Site } from "../routing/route.ts";
import { dataLocationUrl, describeRestore, restoreDataLocation } from "./data-restore.ts";
import { HealthCheckFailedError, PrecheckFailedError } from "./errors.ts";
import { restoreLocations } from "./restore-recovery.ts";
import {
  beginSystemStep,
  endSystemStep,
  type Switchover,
  type SwitchStepRecord,
  type SwitchSystem,
  systemsOf,
  withSystem,
} from "./switchover.ts";
import {
  endpointOf,
  errorOf,
  loadSwitchover,
  memberOf,
  mutate,
  recordStep,
  type SwitchKey,
  type SwitchoverStepDeps,
} from "./switchover-context.ts";

const finding = (code: string, severity: DrillFinding["severity"], en: string, zh: string): DrillFinding => ({
  code,
  severity,
  message: { zh, en },
});

/**
 * Precheck (R-FO-01): for each system, the DR vault's latest point against the RPO (replication
 * lag), the site it goes to, and the heartbeat history of the site it leaves. Errors stop the
 * switchover before anything is touched; warnings are for the approver to weigh.
 */
export async function precheck(deps: SwitchoverStepDeps, key: SwitchKey): Promise<{ approval: boolean }> {
  const switchover = await loadSwitchover(deps, key);
  const findings: DrillFinding[] = [];
  const now = deps.now();
  for (const member of systemsOf(switchover)) {
    const { system, policy, drPolicy } = await memberOf(deps, key.tenantId, member.systemId);
    const id = member.systemId;
    if (switchover.kind === "failover") {
      const point = await deps.recoveryPoints.latest(key.tenantId, id);
      if (!point && restoreLocations(drPolicy)) {
        findings.push(
          finding(
            "NO_REPLICATED_POINT",
            "error",
            `${id}: the DR vault holds no snapshot of it to restore into the DR site`,
            `${id}：灾备库中没有该系统的快照，无法恢复到灾备站点`,
          ),
        );
      } else if (!point) {
        findings.push(
          finding(
            "NO_REPLICATED_POINT",
            "warning",
            `${id}: the DR vault holds no snapshot of it; the DR site must hold its data itself (promote)`,
            `${id}：灾备库中没有该系统的快照，灾备站点需自行持有数据（直接提升）`,
          ),
        );
      } else {
        const lag = (now.getTime() - Date.parse(point.takenAt)) / 1000;
        if (lag > member.targets.rpoSeconds) {
          findings.push(
            finding(
              "REPLICATION_LAG",
              "warning",
              `${id}: the newest point in the DR vault is ${Math.round(lag)} s old, beyond its RPO of ${member.targets.rpoSeconds} s`,
              `${id}：灾备库中最新恢复点已有 ${Math.round(lag)} 秒，超出其 RPO ${member.targets.rpoSeconds} 秒`,
            ),
          );
        }
      }
    }
    const leaving = await deps.heartbeats.state(key.tenantId, id);
    if (switchover.kind === "failback" && leaving && leaving.status !== "healthy") {
      // 000 §7.5.5(4): production goes back only once the source side is healthy again.
      findings.push(
        finding(
          "PRIMARY_NOT_HEALTHY",
          "error",
          `${id}: the primary site's heartbeat is ${leaving.status} (${leaving.consecutiveFailures} misses); fail back once it answers again`,
          `${id}：主站点心跳状态为 ${leaving.status}（连续 ${leaving.consecutiveFailures} 次未响应），请待其恢复后再回切`,
        ),
      );
    }
    if (switchover.kind === "failover" && switchover.trigger === "request" && leaving?.status === "healthy") {
      findings.push(
        finding(
          "PRIMARY_HEALTHY",
          "info",
          `${id}: the primary site still answers its heartbeat: a planned switchover`,
          `${id}：主站点心跳正常，本次为计划内切换`,
        ),
      );
    }
    const target = await deps.health.check(endpointOf(system, policy, member.to));
    if (!target.ok) {
      findings.push(
        finding(
          "TARGET_NOT_READY",
          "warning",
          `${id}: the ${member.to} site does not answer yet (${target.detail}); it is checked again before its route moves`,
          `${id}：目标站点暂未响应（${target.detail}），切换路由前将再次检查`,
        ),
      );
    }
    for (const dependency of system.dependsOn) {
      if (systemsOf(switchover).some((s) => s.systemId === dependency)) continue;
      const route = await deps.routes.get(key.tenantId, dependency);
      if ((route?.activeSite ?? "primary") !== member.to) {
        findings.push(
          finding(
            "DEPENDENCY_NOT_SWITCHED",
            "warning",
            `${id} depends on ${dependency}, which is not part of this switchover and not served by the ${member.to} site`,
            `${id} 依赖的 ${dependency} 不在本次切换中，且不由目标站点提供服务`,
          ),
        );
      }
    }
  }
  const errors = findings.filter((f) => f.severity === "error");
  await mutate(deps, key, (s) => ({
    ...s,
    phase: s.kind === "failback" ? "resync" : s.approval.required ? "approval" : "waves",
    precheck: { findings, checkedAt: now.toISOString() },
  }));
  const detail = `${findings.length} findings, ${errors.length} errors`;
  if (errors.length > 0) {
    const message = errors.map((e) => e.message.en).join("; ");
    await recordStep(deps, switchover, "precheck", { detail, error: { code: "PRECHECK_FAILED", message } });
    throw new PrecheckFailedError(message);
  }
  await recordStep(deps, switchover, "precheck", { detail });
  return { approval: switchover.approval.required };
}

/**
 * Runs one step of one system: records it as running on the switchover (so a reader sees where it
 * is), does the work, records the outcome and an audit event either way.
 */
async function systemStep(
  deps: SwitchoverStepDeps,
  key: SwitchKey & { systemId: string },
  name: SwitchStepRecord["name"],
  work: (context: {
    switchover: Switchover;
    member: SwitchSystem;
    target: RouteTarget;
    policy: Awaited<ReturnType<typeof memberOf>>["policy"];
    drPolicy: Awaited<ReturnType<typeof memberOf>>["drPolicy"];
    system: Awaited<ReturnType<typeof memberOf>>["system"];
  }) => Promise<{ detail: string; change?: (member: SwitchSystem) => SwitchSystem }>,
): Promise<void> {
  const started = await mutate(deps, key, (s) =>
    withSystem(s, key.systemId, (m) => beginSystemStep(m, name, deps.now())),
  );
  const member = systemsOf(started).find((m) => m.systemId === key.systemId);
  if (!member) throw new PrecheckFailedError(`System ${key.systemId} takes no part in ${key.switchId}`);
  try {
    const { system, policy, drPolicy } = await memberOf(deps, key.tenantId, key.systemId);
    const target: RouteTarget = {
      tenantId: key.tenantId,
      systemId: key.systemId,
      switchId: key.switchId,
      policy,
    };
    const done = await work({ switchover: started, member, target, policy, drPolicy, system });
    await mutate(deps, key, (s) =>
      withSystem(s, key.systemId, (m) =>
        endSystemStep(done.change ? done.change(m) : m, name, "succeeded", deps.now(), done.detail),
      ),
    );
    await recordStep(deps, started, name, { systemId: key.systemId, detail: done.detail });
  } catch (error) {
    try {
      await mutate(deps, key, (s) =>
        withSystem(s, key.systemId, (m) =>
          endSystemStep(m, name, "failed", deps.now(), errorOf(error).message),
        ),
      );
      await recordStep(deps, started, name, { systemId: key.systemId, error: errorOf(error) });
    } catch (bookkeeping) {
      process.stderr.write(
        `switchover ${key.switchId}: step ${name} of ${key.systemId} failed, and recording that failed too: ${(bookkeeping as Error).stack}\n`,
      );
    }
    throw error;
  }
}

/** Changes the system's route record, creating it on its first switch (the primary served until then). */
export async function changeRoute(
  deps: SwitchoverStepDeps,
  key: SwitchKey & { systemId: string },
  adapter: RouteRecord["adapter"],
  change: (route: RouteRecord) => Omit<RouteRecord, "version">,
): Promise<RouteRecord> {
  const stored = await deps.routes.get(key.tenantId, key.systemId);
  const current: RouteRecord = stored ?? {
    tenantId: key.tenantId,
    systemId: key.systemId,
    activeSite: "primary",
    switchedAt: deps.now().toISOString(),
    adapter,
    version: 0,
  };
  const next = { ...change(current), version: current.version + 1 };
  await deps.routes.put(next);
  return next;
}

type SystemKey = SwitchKey & { systemId: string };

/** Fence: hold the site the system leaves off (no traffic, no writes), so only one site serves. */
export function fence(deps: SwitchoverStepDeps, key: SystemKey) {
  return systemStep(deps, key, "fence", async ({ member, target, policy }) => {
    const acted = await deps.adapterFor(policy, key.tenantId).act(target, "fence", member.from);
    await changeRoute(deps, key, policy.adapter, (route) => ({ ...route, fencedSite: member.from }));
    return { detail: `${member.from} site fenced: ${acted.detail}` };
  });
}

/**
 * Recover: bring the site the system goes to up as the serving one (promote the warm DR site, or
 * the primary again on a failback), noting the latest replicated point an RPO is measured from. A
 * system recovered by restore (D-51) has that point restored into the DR site's data first; its
 * failback's data went back in the resync.
 */
export function recover(deps: SwitchoverStepDeps, key: SystemKey) {
  return systemStep(deps, key, "recover", async ({ switchover, member, target, policy, drPolicy }) => {
    const adapter = deps.adapterFor(policy, key.tenantId);
    const locations = switchover.kind === "failover" ? restoreLocations(drPolicy) : undefined;
    const restored = locations ? await restoreIntoDrSite(deps, key, member, locations) : undefined;
    const unfenced = await adapter.act(target, "unfence", member.to);
    const promoted = await adapter.act(target, "promote", member.to);
    const point =
      restored?.point ??
      (switchover.kind === "failover"
        ? await deps.recoveryPoints.latest(key.tenantId, key.systemId)
        : undefined);
    const how = restored ? `${restored.detail}; ` : "";
    return {
      detail: `${how}${member.to} site promoted (${unfenced.detail}; ${promoted.detail})${point ? `; latest replicated point ${point.snapshotId} of ${point.takenAt}` : ""}`,
      change: (m) => (point ? { ...m, recoveryPoint: point } : m),
    };
  });
}

/** The DR vault's latest point of the system, restored into the DR site's data location (D-51). */
async function restoreIntoDrSite(
  deps: SwitchoverStepDeps,
  key: SystemKey,
  member: SwitchSystem,
  locations: NonNullable<ReturnType<typeof restoreLocations>>,
) {
  const latest = await deps.recoveryData.openLatestInDr(key.tenantId, key.systemId);
  if (!latest) {
    throw new RecoveryFailedError(
      `The DR vault holds no snapshot of ${key.systemId} to restore into the DR site; nothing was restored`,
    );
  }
  const into = dataLocationUrl(locations.dr);
  // A retried step (its promote failed) does not empty and restore the DR site again.
  if (member.restored?.snapshotId === latest.point.snapshotId && member.restored.into === into) {
    return {
      point: latest.point,
      detail: `snapshot ${latest.point.snapshotId} restored into ${into} already`,
    };
  }
  // The latest point may be a failback's backup of the DR site's own data (D-51): the same data.
  const source =
    [locations.primary, locations.dr].find((l) => latest.snapshot.sources.includes(serverSourceLabel(l))) ??
    locations.primary;
  const restore = await restoreDataLocation(latest.repository, latest.snapshot, source, {
    location: locations.dr,
    objects: deps.recoveryData.locations.at(key.tenantId, locations.dr, "dr"),
  });
  await mutate(deps, key, (s) =>
    withSystem(s, key.systemId, (m) => ({ ...m, restored: { snapshotId: latest.point.snapshotId, into } })),
  );
  return {
    point: latest.point,
    detail: describeRestore(restore, latest.point.snapshotId, locations.dr),
  };
}

async function probe(deps: SwitchoverStepDeps, url: string, site: Site, when: string) {
  const result = await deps.health.check(url);
  if (!result.ok)
    throw new HealthCheckFailedError(`The ${site} site's health check ${when} failed: ${result.detail}`);
  return result.detail;
}

/** Check: the site the system goes to must answer before any route points at it. */
export function check(deps: SwitchoverStepDeps, key: SystemKey) {
  return systemStep(deps, key, "check", async ({ member, system, policy }) => ({
    detail: await probe(deps, endpointOf(system, policy, member.to), member.to, "before the switch"),
  }));
}

/** Switch: move the route (the adapter, then the platform's record), idempotently. */
export function switchRoute(deps: SwitchoverStepDeps, key: SystemKey) {
  return systemStep(deps, key, "switch", async ({ member, target, policy }) => {
    const switched = await deps.adapterFor(policy, key.tenantId).switchTo(target, member.to);
    const at = deps.now().toISOString();
    await changeRoute(deps, key, policy.adapter, (route) => ({
      ...route,
      activeSite: member.to,
      fencedSite: member.from,
      switchId: key.switchId,
      switchedAt: at,
      adapter: policy.adapter,
    }));
    return {
      detail: `route to the ${member.to} site (${policy.adapter}): ${switched.detail}`,
      change: (m) => ({ ...m, switchedAt: at }),
    };
  });
}

/** Verify (R-FO-09): after the switch the site answers, and the platform's route names it. */
export function verify(deps: SwitchoverStepDeps, key: SystemKey) {
  return systemStep(deps, key, "verify", async ({ member, system, policy }) => {
    const route = await deps.routes.get(key.tenantId, key.systemId);
    if (route?.activeSite !== member.to) {
      throw new HealthCheckFailedError(
        `The route of ${key.systemId} names the ${route?.activeSite ?? "primary"} site`,
      );
    }
    return {
      detail: await probe(deps, endpointOf(system, policy, member.to), member.to, "after the switch"),
    };
  });
}

/** Record: the system's achieved RTO (declaration → serving, checked) and RPO, against its targets. */
export function recordAchieved(deps: SwitchoverStepDeps, key: SystemKey) {
  return systemStep(deps, key, "record", async ({ switchover, member }) => {
    const at = deps.now();
    const rtoSeconds = Math.max(0, (at.getTime() - Date.parse(switchover.declaredAt)) / 1000);
    const rpoSeconds = member.recoveryPoint
      ? Math.max(0, (Date.parse(switchover.declaredAt) - Date.parse(member.recoveryPoint.takenAt)) / 1000)
      : undefined;
    const withinTargets =
      rtoSeconds <= member.targets.rtoSeconds &&
      (rpoSeconds === undefined || rpoSeconds <= member.targets.rpoSeconds);
    return {
      detail: `RTO ${rtoSeconds.toFixed(1)} s (target ${member.targets.rtoSeconds} s)${rpoSeconds === undefined ? "" : `, RPO ${rpoSeconds.toFixed(0)} s (target ${member.targets.rpoSeconds} s)`}`,
      change: (m) => ({
        ...m,
        status: "switched",
        achieved: { rtoSeconds, ...(rpoSeconds === undefined ? {} : { rpoSeconds }) },
        withinTargets,
      }),
    };
  });
}

/** What the wave's Catch does with a system whose step failed: marks it failed, with why. */
export async function systemFailed(
  deps: SwitchoverStepDeps,
  key: SystemKey,
  error: { code: string; message: string },
) {
  const switchover = await mutate(deps, key, (s) =>
    withSystem(s, key.systemId, (m) => ({ ...m, status: "failed", error })),
  );
  await recordStep(deps, switchover, "system-failed", { systemId: key.systemId, error });
}
