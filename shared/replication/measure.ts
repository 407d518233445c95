import type { SnapshotRecord } from "../snapshots/snapshot-record.ts";
import type { ReplicationCheck } from "./replication-check.ts";

/** An object of a repository as a listing shows it. */
export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
}

/** Both vaults' copies of one repository prefix. */
export interface VaultListings {
  /** The snapshot's repository prefix in the primary vault, or undefined when it is not there. */
  prefixOf(record: SnapshotRecord): string | undefined;
  primary(prefix: string): Promise<ListedObject[]>;
  dr(prefix: string): Promise<ListedObject[]>;
}

const takenAt = (record: SnapshotRecord) => record.startedAt ?? record.time;

/**
 * How current the DR copy of a system is (DESIGN.md §Replication). A snapshot counts as replicated
 * when its manifest is in the DR vault and so is every object the primary vault received before
 * that manifest: a backup writes its packs and indexes before its manifest, so that covers every
 * pack the snapshot can name. The test is conservative: an unrelated object still in flight makes
 * the RPO look longer, never shorter. The achievable RPO is now − when that snapshot was taken.
 */
export async function measureReplication(
  listings: VaultListings,
  snapshots: SnapshotRecord[],
  context: {
    tenantId: string;
    systemId: string;
    mode: ReplicationCheck["mode"];
    targetRpoSeconds: number;
    now: Date;
  },
): Promise<ReplicationCheck> {
  const base = {
    tenantId: context.tenantId,
    systemId: context.systemId,
    checkedAt: context.now.toISOString(),
    mode: context.mode,
    targetRpoSeconds: context.targetRpoSeconds,
  };
  const newest = snapshots[0];
  if (!newest) {
    return {
      ...base,
      achievableRpoSeconds: null,
      newestReplicatedSnapshot: null,
      newestSnapshot: null,
      lagBytes: 0,
      lagObjects: 0,
      status: "no-snapshot",
    };
  }
  const newestSnapshot = { snapshotId: newest.snapshotId, takenAt: takenAt(newest) };
  const prefix = listings.prefixOf(newest);
  if (!prefix) {
    return {
      ...base,
      achievableRpoSeconds: null,
      newestReplicatedSnapshot: null,
      newestSnapshot,
      lagBytes: 0,
      lagObjects: 0,
      status: "not-replicable",
    };
  }
  const [primary, dr] = await Promise.all([listings.primary(prefix), listings.dr(prefix)]);
  const copied = new Map(dr.map((object) => [object.key, object.size]));
  const missing = primary.filter((object) => copied.get(object.key) !== object.size);
  // A loop, not Math.min(...): a backlog of a few hundred thousand objects overflows the call stack.
  let firstMissing = Number.POSITIVE_INFINITY;
  for (const object of missing) firstMissing = Math.min(firstMissing, object.lastModified.getTime());
  const manifestOf = (record: SnapshotRecord) =>
    primary.find(
      (object) =>
        object.key.startsWith(`${prefix}snapshots/`) && object.key.endsWith(`-${record.snapshotId}`),
    );
  const replicated = snapshots.find((record) => {
    if (listings.prefixOf(record) !== prefix) return false;
    const manifest = manifestOf(record);
    return (
      manifest !== undefined && copied.has(manifest.key) && manifest.lastModified.getTime() < firstMissing
    );
  });
  // The agent reports when its backup started; the manifest's arrival in the vault, on the storage's
  // clock, bounds it, so an agent whose clock runs ahead cannot make the RPO look shorter.
  const arrived = replicated ? manifestOf(replicated)?.lastModified.getTime() : undefined;
  const replicatedAt = replicated
    ? Math.min(Date.parse(takenAt(replicated)), arrived ?? Number.POSITIVE_INFINITY)
    : undefined;
  const achievableRpoSeconds =
    replicatedAt !== undefined ? Math.max(0, (context.now.getTime() - replicatedAt) / 1000) : null;
  return {
    ...base,
    achievableRpoSeconds,
    newestReplicatedSnapshot:
      replicated && replicatedAt !== undefined
        ? { snapshotId: replicated.snapshotId, takenAt: new Date(replicatedAt).toISOString() }
        : null,
    newestSnapshot,
    lagBytes: missing.reduce((sum, object) => sum + object.size, 0),
    lagObjects: missing.length,
    status:
      achievableRpoSeconds !== null && achievableRpoSeconds <= context.targetRpoSeconds ? "ok" : "breach",
  };
}
