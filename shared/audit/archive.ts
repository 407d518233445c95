import { createHash, randomUUID } from "node:crypto";
import canonicalize from "canonicalize";
import { z } from "zod";
import { errorClass } from "../errors.ts";
import type { AuditLog } from "./audit-log.ts";
import { type ChainHead, type ChainProblem, ChainVerifier, genesisHash } from "./chain.ts";
import type { AuditRecord } from "./event-schema.ts";

/**
 * Audit archive (DESIGN.md §Audit, 000 §7.5.11): each tenant's chain is copied in batches to a bucket
 * under Object Lock COMPLIANCE. Each batch gets a digest file naming the batch's object version and
 * SHA-256, the chain head it ends in, and the previous digest's SHA-256, so the digests form a chain
 * of their own (as CloudTrail's digest files do). Rewriting a batch, even as a new object version,
 * breaks its digest; rewriting a digest breaks the next one; locked versions cannot be removed.
 */

/** Write-once objects: every `put` is retained until `retainUntil` and cannot be deleted before. */
export interface ArchiveObjects {
  put(key: string, body: Uint8Array, retainUntil: Date): Promise<{ versionId: string }>;
  /** The current version of `key`, as any reader would get it. */
  get(key: string): Promise<Uint8Array | undefined>;
}

/** How far a tenant's chain is archived: its last archived record and the digest that covers it. */
export interface ArchiveCursor extends ChainHead {
  digestKey: string;
  digestSha256: string;
}

export interface ArchiveCursorStore {
  get(tenantId: string): Promise<ArchiveCursor | undefined>;
  /** Moves the cursor from `previous`; fails with a ConflictError if another run moved it first. */
  advance(tenantId: string, next: ArchiveCursor, previous: ArchiveCursor | undefined): Promise<void>;
}

export const digestSchema = z.object({
  digestVersion: z.literal(1),
  tenantId: z.string(),
  fromSequence: z.number().int().positive(),
  toSequence: z.number().int().positive(),
  lastRecordHash: z.string(),
  batch: z.object({ key: z.string(), versionId: z.string(), sha256: z.string(), bytes: z.number() }),
  previousDigest: z.object({ key: z.string(), sha256: z.string() }).nullable(),
  createdAt: z.iso.datetime(),
});
export type Digest = z.infer<typeof digestSchema>;

const padded = (sequence: number) => String(sequence).padStart(12, "0");
/** Every archive object's key starts here; IAM grants are scoped to it. */
export const archiveRoot = "audit/";
const archivePrefix = (tenantId: string) => `${archiveRoot}${tenantId}/`;
/**
 * Keys carry the run's id: two runs racing over the same records write different objects, and only
 * the one whose cursor move wins is linked from the digest chain.
 */
const batchKey = (tenantId: string, from: number, to: number, runId: string) =>
  `${archivePrefix(tenantId)}records/${padded(from)}-${padded(to)}.${runId}.jsonl`;
const digestKey = (tenantId: string, to: number, runId: string) =>
  `${archivePrefix(tenantId)}digests/${padded(to)}.${runId}.json`;

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** One canonical JSON record per line: the same record always serialises to the same bytes. */
export function batchBytes(records: AuditRecord[]): Uint8Array {
  return Buffer.from(records.map((record) => `${canonicalize(record)}\n`).join(""), "utf8");
}

export class AuditChainBrokenError extends errorClass("AUDIT_CHAIN_BROKEN") {}

export interface ArchiveSettings {
  retentionDays: number;
  batchSize: number;
}

export interface ArchiveRun {
  tenantId: string;
  batches: number;
  records: number;
  archivedThrough: number;
}

export interface ArchiverDeps {
  /** Only the chain: events still waiting for the sequencer are archived once chained. */
  audit: Pick<AuditLog, "head" | "records">;
  cursors: ArchiveCursorStore;
  objects: ArchiveObjects;
  now: () => Date;
}

/**
 * Archives a tenant's records after its cursor, `batchSize` at a time (memory holds one batch).
 * Refuses to archive a chain that does not verify: locking in edited records would make the edit
 * permanent, so a break stops the run loudly instead.
 */
export async function archiveTrail(
  tenantId: string,
  deps: ArchiverDeps,
  settings: ArchiveSettings,
): Promise<ArchiveRun> {
  let cursor = await deps.cursors.get(tenantId);
  const committedHead = await deps.audit.head(tenantId);
  const verifier = new ChainVerifier(tenantId, cursor ?? { sequence: 0, hash: genesisHash });
  const run: ArchiveRun = { tenantId, batches: 0, records: 0, archivedThrough: cursor?.sequence ?? 0 };
  if (!committedHead || committedHead.sequence <= run.archivedThrough) return run;

  const runId = randomUUID();
  let batch: AuditRecord[] = [];
  const flush = async () => {
    cursor = await writeBatch({ tenantId, runId, records: batch, previous: cursor }, deps, settings);
    run.batches += 1;
    run.records += batch.length;
    run.archivedThrough = cursor.sequence;
    batch = [];
  };
  for await (const record of deps.audit.records(tenantId, run.archivedThrough + 1)) {
    if (record.sequence > committedHead.sequence) break;
    const problem = verifier.next(record);
    if (problem) {
      throw new AuditChainBrokenError(
        `The audit chain of ${tenantId} is broken at sequence ${problem.sequence} (${problem.kind}); nothing after sequence ${run.archivedThrough} was archived`,
      );
    }
    batch.push(record);
    if (batch.length === settings.batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  return run;
}

async function writeBatch(
  {
    tenantId,
    runId,
    records,
    previous,
  }: {
    tenantId: string;
    runId: string;
    records: AuditRecord[];
    previous: ArchiveCursor | undefined;
  },
  deps: ArchiverDeps,
  settings: ArchiveSettings,
): Promise<ArchiveCursor> {
  const first = records[0];
  const last = records.at(-1);
  if (!first || !last) throw new Error("an archive batch needs at least one record");
  const now = deps.now();
  const retainUntil = new Date(now.getTime() + settings.retentionDays * 86_400_000);
  const body = batchBytes(records);
  const key = batchKey(tenantId, first.sequence, last.sequence, runId);
  const { versionId } = await deps.objects.put(key, body, retainUntil);
  const digest: Digest = {
    digestVersion: 1,
    tenantId,
    fromSequence: first.sequence,
    toSequence: last.sequence,
    lastRecordHash: last.hash,
    batch: { key, versionId, sha256: sha256(body), bytes: body.byteLength },
    previousDigest: previous ? { key: previous.digestKey, sha256: previous.digestSha256 } : null,
    createdAt: now.toISOString(),
  };
  const digestBytes = Buffer.from(`${canonicalize(digest)}\n`, "utf8");
  const next: ArchiveCursor = {
    sequence: last.sequence,
    hash: last.hash,
    digestKey: digestKey(tenantId, last.sequence, runId),
    digestSha256: sha256(digestBytes),
  };
  await deps.objects.put(next.digestKey, digestBytes, retainUntil);
  await deps.cursors.advance(tenantId, next, previous);
  return next;
}

export interface ArchiveVerifyResult {
  ok: boolean;
  /** Archived records whose batch, digest and chain all check out. */
  checked: number;
  archivedThrough: number;
  firstProblem?: ChainProblem;
}

/**
 * Verifies a tenant's archive from its cursor back to the first digest, following each digest's link
 * to the previous one (a digest left behind by an interrupted run is not on the chain and is ignored).
 * Each batch must hash to what its digest says, and its records must chain from the previous batch's
 * last record; an edited record is named by sequence and event id. Reports the earliest problem.
 */
export async function verifyArchive(
  tenantId: string,
  deps: { cursors: ArchiveCursorStore; objects: ArchiveObjects },
): Promise<ArchiveVerifyResult> {
  const cursor = await deps.cursors.get(tenantId);
  if (!cursor) return { ok: true, checked: 0, archivedThrough: 0 };
  let checked = 0;
  let earliest: ChainProblem | undefined;
  let link: { key: string; sha256: string } | null = { key: cursor.digestKey, sha256: cursor.digestSha256 };
  let expectedEnd: ChainHead = cursor;
  while (link) {
    const digest = await readDigest(link, expectedEnd, deps.objects);
    if ("kind" in digest) {
      earliest = digest;
      break;
    }
    const previousHead = await previousBatchEnd(digest, deps.objects);
    const problem = await verifyBatch(tenantId, digest, previousHead, deps.objects);
    if (problem) earliest = problem;
    else checked += digest.toSequence - digest.fromSequence + 1;
    link = digest.previousDigest;
    expectedEnd = previousHead;
  }
  if (!earliest && expectedEnd.sequence !== 0) {
    earliest = { kind: "missing", sequence: 1 };
  }
  return earliest
    ? { ok: false, checked, archivedThrough: cursor.sequence, firstProblem: earliest }
    : { ok: true, checked, archivedThrough: cursor.sequence };
}

async function readDigest(
  link: { key: string; sha256: string },
  expectedEnd: ChainHead,
  objects: ArchiveObjects,
): Promise<Digest | ChainProblem> {
  const broken = {
    kind: "digest-chain-broken",
    sequence: expectedEnd.sequence,
    archiveKey: link.key,
  } as const;
  const bytes = await objects.get(link.key);
  if (!bytes || sha256(bytes) !== link.sha256) return broken;
  const digest = parseDigest(bytes);
  if (!digest) return broken;
  if (digest.toSequence !== expectedEnd.sequence || digest.lastRecordHash !== expectedEnd.hash) return broken;
  return digest;
}

/** Where the batch before `digest` ended: read from the previous digest, which is verified next. */
async function previousBatchEnd(digest: Digest, objects: ArchiveObjects): Promise<ChainHead> {
  if (!digest.previousDigest) return { sequence: 0, hash: genesisHash };
  const bytes = await objects.get(digest.previousDigest.key);
  const previous = bytes ? parseDigest(bytes) : undefined;
  // An unreadable previous digest is reported when the walk reaches it; chain from its claimed end.
  return previous
    ? { sequence: previous.toSequence, hash: previous.lastRecordHash }
    : { sequence: digest.fromSequence - 1, hash: "" };
}

/** A digest file's content, or undefined when it is not one (tampered bytes must not crash verify). */
function parseDigest(bytes: Uint8Array): Digest | undefined {
  try {
    const parsed = digestSchema.safeParse(JSON.parse(Buffer.from(bytes).toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function verifyBatch(
  tenantId: string,
  digest: Digest,
  start: ChainHead,
  objects: ArchiveObjects,
): Promise<ChainProblem | undefined> {
  const altered = {
    kind: "archive-altered",
    sequence: digest.fromSequence,
    archiveKey: digest.batch.key,
  } as const;
  const bytes = await objects.get(digest.batch.key);
  if (!bytes) return { kind: "missing", sequence: digest.fromSequence };
  const verifier = new ChainVerifier(tenantId, start);
  for (const line of Buffer.from(bytes).toString("utf8").split("\n")) {
    if (line === "") continue;
    let record: AuditRecord;
    try {
      record = JSON.parse(line) as AuditRecord;
    } catch {
      return { ...altered, sequence: verifier.head.sequence + 1 };
    }
    const problem = verifier.next(record);
    if (problem) return problem;
  }
  const end = verifier.end({ sequence: digest.toSequence, hash: digest.lastRecordHash });
  if (end) return end;
  return sha256(bytes) === digest.batch.sha256 ? undefined : altered;
}
