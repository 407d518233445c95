import { serverSourceLabel, serverSourceName } from "../backups/server-sources.ts";
import { restoreToSandbox, type Sandbox, verifySandbox } from "../drills/sandbox.ts";
import { RecoveryFailedError } from "../routing/errors.ts";
import type { Site } from "../routing/route.ts";
import { keyOfPath } from "../vault/object-backup.ts";
import type { Repository } from "../vault/repository.ts";
import type { Snapshot } from "../vault/snapshot.ts";
import type { DataLocation } from "./restore-recovery.ts";

/** The unit's S3 prefixes a site serves its data from, written through the unit's own role. */
export interface DataLocations {
  /** The location as a place to restore into (the primary region's or the DR region's S3). */
  at(tenantId: string, location: DataLocation, site: Site): Sandbox;
}

export interface DataRestore {
  files: number;
  bytes: number;
  /** Objects the location held before, removed so it holds the point and nothing else. */
  removed: number;
}

export const dataLocationUrl = (location: Pick<DataLocation, "bucket" | "prefix">) =>
  `s3://${location.bucket}/${location.prefix}`;
const where = dataLocationUrl;

/**
 * Restores what `snapshot` holds of `source` (the S3 prefix it backed up) into `target`, so that
 * the target holds that point and nothing else: emptied first (a site being restored into serves
 * nothing), then every file streamed in and authenticated, then checked against the manifest. A
 * snapshot that did not back `source` up is refused before anything is removed; a damaged or
 * missing file fails the recovery, naming it.
 */
export async function restoreDataLocation(
  repository: Repository,
  snapshot: Snapshot,
  source: DataLocation,
  target: { location: DataLocation; objects: Sandbox },
): Promise<DataRestore> {
  const label = serverSourceLabel(source);
  if (!snapshot.sources.includes(label)) {
    throw new RecoveryFailedError(
      `Snapshot ${snapshot.id} holds no backup of ${label} (it holds ${snapshot.sources.join(", ") || "nothing"}); ${where(target.location)} was left as it was`,
    );
  }
  const within = `${serverSourceName(source)}/`;
  const prefix = target.location.prefix;
  // A snapshot path is the object's key escaped component by component (pathOfKey): undone here.
  const keyOf = (relative: string) => keyOfPath(relative.split("/"));
  const removed = await target.objects.removeAll(prefix);
  const restored = await restoreToSandbox(repository, snapshot, target.objects, prefix, { within, keyOf });
  const verified = await verifySandbox(
    repository,
    snapshot,
    target.objects,
    prefix,
    restored.damaged,
    within,
    keyOf,
  );
  const damaged = Math.max(restored.damagedCount, verified.damagedCount);
  if (damaged > 0) {
    const named = verified.damaged
      .slice(0, 5)
      .map((d) => `${keyOf(d.path.slice(within.length))} (${d.reason})`)
      .join("; ");
    throw new RecoveryFailedError(
      `${damaged} of ${verified.expectedFiles} files of snapshot ${snapshot.id} could not be restored into ${where(target.location)}: ${named}`,
    );
  }
  return { files: verified.verifiedFiles, bytes: verified.verifiedBytes, removed };
}

export const describeRestore = (restore: DataRestore, snapshotId: string, location: DataLocation) =>
  `snapshot ${snapshotId} restored into ${where(location)}: ${restore.files} files, ${restore.bytes} bytes verified${restore.removed > 0 ? `, ${restore.removed} earlier objects removed` : ""}`;
