import { platformResync } from "./platform-resync.ts";
import { restoreLocations } from "./restore-recovery.ts";
import { endSystemStep, systemsOf, withSystem, withWave } from "./switchover.ts";
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
import { changeRoute } from "./switchover-steps.ts";

/**
 * The approval gate (`.waitForTaskToken`): keeps the task token apart from the record, then shows
 * the switchover as waiting and asks the unit's subscribers to decide. The execution waits until
 * the API approves or rejects it, or the sweep expires it.
 */
export async function requestApproval(
  deps: SwitchoverStepDeps,
  key: SwitchKey,
  taskToken: string,
): Promise<void> {
  const now = deps.now();
  const stored = await loadSwitchover(deps, key);
  // A retried task keeps the deadline the gate opened with.
  const expiresAt =
    stored.approval.expiresAt ??
    new Date(now.getTime() + stored.approval.timeoutMinutes * 60_000).toISOString();
  await deps.switchovers.putApprovalToken(key.tenantId, key.switchId, taskToken, expiresAt);
  const switchover = await mutate(deps, key, (s) => ({
    ...s,
    status: "awaiting-approval",
    phase: "approval",
    approval: { ...s.approval, requestedAt: s.approval.requestedAt ?? now.toISOString(), expiresAt },
  }));
  const systems = systemsOf(switchover).map((s) => `${s.name} (${s.systemId})`);
  await deps.notifier.publish(key.tenantId, {
    kind: "failover-approval",
    subject: `govdr: ${switchover.kind} ${switchover.switchId} waits for approval`,
    text: [
      `A ${switchover.kind} of ${systems.join(", ")} waits for an approval until ${switchover.approval.expiresAt}.`,
      `Reason: ${switchover.reason || switchover.approval.reason}`,
      ...systemsOf(switchover)
        .filter((s) => s.resync?.fencedAt)
        .map(
          (s) =>
            `The DR site of ${s.name} (${s.systemId}) is fenced for the resync and takes no writes until the switch back: decide promptly.`,
        ),
      `Approve or reject it in the console, or POST /failovers/${switchover.switchId}/approve (or /reject).`,
    ].join("\n"),
    data: {
      switchId: switchover.switchId,
      kind: switchover.kind,
      systems: systemsOf(switchover).map((s) => s.systemId),
    },
  });
  await recordStep(deps, switchover, "approval-requested", {
    detail: `until ${switchover.approval.expiresAt}`,
  });
}

/**
 * Resync (failback, 000 §7.5.5(4)): what changed on the DR side goes back to the primary before
 * production does. For a system recovered by restore the platform does it (platform-resync.ts,
 * D-51), a slice at a time until `deadline`; for any other the unit's side does the copy (the
 * adapter's `resync` action). The approval after it is where the unit confirms the primary holds
 * the DR side's writes. `done: false`: the state machine calls again.
 */
export async function resync(
  deps: SwitchoverStepDeps,
  key: SwitchKey,
  deadline: Date,
): Promise<{ done: boolean }> {
  const switchover = await loadSwitchover(deps, key);
  for (const member of systemsOf(switchover)) {
    if (member.steps.some((step) => step.name === "resync" && step.status === "succeeded")) continue;
    const context = await memberOf(deps, key.tenantId, member.systemId);
    const target = {
      tenantId: key.tenantId,
      systemId: member.systemId,
      switchId: key.switchId,
      policy: context.policy,
    };
    const startedAt =
      member.steps.find((step) => step.name === "resync")?.startedAt ?? deps.now().toISOString();
    try {
      const locations = restoreLocations(context.drPolicy);
      const done = locations
        ? await platformResync(
            deps,
            key,
            member,
            { ...context, target, failoverId: switchover.failoverId },
            locations,
            deadline,
          )
        : {
            done: true as const,
            ...(await deps.adapterFor(context.policy, key.tenantId).act(target, "resync", member.to)),
          };
      await mutate(deps, key, (s) =>
        withSystem(s, member.systemId, (m) => ({
          ...m,
          step: "resync",
          steps: [
            ...m.steps.filter((step) => step.name !== "resync"),
            {
              name: "resync",
              status: done.done ? "succeeded" : "running",
              startedAt,
              ...(done.done
                ? { finishedAt: deps.now().toISOString(), detail: done.detail.slice(0, 2000) }
                : {}),
              attempts: 1,
            },
          ],
        })),
      );
      if (!done.done) return { done: false };
      await recordStep(deps, switchover, "resync", { systemId: member.systemId, detail: done.detail });
    } catch (error) {
      await mutate(deps, key, (s) =>
        withSystem(s, member.systemId, (m) =>
          endSystemStep(m, "resync", "failed", deps.now(), errorOf(error).message),
        ),
      ).catch(() => undefined); // the audit event below still says why, and the error goes on
      await recordStep(deps, switchover, "resync", { systemId: member.systemId, error: errorOf(error) });
      throw error;
    }
  }
  await mutate(deps, key, (s) => ({ ...s, phase: "approval" }));
  return { done: true };
}

/** The next wave to run, or done: waves go one at a time, in the order the plan gave them. */
export async function nextWave(
  deps: SwitchoverStepDeps,
  key: SwitchKey,
): Promise<{ done: boolean; index: number; systemIds: string[] }> {
  const stored = await loadSwitchover(deps, key);
  const wave = stored.waves.find((w) => w.status === "pending" || w.status === "running");
  if (!wave) return { done: true, index: -1, systemIds: [] };
  const switchover = await mutate(deps, key, (s) => ({
    ...withWave(s, wave.index, (w) => ({
      ...w,
      status: "running",
      startedAt: w.startedAt ?? deps.now().toISOString(),
    })),
    status: "running",
    phase: "waves",
    currentWave: wave.index,
  }));
  if (wave.status === "pending") {
    await recordStep(deps, switchover, "wave-started", {
      detail: `wave ${wave.index + 1} of ${stored.waves.length}: ${wave.systems.map((s) => s.systemId).join(", ")}`,
    });
  }
  // A system that already switched (a retried wave) is not switched again.
  const systemIds = wave.systems.filter((s) => s.status !== "switched").map((s) => s.systemId);
  return { done: false, index: wave.index, systemIds };
}

/** The wave's end: completed when every system switched, else failed (and to be rolled back). */
export async function endWave(
  deps: SwitchoverStepDeps,
  key: SwitchKey,
  index: number,
): Promise<{ failed: boolean }> {
  const stored = await loadSwitchover(deps, key);
  const wave = stored.waves.find((w) => w.index === index);
  const failed = !wave || wave.systems.some((s) => s.status !== "switched");
  const switchover = await mutate(deps, key, (s) =>
    withWave(s, index, (w) => ({
      ...w,
      status: failed ? "failed" : "completed",
      finishedAt: deps.now().toISOString(),
    })),
  );
  await recordStep(deps, switchover, failed ? "wave-failed" : "wave-completed", {
    detail: `wave ${index + 1}`,
  });
  return { failed };
}

/**
 * Rolls a failed wave back: each system of it that moved goes back to the site it left — the
 * adapter is asked to switch back whenever the switch began (the record may lag the adapter), the
 * site it went to is fenced again, the one it left unfenced. A system that switched and verified
 * stays where it is when the site it left does not answer: the route never goes back to a site
 * that failed its check. Earlier waves stay switched (they passed their checks).
 */
export async function rollbackWave(deps: SwitchoverStepDeps, key: SwitchKey, index: number): Promise<void> {
  const stored = await loadSwitchover(deps, key);
  const wave = stored.waves.find((w) => w.index === index);
  for (const member of wave?.systems ?? []) {
    if (member.steps.length === 0 || member.status === "rolled-back") continue;
    const began = (step: string) => member.steps.some((s) => s.name === step);
    const { system, policy } = await memberOf(deps, key.tenantId, member.systemId);
    const systemKey = { ...key, systemId: member.systemId };
    if (member.status === "switched") {
      const left = await deps.health.check(endpointOf(system, policy, member.from));
      if (!left.ok) {
        await recordStep(deps, stored, "rollback", {
          systemId: member.systemId,
          detail: `stays on the ${member.to} site, which passed its checks: the ${member.from} site does not answer (${left.detail})`,
        });
        continue;
      }
    }
    const target = { tenantId: key.tenantId, systemId: member.systemId, switchId: key.switchId, policy };
    const adapter = deps.adapterFor(policy, key.tenantId);
    const details: string[] = [];
    if (began("switch")) details.push((await adapter.switchTo(target, member.from)).detail);
    if (began("recover")) details.push((await adapter.act(target, "fence", member.to)).detail);
    details.push((await adapter.act(target, "unfence", member.from)).detail);
    await changeRoute(deps, systemKey, policy.adapter, (route) => ({
      ...route,
      activeSite: member.from,
      fencedSite: member.to,
      switchId: key.switchId,
      switchedAt: deps.now().toISOString(),
    }));
    const switchover = await mutate(deps, key, (s) =>
      withSystem(s, member.systemId, (m) => ({ ...m, status: "rolled-back", step: "rollback" })),
    );
    await recordStep(deps, switchover, "rollback", {
      systemId: member.systemId,
      detail: `back to the ${member.from} site: ${details.join("; ")}`,
    });
  }
  await mutate(deps, key, (s) => withWave(s, index, (w) => ({ ...w, status: "rolled-back" })));
}
