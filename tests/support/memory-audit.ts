import type { ArchiveCursor, ArchiveCursorStore, ArchiveObjects } from "../../shared/audit/archive.ts";
import {
  type AuditChainStore,
  type AuditEntry,
  type AuditLog,
  ChainMovedError,
  type PendingEvent,
  type PendingSummary,
} from "../../shared/audit/audit-log.ts";
import type { AuditQuery } from "../../shared/audit/audit-query.ts";
import type { ChainHead } from "../../shared/audit/chain.ts";
import type { AuditEvent, AuditRecord } from "../../shared/audit/event-schema.ts";
import { chainPending } from "../../shared/audit/sequencer.ts";
import { ConflictError } from "../../shared/errors.ts";
import type { Page } from "../../shared/stores/page.ts";

/**
 * An in-memory audit log that behaves as the DynamoDB one does: `record` leaves an event pending,
 * the real sequencer (`chainAll`, or `chainPending` with this as its store) chains it. `chains`
 * is exposed so tests can tamper with the records.
 */
export class MemoryAuditLog implements AuditLog, AuditChainStore {
  readonly chains = new Map<string, AuditRecord[]>();
  readonly pending = new Map<string, AuditEvent[]>();
  readonly maxBatch: number;

  constructor(options: { maxBatch?: number } = {}) {
    this.maxBatch = options.maxBatch ?? 49;
  }

  async record(tenantId: string, event: AuditEvent): Promise<void> {
    const waiting = [...(this.pending.get(tenantId) ?? []), event];
    waiting.sort((a, b) => pendingOrder(a).localeCompare(pendingOrder(b)));
    this.pending.set(tenantId, waiting);
  }

  /** Chains every trail's pending events, as the deployed sequencer would within seconds. */
  async chainAll(): Promise<void> {
    for (const tenantId of [...this.pending.keys()]) await chainPending(tenantId, this);
  }

  async head(tenantId: string): Promise<ChainHead | undefined> {
    const last = this.chains.get(tenantId)?.at(-1);
    return last ? { sequence: last.sequence, hash: last.hash } : undefined;
  }

  async oldestPending(tenantId: string, limit: number): Promise<PendingEvent[]> {
    return (this.pending.get(tenantId) ?? []).slice(0, limit).map((event) => ({ tenantId, event }));
  }

  async extend(tenantId: string, previous: ChainHead | undefined, records: AuditRecord[]): Promise<number> {
    const head = await this.head(tenantId);
    const waiting = this.pending.get(tenantId) ?? [];
    const batch = records.slice(0, this.maxBatch);
    const ids = new Set(batch.map((r) => r.event.eventID));
    if (head?.hash !== previous?.hash || waiting.filter((e) => ids.has(e.eventID)).length !== ids.size) {
      throw new ChainMovedError(`The audit chain of ${tenantId} moved`);
    }
    this.chains.set(tenantId, [...(this.chains.get(tenantId) ?? []), ...batch]);
    this.pending.set(
      tenantId,
      waiting.filter((e) => !ids.has(e.eventID)),
    );
    return batch.length;
  }

  async *records(tenantId: string, fromSequence = 1): AsyncIterable<AuditRecord> {
    yield* (this.chains.get(tenantId) ?? []).filter((r) => r.sequence >= fromSequence);
  }

  async pendingSummary(tenantId: string, now: Date, overdueAfterSeconds: number): Promise<PendingSummary> {
    const waiting = this.pending.get(tenantId) ?? [];
    const cutoff = now.getTime() - overdueAfterSeconds * 1000;
    const oldest = waiting[0];
    return {
      count: waiting.length,
      overdue: waiting.filter((e) => Date.parse(e.eventTime) < cutoff).length,
      ...(oldest ? { oldest: { eventID: oldest.eventID, eventTime: oldest.eventTime } } : {}),
    };
  }

  /** Every entry of the trail in time order, newest first, filtered by event name only; one page. */
  async lookup(tenantId: string, query: AuditQuery): Promise<Page<AuditEntry>> {
    const entries: AuditEntry[] = [
      ...(this.chains.get(tenantId) ?? []).map((record) => ({ ...record, state: "chained" as const })),
      ...(this.pending.get(tenantId) ?? []).map((event) => ({ tenantId, event, state: "pending" as const })),
    ];
    const items = entries
      .filter((entry) => !query.eventName || entry.event.eventName === query.eventName)
      .sort((a, b) => pendingOrder(b.event).localeCompare(pendingOrder(a.event)))
      .slice(0, query.limit);
    return { items };
  }
}

const pendingOrder = (event: AuditEvent) => `${event.eventTime}#${event.eventID}`;

export class MemoryArchiveCursors implements ArchiveCursorStore {
  readonly cursors = new Map<string, ArchiveCursor>();

  async get(tenantId: string) {
    return this.cursors.get(tenantId);
  }

  async advance(tenantId: string, next: ArchiveCursor, previous: ArchiveCursor | undefined) {
    if (this.cursors.get(tenantId)?.sequence !== previous?.sequence) {
      throw new ConflictError("moved meanwhile", "STALE_VERSION");
    }
    this.cursors.set(tenantId, next);
  }
}

/** A versioned, write-once object store: a put adds a version, the newest is what `get` returns. */
export class MemoryArchiveObjects implements ArchiveObjects {
  readonly versions = new Map<string, { versionId: string; body: Uint8Array; retainUntil: Date }[]>();

  async put(key: string, body: Uint8Array, retainUntil: Date) {
    const versions = this.versions.get(key) ?? [];
    const versionId = `v${versions.length + 1}`;
    this.versions.set(key, [...versions, { versionId, body: Uint8Array.from(body), retainUntil }]);
    return { versionId };
  }

  async get(key: string) {
    return this.versions.get(key)?.at(-1)?.body;
  }

  keysUnder(prefix: string): string[] {
    return [...this.versions.keys()].filter((key) => key.startsWith(prefix)).sort();
  }
}
