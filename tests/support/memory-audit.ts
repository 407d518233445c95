import type { ArchiveCursor, ArchiveCursorStore, ArchiveObjects } from "../../shared/audit/archive.ts";
import type { AuditLog } from "../../shared/audit/audit-log.ts";
import { type ChainHead, chainRecord } from "../../shared/audit/chain.ts";
import type { AuditEvent, AuditRecord } from "../../shared/audit/event-schema.ts";
import { ConflictError } from "../../shared/errors.ts";

/** An in-memory audit log; `records` is exposed so tests can tamper with the index. */
export class MemoryAuditLog implements AuditLog {
  readonly chains = new Map<string, AuditRecord[]>();

  async append(tenantId: string, event: AuditEvent): Promise<AuditRecord> {
    const chain = this.chains.get(tenantId) ?? [];
    const record = chainRecord(tenantId, await this.head(tenantId), event);
    this.chains.set(tenantId, [...chain, record]);
    return record;
  }

  async head(tenantId: string): Promise<ChainHead | undefined> {
    const last = this.chains.get(tenantId)?.at(-1);
    return last ? { sequence: last.sequence, hash: last.hash } : undefined;
  }

  async *records(tenantId: string, fromSequence = 1): AsyncIterable<AuditRecord> {
    yield* (this.chains.get(tenantId) ?? []).filter((r) => r.sequence >= fromSequence);
  }

  lookup(): never {
    throw new Error("not used by these tests");
  }
}

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
