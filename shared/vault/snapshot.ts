import { randomBytes } from "node:crypto";
import { z } from "zod";
import { errorClass } from "../errors.ts";
import { objectNames } from "./object-names.ts";
import type { Repository } from "./repository.ts";
import { BlobIntegrityError, suiteNames } from "./suites.ts";
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
export class ManifestIntegrityError extends errorClass("MANIFEST_DAMAGED") {}

export const newSnapshotId = () => randomBytes(8).toString("hex");

/** Sortable by time, so a listing is in time order without opening every manifest. */
export const snapshotName = (snapshot: Snapshot) => `${snapshot.time.replace(/[-:.]/g, "")}-${snapshot.id}`;

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

/**
 * A manifest as listed: its name's time and id, and the snapshot when it opens and checks, or why not
 * (it was tampered with or damaged). One damaged manifest must not keep the others from being used.
 */
export interface SnapshotRecord {
  name: string;
  /** From the name (`<time>-<id>`), which is all a damaged manifest still tells. */
  time: Date | undefined;
  id: string;
  snapshot?: Snapshot;
  damage?: string;
}

const nameParts = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-([0-9a-f]+)$/;

/** Every manifest in time order, each opened or marked damaged. */
export async function readSnapshots(repository: Repository): Promise<SnapshotRecord[]> {
  const records: SnapshotRecord[] = [];
  for (const name of await snapshotNames(repository)) {
    const parts = nameParts.exec(name);
    const [, y, mo, d, h, mi, sec, ms, id = ""] = parts ?? [];
    const time = parts ? new Date(`${y}-${mo}-${d}T${h}:${mi}:${sec}.${ms}Z`) : undefined;
    try {
      const snapshot = await loadSnapshot(repository, name);
      records.push({ name, time: new Date(snapshot.time), id: snapshot.id, snapshot });
    } catch (error) {
      if (!(error instanceof BlobIntegrityError || error instanceof ManifestIntegrityError)) throw error;
      records.push({ name, time, id, damage: error.message });
    }
  }
  return records;
}

/** Every snapshot; throws on the first damaged manifest (see readSnapshots to go on without it). */
export async function listSnapshots(repository: Repository): Promise<Snapshot[]> {
  return (await readSnapshots(repository)).map((record) => {
    if (record.snapshot) return record.snapshot;
    throw new ManifestIntegrityError(`${record.name} is damaged: ${record.damage}`);
  });
}

export class NoSuchSnapshotError extends errorClass("NO_SUCH_SNAPSHOT") {}

/**
 * `latest`, a snapshot id (or unique prefix), or the latest snapshot at or before `at`. Damaged
 * manifests count: when the one asked for is damaged this throws rather than give an older one.
 */
export async function findSnapshot(repository: Repository, which: string, at?: Date): Promise<Snapshot> {
  const records = await readSnapshots(repository);
  const candidates = at ? records.filter((r) => r.time !== undefined && r.time <= at) : records;
  const found =
    which === "latest" ? candidates.at(-1) : candidates.filter((r) => r.id.startsWith(which)).at(-1);
  if (!found) {
    throw new NoSuchSnapshotError(
      at
        ? `No snapshot ${which === "latest" ? "" : `${which} `}at or before ${at.toISOString()}`
        : `No snapshot ${which}`,
    );
  }
  if (!found.snapshot) {
    throw new ManifestIntegrityError(
      `${found.name}, the snapshot asked for, is damaged (${found.damage}); name an earlier one by its id`,
    );
  }
  return found.snapshot;
}
