import { errorClass } from "../errors.ts";
import type { Page } from "../stores/page.ts";
import type { AuditQuery } from "./audit-query.ts";
import type { ChainHead } from "./chain.ts";
import type { AuditEvent, AuditRecord } from "./event-schema.ts";

/** An event recorded durably but not yet given its place in the tenant's chain by the sequencer. */
export interface PendingEvent {
  tenantId: string;
  event: AuditEvent;
}

/** What lookups and exports show: chained records with their chain fields, pending events marked. */
export type AuditEntry = (AuditRecord & { state: "chained" }) | (PendingEvent & { state: "pending" });

/** How many events wait for the sequencer, and the oldest of them. */
export interface PendingSummary {
  count: number;
  /** Of those, recorded longer ago than the sequencer's promise (`overdueAfterSeconds`). */
  overdue: number;
  oldest?: { eventID: string; eventTime: string };
}

/**
 * A tenant-partitioned, append-only, hash-chained audit log (DESIGN.md §Audit), in two steps as
 * CloudTrail does it: a request records its event with no contention (`record`), and the sequencer
 * (shared/audit/sequencer.ts) chains recorded events in order, off the request path. Nothing can
 * update or delete a chained record.
 */
export interface AuditLog {
  /** Stores the event durably under its own key; it is chained within seconds (docs/decisions.md D-32). */
  record(tenantId: string, event: AuditEvent): Promise<void>;
  head(tenantId: string): Promise<ChainHead | undefined>;
  /** The tenant's chained records in sequence order from `fromSequence`, read page by page. */
  records(tenantId: string, fromSequence?: number): AsyncIterable<AuditRecord>;
  /** Events recorded but not yet chained, counted without holding them in memory. */
  pendingSummary(tenantId: string, now: Date, overdueAfterSeconds: number): Promise<PendingSummary>;
  /** Events of one tenant in a time range, oldest first, filtered, one page at a time. */
  lookup(tenantId: string, query: AuditQuery): Promise<Page<AuditEntry>>;
}

/** The sequencer's view of the log: pending events in order, and an atomic step of the chain. */
export interface AuditChainStore {
  head(tenantId: string): Promise<ChainHead | undefined>;
  /** The oldest pending events, at most `limit`, in the order they are to be chained. */
  oldestPending(tenantId: string, limit: number): Promise<PendingEvent[]>;
  /**
   * Adds the first records of `records` (as many as one atomic write holds, at least one) after
   * `previous` and removes their pending events, all or nothing; returns how many it added. Throws
   * ChainMovedError when the head is no longer `previous`, a pending event is gone (another
   * sequencer got there first) or the write lost a race; nothing is written then.
   */
  extend(tenantId: string, previous: ChainHead | undefined, records: AuditRecord[]): Promise<number>;
  /** The most events one `extend` can take (DynamoDB: 100 items a transaction, two per event). */
  readonly maxBatch: number;
}

/** Another sequencer moved the chain, or the step lost a race: re-read and try again. */
export class ChainMovedError extends errorClass("AUDIT_CHAIN_MOVED") {}

/** The sequencer kept losing races for one tenant: its trigger is retried, nothing is dropped. */
export class AuditContentionError extends errorClass("AUDIT_CONTENTION") {}

/** How long the sequencer may take to chain a recorded event before verify calls it a problem. */
export const sequencerPromiseSeconds = 60;
