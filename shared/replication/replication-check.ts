import { z } from "zod";

export const replicationStatuses = [
  /** The newest fully replicated snapshot is within the RPO target. */
  "ok",
  /** It is older than the target allows (an RPO breach). */
  "breach",
  /** The system has no snapshot yet. */
  "no-snapshot",
  /** The newest snapshot is not in the platform's vault (a local repository): nothing replicates it. */
  "not-replicable",
] as const;
export type ReplicationStatus = (typeof replicationStatuses)[number];

const snapshotRef = z.object({ snapshotId: z.string(), takenAt: z.iso.datetime() });

/** One measurement of how current a system's DR copy is (`GET /systems/{systemId}/replication`). */
export const replicationCheckSchema = z.object({
  tenantId: z.string().min(1),
  systemId: z.string().min(1),
  checkedAt: z.iso.datetime(),
  /** How copies reach the DR vault: S3 replication (native) or the platform's replicator (managed), as the policy says. */
  mode: z.enum(["native", "managed"]),
  /** now − when the newest snapshot present in full in the DR vault was taken; null without one. */
  achievableRpoSeconds: z.number().min(0).nullable(),
  targetRpoSeconds: z.number().min(0),
  newestReplicatedSnapshot: snapshotRef.nullable(),
  newestSnapshot: snapshotRef.nullable(),
  /** Bytes and objects of the repository that are in the primary vault and not (yet) in the DR vault. */
  lagBytes: z.number().int().min(0),
  lagObjects: z.number().int().min(0),
  status: z.enum(replicationStatuses),
});
export type ReplicationCheck = z.infer<typeof replicationCheckSchema>;
