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
  | { kind: "head-mismatch"; sequence: number }
  /** An archived batch or digest differs from what its digest committed to (shared/audit/archive). */
  | { kind: "archive-altered"; sequence: number; archiveKey: string }
  | { kind: "digest-chain-broken"; sequence: number; archiveKey: string }
  /**
   * Recorded events still unchained past the sequencer's promise (shared/audit/verify-trail.ts);
   * `sequence` is the next one the chain would give, `eventID` the oldest waiting event.
   */
  | { kind: "unchained-overdue"; sequence: number; eventID: string; eventTime: string; overdue: number };

export interface VerifyResult {
  ok: boolean;
  checked: number;
  head?: ChainHead;
  /** The first problem in sequence order; a verifier names exactly one, the earliest. */
  firstProblem?: ChainProblem;
}

/**
 * Checks a tenant's records one at a time, in sequence order, from `start` (the genesis by default,
 * or the last record of an earlier archive batch). It remembers only the last good record, so memory
 * stays bounded however long the chain.
 */
export class ChainVerifier {
  private previous: ChainHead;
  checked = 0;

  constructor(
    private readonly tenantId: string,
    start: ChainHead = { sequence: 0, hash: genesisHash },
  ) {
    this.previous = start;
  }

  get head(): ChainHead {
    return this.previous;
  }

  /** The problem with `record`, or undefined when it extends the chain. */
  next(record: AuditRecord): ChainProblem | undefined {
    const expected = this.previous.sequence + 1;
    if (record.sequence !== expected) return { kind: "missing", sequence: expected };
    const { eventID } = record.event;
    if (record.tenantId !== this.tenantId) {
      return { kind: "foreign", sequence: record.sequence, eventID, tenantId: record.tenantId };
    }
    if (recordHash(record) !== record.hash) return { kind: "altered", sequence: record.sequence, eventID };
    if (record.previousHash !== this.previous.hash) {
      return { kind: "relinked", sequence: record.sequence, eventID };
    }
    this.previous = { sequence: record.sequence, hash: record.hash };
    this.checked += 1;
    return undefined;
  }

  /** The problem with ending here when the committed head is `expectedHead`. */
  end(expectedHead: ChainHead | undefined): ChainProblem | undefined {
    if (expectedHead && this.previous.sequence < expectedHead.sequence) {
      return { kind: "truncated", sequence: this.previous.sequence + 1 };
    }
    if (expectedHead && this.previous.hash !== expectedHead.hash) {
      return { kind: "head-mismatch", sequence: this.previous.sequence };
    }
    return undefined;
  }

  result(firstProblem?: ChainProblem): VerifyResult {
    if (firstProblem) return { ok: false, checked: this.checked, head: this.previous, firstProblem };
    return { ok: true, checked: this.checked, head: this.checked > 0 ? this.previous : undefined };
  }
}

/**
 * Recomputes a tenant's chain from records in sequence order (streamed, so memory stays bounded).
 * `expectedHead` is the head the index last committed, read before the records: a chain that stops
 * short of it lost records, and records the sequencer added after it was read are left for later.
 */
export async function verifyChain(
  tenantId: string,
  records: AsyncIterable<AuditRecord> | Iterable<AuditRecord>,
  expectedHead?: ChainHead,
): Promise<VerifyResult> {
  const verifier = new ChainVerifier(tenantId);
  for await (const record of records) {
    if (expectedHead && record.sequence > expectedHead.sequence) break;
    const problem = verifier.next(record);
    if (problem) return verifier.result(problem);
  }
  return verifier.result(verifier.end(expectedHead));
}
