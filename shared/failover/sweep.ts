import { announceEnd } from "./finish.ts";
import { isEnded } from "./switchover.ts";
import type { SwitchoverStepDeps } from "./switchover-context.ts";
import type { ApprovalGate } from "./switchover-service.ts";
import type { SwitchoverStore } from "./switchover-store.ts";

export interface SweepDeps extends Pick<SwitchoverStepDeps, "notifier" | "audit" | "region"> {
  switchovers: Pick<
    SwitchoverStore,
    "get" | "approvalToken" | "dueApprovals" | "closeApproval" | "expiredSlots" | "update" | "markAnnounced"
  >;
  gate: Pick<ApprovalGate, "reject">;
  /** Whether the switchover's execution still runs (Step Functions DescribeExecution). */
  executionRunning(executionArn: string): Promise<boolean>;
  now: () => Date;
}

/**
 * Ends what a switchover cannot end itself: an approval nobody decided in time is failed at its
 * gate (the execution goes on to Finish: nothing switched), and a switchover whose execution died
 * holding its systems' slots is marked failed, so the systems can be switched again. The route
 * never moved without a passed check, so the record says where each system is served from.
 */
export async function sweepSwitchovers(deps: SweepDeps): Promise<{ expired: number; ended: number }> {
  const now = deps.now();
  let expired = 0;
  for (const key of await deps.switchovers.dueApprovals(now)) {
    const switchover = await deps.switchovers.get(key.tenantId, key.switchId);
    const token = await deps.switchovers.approvalToken(key.tenantId, key.switchId);
    if (switchover?.status === "awaiting-approval" && token) {
      try {
        await deps.gate.reject(
          token,
          "ApprovalExpiredError",
          `not approved by ${switchover.approval.expiresAt}`,
        );
        expired++;
      } catch (error) {
        if (!["TaskTimedOut", "InvalidToken", "TaskDoesNotExist"].includes((error as Error).name))
          throw error;
      }
    }
    await deps.switchovers.closeApproval(key.tenantId, key.switchId);
  }
  let ended = 0;
  for (const key of await deps.switchovers.expiredSlots(now)) {
    const switchover = await deps.switchovers.get(key.tenantId, key.switchId);
    if (!switchover || isEnded(switchover)) continue;
    if (switchover.executionArn && (await deps.executionRunning(switchover.executionArn))) continue;
    const aborted = {
      ...switchover,
      status: "failed" as const,
      phase: "done" as const,
      finishedAt: now.toISOString(),
      error: {
        code: "SWITCHOVER_ABORTED",
        message:
          "Its execution stopped before it ended; each system's route record says which site serves it",
      },
      version: switchover.version + 1,
    };
    await deps.switchovers.update(aborted);
    // The unit and its auditors learn of it as of any end (the trail's `…Ended` event).
    await announceEnd({ ...deps, now: () => now }, aborted);
    await deps.switchovers.markAnnounced(aborted.tenantId, aborted.switchId);
    ended++;
  }
  return { expired, ended };
}
