import { pollUntil } from "../../../cli/poll.ts";
import { type AuditLog, sequencerPromiseSeconds } from "../../../shared/audit/audit-log.ts";
import type { AuditRecord } from "../../../shared/audit/event-schema.ts";

/**
 * The tenant's chained records once the deployed sequencer has chained everything recorded so far
 * (it promises seconds; the emulator's stream poller wakes on each write).
 */
export async function chainedRecords(
  audit: Pick<AuditLog, "pendingSummary" | "records">,
  tenantId: string,
  timeoutMs = 30_000,
): Promise<AuditRecord[]> {
  await chainedAll(audit, tenantId, timeoutMs);
  const records: AuditRecord[] = [];
  for await (const record of audit.records(tenantId)) records.push(record);
  return records;
}

/** Waits until nothing recorded for the tenant waits for the sequencer any more. */
export async function chainedAll(
  audit: Pick<AuditLog, "pendingSummary">,
  tenantId: string,
  timeoutMs = 30_000,
): Promise<void> {
  await pollUntil(
    async () =>
      (await audit.pendingSummary(tenantId, new Date(), sequencerPromiseSeconds)).count === 0
        ? true
        : undefined,
    { timeoutMs, intervalMs: 250, what: `the audit sequencer to chain ${tenantId}'s recorded events` },
  );
}
