import { z } from "zod";
import { safeText } from "../validation/text.ts";
import type { Snapshot } from "../vault/snapshot.ts";
import { backupTypes } from "../vault/snapshot.ts";
import { suiteNames } from "../vault/suites.ts";

export const snapshotIdSchema = z.string().regex(/^[0-9a-f]{16}$/, "a snapshot id: 16 hexadecimal digits");
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * What an agent reports of a snapshot it wrote (PUT /systems/{systemId}/snapshots/{snapshotId}):
 * the manifest's facts, without its tree. The manifest in the vault stays the source of truth; the
 * catalogue lets the console, the RPO monitor and drills find snapshots without opening the vault.
 */
export const snapshotReportSchema = z.object({
  time: z.iso.datetime(),
  /** When the backup began reading: what an RPO is measured from. */
  startedAt: z.iso.datetime().optional(),
  type: z.enum(backupTypes),
  parent: snapshotIdSchema.optional(),
  hostname: safeText(1, 255),
  sources: z.array(z.string().min(1).max(4096)).max(100),
  suite: z.enum(suiteNames),
  merkleRoot: z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 in hexadecimal"),
  /** Where the vault is, e.g. s3://bucket/tenants/t-…/systems/s-… or a local directory. */
  repository: z.string().min(1).max(2048),
  repositoryId: z.string().regex(/^[0-9a-f]{32}$/),
  stats: z.object({
    files: count,
    dirs: count,
    bytes: count,
    readBytes: count,
    newBlobs: count,
    newBytes: count,
    /** Files listed but gone, or no longer regular files, when they were to be read: left out. */
    vanished: count.optional(),
  }),
});
export type SnapshotReport = z.infer<typeof snapshotReportSchema>;

/** A snapshot as the control plane records it: the manifest's facts, not its tree. */
export function snapshotReportOf(
  snapshot: Snapshot,
  repository: { location: string; id: string },
): SnapshotReport {
  const { stats } = snapshot;
  return {
    time: snapshot.time,
    ...(snapshot.startedAt ? { startedAt: snapshot.startedAt } : {}),
    type: snapshot.type,
    ...(snapshot.parent ? { parent: snapshot.parent } : {}),
    hostname: snapshot.hostname,
    sources: snapshot.sources,
    suite: snapshot.suite,
    merkleRoot: snapshot.merkleRoot,
    repository: repository.location,
    repositoryId: repository.id,
    stats: {
      files: stats.files,
      dirs: stats.dirs,
      bytes: stats.bytes,
      readBytes: stats.readBytes,
      newBlobs: stats.newBlobs,
      newBytes: stats.newBytes,
      ...(stats.vanished !== undefined ? { vanished: stats.vanished } : {}),
    },
  };
}

export const snapshotRecordSchema = snapshotReportSchema.extend({
  tenantId: z.string().min(1),
  systemId: z.string().min(1),
  snapshotId: snapshotIdSchema,
  registeredAt: z.iso.datetime(),
  /** The agent key that reported it. */
  registeredBy: z.string().min(1),
});
export type SnapshotRecord = z.infer<typeof snapshotRecordSchema>;
