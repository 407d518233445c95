import { createHash } from "node:crypto";
import path from "node:path";
import { emptyProgress } from "../../shared/backups/backup-job.ts";
import { type BackupStepDeps, runBackupSlice } from "../../shared/backups/backup-steps.ts";
import { serverSourceLabel, serverSourceName } from "../../shared/backups/server-sources.ts";
import { latestSnapshotAt } from "../../shared/drills/drill-service.ts";
import type { RecoveryData } from "../../shared/failover/switchover-context.ts";
import { SnapshotService } from "../../shared/snapshots/snapshot-service.ts";
import { newId } from "../../shared/stores/ids.ts";
import { LocalBackend } from "../../shared/vault/backends/local.ts";
import { localKeyWrapper } from "../../shared/vault/key-wrapper.ts";
import type { ObjectSource } from "../../shared/vault/object-backup.ts";
import { Repository } from "../../shared/vault/repository.ts";
import { loadSnapshot, snapshotNames } from "../../shared/vault/snapshot.ts";
import { MemorySandbox } from "./drills.ts";
import type { MemoryAuditLog } from "./memory-audit.ts";
import type { MemoryStores } from "./memory-stores.ts";

const wrapper = localKeyWrapper("switchover-data-test-key-0123456789");

/** S3 buckets in memory, by name: what a unit's data locations hold. */
export class MemoryBuckets {
  readonly buckets = new Map<string, MemorySandbox>();

  bucket(name: string): MemorySandbox {
    let bucket = this.buckets.get(name);
    if (!bucket) {
      bucket = new MemorySandbox();
      this.buckets.set(name, bucket);
    }
    return bucket;
  }

  /** The objects under `prefix` of `bucket`, as text, by key without the prefix. */
  read(bucket: string, prefix: string): Record<string, string> {
    return Object.fromEntries(
      [...this.bucket(bucket).objects]
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, bytes]) => [key.slice(prefix.length), bytes.toString("utf8")]),
    );
  }

  write(bucket: string, prefix: string, files: Record<string, string>) {
    for (const [key, text] of Object.entries(files)) {
      this.bucket(bucket).objects.set(`${prefix}${key}`, Buffer.from(text));
    }
  }
}

/** An S3 prefix of a memory bucket as a backup source: its keys in byte order, as a listing gives them. */
function bucketSource(
  buckets: MemoryBuckets,
  source: { bucket: string; prefix: string; roleArn: string },
  now: () => Date,
): ObjectSource {
  const s3 = { type: "s3-prefix" as const, ...source };
  return {
    name: serverSourceName(s3),
    label: serverSourceLabel(s3),
    ordered: true,
    async *objects(cursor) {
      const objects = buckets.bucket(source.bucket).objects;
      const keys = [...objects.keys()]
        .filter((key) => key.startsWith(source.prefix))
        .map((key) => key.slice(source.prefix.length))
        .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      for (const key of keys) {
        if (cursor !== undefined && key <= cursor) continue;
        const bytes = objects.get(`${source.prefix}${key}`) as Buffer;
        const object = {
          key,
          size: bytes.length,
          mtime: now(),
          identity: `etag:${createHash("md5").update(bytes).digest("hex")}`,
          read: async () => ({ stream: [bytes] }),
        };
        yield { object, cursor: () => key };
      }
    },
  };
}

/**
 * What recovery by restore works with (D-51), in memory: the units' buckets, one local repository
 * that plays both vaults (replication is instant here), server-side backups into it, the catalogue.
 */
export function memoryRecoveryData(options: {
  stores: MemoryStores;
  audit: MemoryAuditLog;
  work: string;
  now: () => Date;
}): { recoveryData: RecoveryData; buckets: MemoryBuckets } {
  const { stores, now } = options;
  const buckets = new MemoryBuckets();
  const backend = () => new LocalBackend(path.join(options.work, "vault"));
  const vault: BackupStepDeps["vault"] = {
    open: async (_tenant, { suite }) => {
      await Repository.init(backend(), wrapper, { suite }).catch(() => undefined);
      return Repository.open(backend(), wrapper);
    },
  };
  const backups: BackupStepDeps = {
    jobs: stores.backupJobs,
    systems: stores.systems,
    tenants: stores.tenants,
    snapshots: new SnapshotService({ catalog: stores.snapshots, systems: stores.systems, now }),
    vault,
    sources: {
      open: async (_tenantId, _jobId, sources) =>
        sources.map((source) => {
          if (source.type !== "s3-prefix") throw new Error("memory buckets hold S3 prefixes only");
          return bucketSource(buckets, source, now);
        }),
    },
    audit: options.audit,
    now,
    region: "cn-north-1",
    progressEveryMs: 0,
  };
  const recoveryData: RecoveryData = {
    locations: { at: (_tenantId, location) => buckets.bucket(location.bucket) },
    openLatestInDr: async (tenantId, systemId) => {
      const record = await latestSnapshotAt(stores.snapshots, tenantId, systemId);
      if (!record) return undefined;
      const repository = await Repository.open(backend(), wrapper);
      const name = (await snapshotNames(repository)).find((n) => n.endsWith(`-${record.snapshotId}`));
      if (!name) return undefined;
      return {
        repository,
        snapshot: await loadSnapshot(repository, name),
        point: { snapshotId: record.snapshotId, takenAt: record.startedAt ?? record.time },
      };
    },
    backups,
    repositoryOf: (tenantId) => `s3://govdr-vault/tenants/${tenantId}/`,
  };
  return { recoveryData, buckets };
}

/** A server-side backup of `source` run to its end now, as the schedule would: its snapshot id. */
export async function backUpNow(
  recoveryData: RecoveryData,
  system: { tenantId: string; systemId: string; policyVersion: number },
  source: { bucket: string; prefix: string; roleArn: string },
): Promise<string> {
  const { backups } = recoveryData;
  const now = backups.now();
  const jobId = newId("b");
  await backups.jobs.start(
    {
      tenantId: system.tenantId,
      systemId: system.systemId,
      jobId,
      trigger: "schedule",
      requestedBy: "schedule",
      status: "running",
      policyVersion: system.policyVersion,
      type: "incremental",
      sources: [{ type: "s3-prefix", ...source }],
      repository: recoveryData.repositoryOf(system.tenantId),
      startedAt: now.toISOString(),
      progress: emptyProgress(now),
      warnings: [],
      version: 1,
    },
    new Date(now.getTime() + 3_600_000),
  );
  const key = { tenantId: system.tenantId, systemId: system.systemId, jobId };
  while (!(await runBackupSlice(backups, key, new Date(backups.now().getTime() + 60_000))).done) {}
  const job = await backups.jobs.get(system.tenantId, system.systemId, jobId);
  if (job?.status !== "completed" || !job.snapshotId) throw new Error(`backup ${jobId}: ${job?.status}`);
  return job.snapshotId;
}
