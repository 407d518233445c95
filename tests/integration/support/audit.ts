import { pollUntil } from "../../../cli/poll.ts";
import type { AuditLog } from "../../../shared/audit/audit-log.ts";
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
  await pollUntil(
    async () => ((await audit.pendingSummary(tenantId, new Date(), 60)).count === 0 ? true : undefined),
    { timeoutMs, intervalMs: 250, what: `the audit sequencer to chain ${tenantId}'s recorded events` },
  );
  const records: AuditRecord[] = [];
  for await (const record of audit.records(tenantId)) records.push(record);
  return records;
}
