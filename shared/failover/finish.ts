import { failureOf, type StepFailure } from "../drills/drill-steps.ts";
import { DependencyUnavailableError } from "../errors.ts";
import { switchoverReport, switchoverReportHtml, switchReportKeys } from "./report.ts";
import { asRetryable } from "./retryable.ts";
import { isEnded, type Switchover, systemsOf } from "./switchover.ts";
import {
  errorOf,
  loadSwitchover,
  memberOf,
  recordStep,
  type SwitchKey,
  type SwitchoverStepDeps,
} from "./switchover-context.ts";
import { changeRoute } from "./switchover-steps.ts";

const seconds = (from?: string, to?: string) =>
  from && to ? Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000) : 0;

/** The latest end of a named step among the systems given, or undefined when none ran it. */
const lastEnd = (systems: Switchover["waves"][number]["systems"], step: string) =>
  systems
    .map((s) => s.steps.find((x) => x.name === step && x.status === "succeeded")?.finishedAt)
    .filter((t): t is string => !!t)
    .sort()
    .at(-1);

/**
 * Where the time went: detection (declaration → start), approval (asked → decided), and per wave
 * its recovery (wave start → its last target-site check) and switch (→ its last verified route).
 */
export function timingsOf(switchover: Switchover, endedAt: string): NonNullable<Switchover["timings"]> {
  let recoverySeconds = 0;
  let switchSeconds = 0;
  for (const wave of switchover.waves) {
    if (!wave.startedAt) continue;
    const checked = lastEnd(wave.systems, "check");
    const verified = lastEnd(wave.systems, "verify");
    recoverySeconds += seconds(wave.startedAt, checked ?? wave.finishedAt);
    if (checked) switchSeconds += seconds(checked, verified ?? wave.finishedAt);
  }
  return {
    detectionSeconds: seconds(switchover.declaredAt, switchover.startedAt),
    approvalSeconds: seconds(switchover.approval.requestedAt, switchover.approval.decidedAt),
    recoverySeconds,
    switchSeconds,
    totalSeconds: seconds(switchover.declaredAt, endedAt),
  };
}

/** How the switchover ends, from what failed (if anything) and what its waves did. */
function outcome(switchover: Switchover, failure?: StepFailure): Pick<Switchover, "status" | "error"> {
  if (!failure) {
    const rolledBack = switchover.waves.some((w) => w.status === "rolled-back" || w.status === "failed");
    if (!rolledBack) return { status: "completed" };
    const failed = systemsOf(switchover).find((s) => s.error);
    return {
      status: "rolled-back",
      error: failed?.error ?? { code: "HEALTH_CHECK_FAILED", message: "A wave failed and was rolled back" },
    };
  }
  if (failure.Error === "SwitchoverRejectedError") {
    return {
      status: "rejected",
      error: { code: "SWITCHOVER_REJECTED", message: failure.Cause ?? "rejected" },
    };
  }
  if (failure.Error === "ApprovalExpiredError" || failure.Error === "States.Timeout") {
    return {
      status: "failed",
      error: {
        code: "APPROVAL_EXPIRED",
        message: "The approval was not decided in time; nothing was switched",
      },
    };
  }
  const error = failureOf(failure);
  if (switchover.waves.some((w) => w.status === "rolled-back")) return { status: "rolled-back", error };
  const switched = systemsOf(switchover).filter((s) => s.status === "switched");
  if (switched.length === 0) return { status: "failed", error };
  const where = switched.map((s) => s.systemId).join(", ");
  return {
    status: "failed",
    error: {
      ...error,
      message: `${error.message} (served by their target site now: ${where})`.slice(0, 2000),
    },
  };
}

/**
 * The end of every switchover, whatever happened: its status and timings, the emergency-response
 * report (R-RPT-03) under Object Lock, the systems' slots given back, the unit told.
 */
export async function finish(
  deps: SwitchoverStepDeps,
  key: SwitchKey,
  failure?: StepFailure,
): Promise<{ status: Switchover["status"] }> {
  const stored = await loadSwitchover(deps, key);
  if (!isEnded(stored)) await releaseResyncFences(deps, stored);
  const written = isEnded(stored) && stored.report ? stored : await end(deps, stored, failure);
  if (!(await deps.switchovers.announced(key.tenantId, key.switchId))) {
    await announceEnd(deps, written);
    await deps.switchovers.markAnnounced(key.tenantId, key.switchId);
  }
  return { status: written.status };
}

/**
 * A failback that stops before a system's switch back leaves that system served by the DR site,
 * so the fence its resync put on the DR site (D-51) comes off again; a system its wave took over
 * was unfenced, or rolled back, by its wave.
 */
async function releaseResyncFences(deps: SwitchoverStepDeps, switchover: Switchover): Promise<void> {
  if (switchover.kind !== "failback") return;
  for (const member of systemsOf(switchover)) {
    if (!member.resync?.fencedAt || member.status !== "pending") continue;
    const systemKey = {
      tenantId: switchover.tenantId,
      switchId: switchover.switchId,
      systemId: member.systemId,
    };
    try {
      const { policy } = await memberOf(deps, switchover.tenantId, member.systemId);
      const target = { ...systemKey, policy };
      const unfenced = await deps.adapterFor(policy, switchover.tenantId).act(target, "unfence", "dr");
      await changeRoute(deps, systemKey, policy.adapter, (route) => ({ ...route, fencedSite: "primary" }));
      await recordStep(deps, switchover, "resync-unfence", {
        systemId: member.systemId,
        detail: `the failback stopped before its switch: the DR site serves and takes writes again (${unfenced.detail})`,
      });
    } catch (error) {
      // Worth trying again (Finish is retried); otherwise the end is still written, saying why.
      const retryable = asRetryable(error);
      if (retryable instanceof DependencyUnavailableError) throw retryable;
      await recordStep(deps, switchover, "resync-unfence", {
        systemId: member.systemId,
        error: {
          code: errorOf(error).code,
          message: `The DR site stays fenced: ${errorOf(error).message}; unfence it by hand`.slice(0, 2000),
        },
      });
    }
  }
}

/** Its final record (status, timings, achieved) and the locked report, written once. */
async function end(deps: SwitchoverStepDeps, stored: Switchover, failure?: StepFailure): Promise<Switchover> {
  const endedAt = deps.now().toISOString();
  const ended = outcome(stored, failure);
  const rtos = systemsOf(stored).flatMap((s) => (s.achieved ? [s.achieved.rtoSeconds] : []));
  const rpos = systemsOf(stored).flatMap((s) =>
    s.achieved?.rpoSeconds === undefined ? [] : [s.achieved.rpoSeconds],
  );
  const decided =
    ended.error?.code === "APPROVAL_EXPIRED" && stored.approval.required
      ? { ...stored.approval, decision: "expired" as const, decidedAt: stored.approval.decidedAt ?? endedAt }
      : stored.approval;
  const final: Switchover = {
    ...stored,
    ...ended,
    approval: decided,
    phase: "done",
    finishedAt: endedAt,
    timings: timingsOf({ ...stored, approval: decided }, endedAt),
    ...(rtos.length > 0
      ? {
          achieved: {
            rtoSeconds: Math.max(...rtos),
            ...(rpos.length > 0 ? { rpoSeconds: Math.max(...rpos) } : {}),
          },
        }
      : {}),
    report: switchReportKeys(stored),
    // The version it is stored as: the report's hash is of the record GET /failovers/{id} returns.
    version: stored.version + 1,
  };
  const retainUntil = new Date(Date.parse(endedAt) + deps.reportRetentionDays * 86_400_000);
  const generatedAt = deps.now();
  const keys = switchReportKeys(stored);
  await deps.reports.write(
    keys.json,
    JSON.stringify(switchoverReport(final, generatedAt), null, 2),
    "application/json; charset=utf-8",
    retainUntil,
  );
  await deps.reports.write(
    keys.html,
    switchoverReportHtml(final, generatedAt),
    "text/html; charset=utf-8",
    retainUntil,
  );
  await deps.switchovers.update(final);
  return final;
}

/** Tells the unit how it ended and writes the end into the audit trail. */
export async function announceEnd(
  deps: Pick<SwitchoverStepDeps, "notifier" | "audit" | "now" | "region">,
  written: Switchover,
): Promise<void> {
  const systems = systemsOf(written).map((s) => `${s.name} (${s.systemId}): ${s.status}`);
  await deps.notifier.publish(written.tenantId, {
    kind: "failover-result",
    subject: `govdr: ${written.kind} ${written.switchId} ${written.status}`,
    text: [
      `The ${written.kind} ${written.switchId} ended: ${written.status}.`,
      ...systems,
      written.achieved ? `Achieved RTO ${written.achieved.rtoSeconds.toFixed(1)} s.` : "",
      written.error ? `Error: ${written.error.message}` : "",
    ]
      .filter(Boolean)
      .join("\n"),
    data: {
      switchId: written.switchId,
      kind: written.kind,
      status: written.status,
      achieved: written.achieved ?? null,
    },
  });
  await recordStep(deps, written, "ended", {
    detail: `${written.status}${written.achieved ? `, RTO ${written.achieved.rtoSeconds.toFixed(1)} s` : ""}`,
    ...(written.error ? { error: written.error } : {}),
  });
}
