import { randomBytes } from "node:crypto";
import { z } from "zod";
import { objectNames } from "./object-names.ts";
import type { Repository } from "./repository.ts";
import { suiteNames } from "./suites.ts";
import { merkleRoot } from "./tree.ts";

export const backupTypes = ["full", "incremental", "differential"] as const;
export type BackupType = (typeof backupTypes)[number];

export const snapshotSchema = z.object({
  version: z.literal(1),
  id: z.string().regex(/^[0-9a-f]{16}$/),
  /** When the backup finished: the snapshot holds the data as read between `startedAt` and this. */
  time: z.iso.datetime(),
  startedAt: z.iso.datetime().optional(),
  type: z.enum(backupTypes),
  /** The snapshot whose unchanged files were reused: the last one (incremental) or last full (differential). */
  parent: z.string().optional(),
  hostname: z.string(),
  sources: z.array(z.string()),
  suite: z.enum(suiteNames),
  tree: z.array(z.string()),
  merkleRoot: z.string(),
  stats: z.object({
    files: z.number(),
    dirs: z.number(),
    bytes: z.number(),
    /** Bytes read and chunked (unchanged files are not re-read). */
    readBytes: z.number(),
    /** Blobs this backup added, and their plain size: the rest deduplicated. */
    newBlobs: z.number(),
    newBytes: z.number(),
    /** Files listed but gone (or no longer regular files) when they were to be read: left out. */
    vanished: z.number().optional(),
  }),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

/** The manifest could not be trusted: its Merkle root does not match its tree. */
export class ManifestIntegrityError extends Error {
  override readonly name = "ManifestIntegrityError";
}

export const newSnapshotId = () => randomBytes(8).toString("hex");

/** Sortable by time, so a listing is in time order without opening every manifest. */
const snapshotName = (snapshot: Snapshot) => `${snapshot.time.replace(/[-:.]/g, "")}-${snapshot.id}`;

/** Writes the manifest, last: until it exists the backup is invisible (no partial snapshot). */
export async function saveSnapshot(repository: Repository, snapshot: Snapshot): Promise<void> {
  await repository.backend.put(
    objectNames.snapshot(snapshotName(snapshot)),
    repository.sealSnapshot(snapshot),
    {
      retainUntil: repository.retainUntil,
    },
  );
}

/** Manifest object names in time order. */
export async function snapshotNames(repository: Repository): Promise<string[]> {
  const names: string[] = [];
  for await (const name of repository.backend.list("snapshots/")) names.push(name);
  return names.sort();
}

/** One manifest, authenticated and checked against its Merkle root. */
export async function loadSnapshot(repository: Repository, name: string): Promise<Snapshot> {
  const snapshot = snapshotSchema.parse(repository.openSnapshot(await repository.backend.get(name)));
  if (merkleRoot(snapshot.tree) !== snapshot.merkleRoot) {
    throw new ManifestIntegrityError(`snapshot ${snapshot.id}: the Merkle root does not match its tree`);
  }
  return snapshot;
}

export async function listSnapshots(repository: Repository): Promise<Snapshot[]> {
  const snapshots: Snapshot[] = [];
  for (const name of await snapshotNames(repository)) snapshots.push(await loadSnapshot(repository, name));
  return snapshots;
}

export class NoSuchSnapshotError extends Error {
  override readonly name = "NoSuchSnapshotError";
}

/** `latest`, a snapshot id (or unique prefix), or the latest snapshot at or before `at`. */
export async function findSnapshot(repository: Repository, which: string, at?: Date): Promise<Snapshot> {
  const snapshots = await listSnapshots(repository);
  const candidates = at ? snapshots.filter((s) => new Date(s.time) <= at) : snapshots;
  const found =
    which === "latest" ? candidates.at(-1) : candidates.filter((s) => s.id.startsWith(which)).at(-1);
  if (!found) {
    throw new NoSuchSnapshotError(
      at
        ? `No snapshot ${which === "latest" ? "" : `${which} `}at or before ${at.toISOString()}`
        : `No snapshot ${which}`,
    );
  }
  return found;
}
