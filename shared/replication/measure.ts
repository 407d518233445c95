import type { SnapshotRecord } from "../snapshots/snapshot-record.ts";
import type { ReplicationCheck } from "./replication-check.ts";

/** An object of a repository as a listing shows it. */
export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
}

/** Both vaults' copies of one repository prefix, each listed in S3's order (by key, UTF-8 bytes). */
export interface VaultListings {
  /** The snapshot's repository prefix in the primary vault, or undefined when it is not there. */
  prefixOf(record: SnapshotRecord): string | undefined;
  primary(prefix: string): AsyncIterable<ListedObject>;
  dr(prefix: string): AsyncIterable<ListedObject>;
}

const byKey = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * The primary listing walked beside the DR one, each primary object with its DR copy's size (or
 * undefined): both come sorted by key, so memory stays one page of each whatever the repository.
 */
async function* besideDrCopies(
  primary: AsyncIterable<ListedObject>,
  dr: AsyncIterable<ListedObject>,
): AsyncGenerator<{ object: ListedObject; drSize: number | undefined }> {
  const copies = dr[Symbol.asyncIterator]();
  let copy = await copies.next();
  for await (const object of primary) {
    while (!copy.done && byKey(copy.value.key, object.key) < 0) copy = await copies.next();
    const same = !copy.done && copy.value.key === object.key;
    yield { object, drSize: same && !copy.done ? copy.value.size : undefined };
  }
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
  // Only the manifests of the snapshots in question are kept; every other object is counted and left.
  const wanted = new Map(
    snapshots.filter((record) => listings.prefixOf(record) === prefix).map((r) => [r.snapshotId, r]),
  );
  const manifests = new Map<string, { lastModified: Date; copied: boolean }>();
  let lagBytes = 0;
  let lagObjects = 0;
  let firstMissing = Number.POSITIVE_INFINITY;
  for await (const { object, drSize } of besideDrCopies(listings.primary(prefix), listings.dr(prefix))) {
    if (drSize !== object.size) {
      lagBytes += object.size;
      lagObjects += 1;
      firstMissing = Math.min(firstMissing, object.lastModified.getTime());
    }
    if (object.key.startsWith(`${prefix}snapshots/`)) {
      const snapshotId = object.key.slice(object.key.lastIndexOf("-") + 1);
      if (wanted.has(snapshotId)) {
        manifests.set(snapshotId, { lastModified: object.lastModified, copied: drSize !== undefined });
      }
    }
  }
  const manifestOf = (record: SnapshotRecord) => manifests.get(record.snapshotId);
  const replicated = snapshots.find((record) => {
    if (listings.prefixOf(record) !== prefix) return false;
    const manifest = manifestOf(record);
    return manifest?.copied === true && manifest.lastModified.getTime() < firstMissing;
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
    lagBytes,
    lagObjects,
    status:
      achievableRpoSeconds !== null && achievableRpoSeconds <= context.targetRpoSeconds ? "ok" : "breach",
  };
}
