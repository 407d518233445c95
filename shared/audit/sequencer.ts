import {
  type AuditChainStore,
  AuditContentionError,
  ChainMovedError,
  type PendingEvent,
} from "./audit-log.ts";
import { type ChainHead, chainRecord } from "./chain.ts";
import type { AuditRecord } from "./event-schema.ts";

export interface SequencerOptions {
  /** Stop after chaining this many (the rest waits for the next trigger or the sweep). */
  maxEvents?: number;
  /** Consecutive lost races before giving up with AuditContentionError. */
  maxAttempts?: number;
  /** Waits before the next attempt after `attempt` lost races. */
  backoff?: (attempt: number) => Promise<void>;
}

export interface SequencerRun {
  tenantId: string;
  chained: number;
  head?: ChainHead;
  /** Pending events were left because `maxEvents` was reached. */
  more: boolean;
}

const jitteredBackoff = (attempt: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 25 * Math.min(attempt, 8)));

/** The records that put `pending`, in order, after `head`. */
export function chainAfter(
  tenantId: string,
  head: ChainHead | undefined,
  pending: PendingEvent[],
): AuditRecord[] {
  const records: AuditRecord[] = [];
  let previous = head;
  for (const { event } of pending) {
    const record = chainRecord(tenantId, previous, event);
    records.push(record);
    previous = { sequence: record.sequence, hash: record.hash };
  }
  return records;
}

/**
 * Chains a tenant's pending events, oldest first, a batch at a time: each batch extends the head it
 * read and removes its pending events in one atomic step. Exactly once however many run at once,
 * and wherever one crashes: a step either happened whole or not at all, and a sequencer that finds
 * the chain moved re-reads it.
 */
export async function chainPending(
  tenantId: string,
  store: AuditChainStore,
  options: SequencerOptions = {},
): Promise<SequencerRun> {
  const maxEvents = options.maxEvents ?? 5000;
  const maxAttempts = options.maxAttempts ?? 12;
  const backoff = options.backoff ?? jitteredBackoff;
  let chained = 0;
  let lostRaces = 0;
  let head = await store.head(tenantId);
  while (chained < maxEvents) {
    const pending = await store.oldestPending(tenantId, Math.min(store.maxBatch, maxEvents - chained));
    if (pending.length === 0) return { tenantId, chained, head, more: false };
    const records = chainAfter(tenantId, head, pending);
    try {
      const written = await store.extend(tenantId, head, records);
      const last = records[written - 1];
      if (last) head = { sequence: last.sequence, hash: last.hash };
      chained += written;
      lostRaces = 0;
    } catch (error) {
      if (!(error instanceof ChainMovedError)) throw error;
      lostRaces += 1;
      if (lostRaces >= maxAttempts) {
        throw new AuditContentionError(
          `The audit chain of ${tenantId} moved under ${maxAttempts} sequencing attempts in a row; the events stay recorded and are chained on the next trigger`,
        );
      }
      await backoff(lostRaces);
      head = await store.head(tenantId);
    }
  }
  return { tenantId, chained, head, more: true };
}
