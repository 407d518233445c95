import type { Page } from "../stores/page.ts";
import type { AuditQuery } from "./audit-query.ts";
import type { ChainHead } from "./chain.ts";
import type { AuditEvent, AuditRecord } from "./event-schema.ts";

/** A tenant-partitioned, append-only, hash-chained audit log. Nothing can update or delete records. */
export interface AuditLog {
  /** Appends to the tenant's chain; concurrent appends are serialised, never forked. */
  append(tenantId: string, event: AuditEvent): Promise<AuditRecord>;
  head(tenantId: string): Promise<ChainHead | undefined>;
  /** The tenant's records in sequence order from `fromSequence`, read page by page. */
  records(tenantId: string, fromSequence?: number): AsyncIterable<AuditRecord>;
  /** Events of one tenant in a time range, oldest first, filtered, one page at a time. */
  lookup(tenantId: string, query: AuditQuery): Promise<Page<AuditRecord>>;
}

/** Appends lost a race this many times in a row: the caller should fail loudly, not drop the event. */
export class AuditContentionError extends Error {
  override readonly name = "AuditContentionError";
}
