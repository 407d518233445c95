import { z } from "zod";
import { objectBackupCheckpointSchema } from "../vault/object-backup.ts";
import { backupTypes } from "../vault/snapshot.ts";
import { serverSourceSchema } from "./server-sources.ts";

export const backupJobIdSchema = z
  .string()
  .regex(/^b-[0-9a-z]{12}$/, "a backup job id such as b-4k2m9x0q7w1z");

const count = z.number().int().min(0);

/** What a running job has done so far, as `GET …/backups/{jobId}` shows it (updated every few seconds). */
export const backupProgressSchema = z.object({
  /** Files (objects, table parts) in the snapshot so far, and their bytes. */
  files: count,
  bytes: count,
  /** Bytes read from the sources; unchanged objects are not read again. */
  readBytes: count,
  /** Bytes new to the vault after deduplication. */
  newBytes: count,
  unchangedFiles: count,
  vanishedFiles: count,
  /** Sources finished, of `sources.length`. */
  sourcesDone: count,
  /** Slices run (each within one Lambda invocation, D-43). */
  slices: count,
  updatedAt: z.iso.datetime(),
});
export type BackupProgress = z.infer<typeof backupProgressSchema>;

export const backupJobStatuses = ["running", "completed", "failed"] as const;

export const backupJobSchema = z.object({
  tenantId: z.string().min(1),
  systemId: z.string().min(1),
  jobId: backupJobIdSchema,
  /** `failback`: a failback's resync (D-51) backing up the DR site's data, or the primary's before it. */
  trigger: z.enum(["on-demand", "schedule", "failback"]),
  /** Who asked for it: a user's id, or the schedule. */
  requestedBy: z.string().min(1).max(200),
  status: z.enum(backupJobStatuses),
  policyVersion: z.number().int().min(1),
  type: z.enum(backupTypes),
  /** The policy's server-side sources at the start: what the job backs up, whatever the policy says later. */
  sources: z.array(serverSourceSchema).min(1).max(50),
  /** Where the snapshot goes: the unit's repository in the primary vault (s3://bucket/tenants/<id>/). */
  repository: z.string().min(1).max(2048),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().optional(),
  progress: backupProgressSchema,
  /** Where the next slice goes on from (internal; not shown by the API). */
  checkpoint: objectBackupCheckpointSchema.optional(),
  /** Set once the manifest is written: registered in the catalogue under this id. */
  snapshotId: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .optional(),
  manifest: z.string().max(300).optional(),
  warnings: z.array(z.string().max(1000)).max(20).default([]),
  error: z.object({ code: z.string().max(64), message: z.string().max(2000) }).optional(),
  executionArn: z.string().max(2048).optional(),
  version: z.number().int().min(1),
});
export type BackupJob = z.infer<typeof backupJobSchema>;

/** A job as the API shows it: without its internal checkpoint. */
export function describeBackupJob(job: BackupJob) {
  const { checkpoint: _checkpoint, ...shown } = job;
  return shown;
}

export const emptyProgress = (at: Date): BackupProgress => ({
  files: 0,
  bytes: 0,
  readBytes: 0,
  newBytes: 0,
  unchangedFiles: 0,
  vanishedFiles: 0,
  sourcesDone: 0,
  slices: 0,
  updatedAt: at.toISOString(),
});
