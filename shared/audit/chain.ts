import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { AuditEvent, AuditRecord } from "./event-schema.ts";

/** The previous hash of a chain's first record. */
export const genesisHash = "0".repeat(64);

export interface ChainHead {
  sequence: number;
  hash: string;
}

/**
 * The hash of a record: SHA-256 over the RFC 8785 canonical JSON of the tenant, sequence, previous
 * hash and event, so any change to any of them, or any reordering, changes it.
 */
export function recordHash(record: Omit<AuditRecord, "hash">): string {
  const canonical = canonicalize({
    tenantId: record.tenantId,
    sequence: record.sequence,
    previousHash: record.previousHash,
    event: record.event,
  });
  if (canonical === undefined) throw new Error("audit record cannot be canonicalized");
  return createHash("sha256").update(canonical, "utf8").digest("hex");
}

/** The next record of a tenant's chain, after `head` (undefined for the first record). */
export function chainRecord(tenantId: string, head: ChainHead | undefined, event: AuditEvent): AuditRecord {
  const unhashed = {
    tenantId,
    sequence: (head?.sequence ?? 0) + 1,
    previousHash: head?.hash ?? genesisHash,
    event,
  };
  return { ...unhashed, hash: recordHash(unhashed) };
}

export type ChainProblem =
  | { kind: "missing"; sequence: number }
  | { kind: "altered"; sequence: number; eventID: string }
  | { kind: "relinked"; sequence: number; eventID: string }
  | { kind: "foreign"; sequence: number; eventID: string; tenantId: string }
  | { kind: "truncated"; sequence: number }
  /** The records are self-consistent but end in another hash than the committed head: rewritten. */
  | { kind: "head-mismatch"; sequence: number };

export interface VerifyResult {
  ok: boolean;
  checked: number;
  head?: ChainHead;
  /** The first problem in sequence order; a verifier names exactly one, the earliest. */
  firstProblem?: ChainProblem;
}

/**
 * Recomputes a tenant's chain from records in sequence order (streamed, so memory stays bounded).
 * `expectedHead` is the head the index last committed: a chain that stops short of it lost records.
 */
export async function verifyChain(
  tenantId: string,
  records: AsyncIterable<AuditRecord> | Iterable<AuditRecord>,
  expectedHead?: ChainHead,
): Promise<VerifyResult> {
  let previous: ChainHead = { sequence: 0, hash: genesisHash };
  let checked = 0;
  const fail = (firstProblem: ChainProblem): VerifyResult => ({
    ok: false,
    checked,
    head: previous,
    firstProblem,
  });
  for await (const record of records) {
    const expected = previous.sequence + 1;
    if (record.sequence !== expected) return fail({ kind: "missing", sequence: expected });
    const { eventID } = record.event;
    if (record.tenantId !== tenantId) {
      return fail({ kind: "foreign", sequence: record.sequence, eventID, tenantId: record.tenantId });
    }
    if (recordHash(record) !== record.hash)
      return fail({ kind: "altered", sequence: record.sequence, eventID });
    if (record.previousHash !== previous.hash)
      return fail({ kind: "relinked", sequence: record.sequence, eventID });
    previous = { sequence: record.sequence, hash: record.hash };
    checked += 1;
  }
  if (expectedHead && previous.sequence < expectedHead.sequence) {
    return fail({ kind: "truncated", sequence: previous.sequence + 1 });
  }
  if (expectedHead && previous.hash !== expectedHead.hash) {
    return fail({ kind: "head-mismatch", sequence: previous.sequence });
  }
  return { ok: true, checked, head: checked > 0 ? previous : undefined };
}
