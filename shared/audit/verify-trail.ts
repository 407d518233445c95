import { type AuditLog, type PendingSummary, sequencerPromiseSeconds } from "./audit-log.ts";
import { type VerifyResult, verifyChain } from "./chain.ts";

export interface TrailVerifyResult extends VerifyResult {
  /** Events recorded but not yet chained when the check ran (they are not covered by `checked`). */
  unchained: PendingSummary;
}

/**
 * Verifies a tenant's chain up to the head it reads first, then counts the events still waiting for
 * the sequencer. Waiting is normal for a few seconds; an event older than the sequencer's promise
 * means the sequencer is not keeping up (or not running), and is reported as a problem.
 */
export async function verifyTrail(tenantId: string, audit: AuditLog, now: Date): Promise<TrailVerifyResult> {
  const head = await audit.head(tenantId);
  const chain = await verifyChain(tenantId, audit.records(tenantId), head);
  const unchained = await audit.pendingSummary(tenantId, now, sequencerPromiseSeconds);
  if (!chain.ok || unchained.overdue === 0 || !unchained.oldest) return { ...chain, unchained };
  return {
    ...chain,
    ok: false,
    firstProblem: {
      kind: "unchained-overdue",
      sequence: (chain.head?.sequence ?? 0) + 1,
      eventID: unchained.oldest.eventID,
      eventTime: unchained.oldest.eventTime,
      overdue: unchained.overdue,
    },
    unchained,
  };
}
