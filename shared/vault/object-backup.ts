import { z } from "zod";
import { BackupSourceError } from "./backup.ts";
import { objectNames } from "./object-names.ts";
import type { Repository } from "./repository.ts";
import {
  type BackupType,
  backupTypes,
  loadSnapshot,
  newSnapshotId,
  readSnapshots,
  type Snapshot,
  saveSnapshot,
  snapshotName,
} from "./snapshot.ts";
import { merkleRoot, readTreeBlobs, type TreeEntry, TreeWriter } from "./tree.ts";

/**
 * Server-side backups of object-like sources (an S3 prefix, a DynamoDB table's items) into a
 * repository, in slices that each fit a Lambda's 15 minutes (D-43). Every object becomes a file of
 * the snapshot at `<source name>/<its key>`; a slice ends at a checkpoint (every pack, tree blob and
 * index written and durable) from which the next slice goes on, and the manifest is written only
 * by the last one, so an interrupted job leaves no snapshot, only packs a later run reuses.
 */

/** One object of a source as listed, and how to read it. */
export interface SourceObject {
  /** Its key relative to the source's root (an S3 key without the prefix). */
  key: string;
  size: number;
  mtime: Date;
  /**
   * What tells unchanged content apart when size and mtime are the same (an S3 ETag). Without one
   * the object is always read (its chunks still deduplicate).
   */
  identity?: string;
  /**
   * Its bytes and what the read saw (an object replaced since it was listed has other metadata);
   * undefined when it vanished since it was listed.
   */
  read(): Promise<
    | {
        stream: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
        size?: number;
        mtime?: Date;
        identity?: string;
      }
    | undefined
  >;
}

export interface ObjectSource {
  /** The snapshot's top-level entry for it: one path component. */
  name: string;
  /** How the manifest names it (`s3://bucket/prefix`, `dynamodb:<table ARN>`); a parent has the same. */
  label: string;
  /**
   * True when objects come in ascending UTF-8 byte order of key (an S3 listing): then the parent
   * snapshot's entries are matched in one pass, and unchanged objects are not read again.
   */
  ordered: boolean;
  /**
   * The objects after `cursor` (none: from the start), each with the cursor to go on after it, asked
   * for once the object is done (a part of a table's scan knows where it ends only once it is read).
   */
  objects(cursor: string | undefined): AsyncIterable<{ object: SourceObject; cursor(): string }>;
}

const count = z.number().int().min(0);

export const objectBackupStatsSchema = z.object({
  files: count,
  dirs: count,
  bytes: count,
  readBytes: count,
  newBlobs: count,
  newBytes: count,
  vanished: count,
  /** Files not read again: unchanged since the parent snapshot. */
  unchanged: count,
});
export type ObjectBackupStats = z.infer<typeof objectBackupStatsSchema>;

/** Where a job stands between slices: enough to go on from the last object done. */
export const objectBackupCheckpointSchema = z.object({
  startedAt: z.iso.datetime(),
  type: z.enum(backupTypes),
  /** The parent snapshot's manifest name, when there is one. */
  parent: z.string().max(200).optional(),
  /** The source being backed up (an index into the job's sources), and the last object done. */
  source: count,
  cursor: z.string().max(8192).optional(),
  /** Directories entered for the last object's path, outermost first. */
  dirs: z.array(z.string()).max(600),
  /** Keys of files placed that are string prefixes of the last key: a directory may not take their names. */
  prefixFiles: z.array(z.string()).max(600),
  /** Tree blobs written so far, in order. */
  tree: z.array(z.string()).max(20_000),
  stats: objectBackupStatsSchema,
});
export type ObjectBackupCheckpoint = z.infer<typeof objectBackupCheckpointSchema>;

export type ObjectBackupResult =
  | { done: false; checkpoint: ObjectBackupCheckpoint }
  | { done: true; snapshot: Snapshot; manifest: string; stats: ObjectBackupStats };

export interface ObjectBackupOptions {
  type: BackupType;
  now?: () => Date;
  /** Asked before each object: true ends the slice at a checkpoint (the Lambda's time is running out). */
  shouldPause?: () => boolean;
  onProgress?: (stats: ObjectBackupStats) => void;
  hostname?: string;
}

/**
 * A key's path in the snapshot, one component per `/`-separated part. It is reversible (keyOfPath)
 * and never makes an empty, `.` or `..` component: `%` is written `%25`, an empty part (a folder
 * marker `a/`, or `a//b`) `%`, and `.` and `..` `%2E` and `%2E%2E`.
 */
export function pathOfKey(key: string): string[] {
  return key.split("/").map((part) => {
    const escaped = part.replaceAll("%", "%25").replaceAll("\0", "%00");
    if (escaped === "") return "%";
    if (escaped === ".") return "%2E";
    if (escaped === "..") return "%2E%2E";
    return escaped;
  });
}

/** The key a snapshot path (relative to its source) was made from by pathOfKey. */
export function keyOfPath(components: string[]): string {
  return components
    .map((part) =>
      part === "%"
        ? ""
        : part.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    )
    .join("/");
}

const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

/** The parent snapshot's files of one ordered source, matched against the keys in one pass. */
class ParentObjects {
  private readonly blobs: AsyncIterator<TreeEntry[]>;
  private entries: TreeEntry[] | null = [];
  private at = 0;
  private readonly prefix: string;

  constructor(blobs: AsyncIterable<TreeEntry[]>, sourceName: string) {
    this.blobs = blobs[Symbol.asyncIterator]();
    this.prefix = `${sourceName}/`;
  }

  static none(): ParentObjects {
    return new ParentObjects((async function* () {})(), "");
  }

  /** The parent's file of `key`, if it had one; ask for keys in ascending order. */
  async file(key: string): Promise<TreeEntry | undefined> {
    for (;;) {
      if (!this.entries) return undefined;
      if (this.at === this.entries.length) {
        const { done, value } = await this.blobs.next();
        this.entries = done ? null : value;
        this.at = 0;
        continue;
      }
      const entry = this.entries[this.at] as TreeEntry;
      if (entry.type !== "file" || !entry.path.startsWith(this.prefix)) {
        this.at += 1;
        continue;
      }
      const order = utf8Order(keyOfPath(entry.path.slice(this.prefix.length).split("/")), key);
      if (order > 0) return undefined;
      this.at += 1;
      if (order === 0) return entry;
    }
  }
}

const nanoseconds = (at: Date) => (BigInt(at.getTime()) * 1_000_000n).toString();
const maxComponentBytes = 255;
const emptyStats = (): ObjectBackupStats => ({
  files: 0,
  dirs: 0,
  bytes: 0,
  readBytes: 0,
  newBlobs: 0,
  newBytes: 0,
  vanished: 0,
  unchanged: 0,
});

/** The checkpoint a job starts from: its parent chosen as `backup` chooses it (same sources). */
export async function startObjectBackup(
  repository: Repository,
  sources: Pick<ObjectSource, "label">[],
  options: { type: BackupType; now?: () => Date; onWarning?: (message: string) => void },
): Promise<ObjectBackupCheckpoint> {
  const now = options.now ?? (() => new Date());
  const labels = JSON.stringify(sources.map((source) => source.label));
  let parent: string | undefined;
  if (options.type !== "full") {
    for (const record of await readSnapshots(repository)) {
      if (!record.snapshot) {
        options.onWarning?.(`${record.name} is damaged (${record.damage}); it is not considered as a parent`);
        continue;
      }
      if (JSON.stringify(record.snapshot.sources) !== labels) continue;
      if (options.type === "differential" && record.snapshot.type !== "full") continue;
      parent = record.name;
    }
  }
  return {
    startedAt: now().toISOString(),
    type: options.type,
    ...(parent ? { parent } : {}),
    source: 0,
    dirs: [],
    prefixFiles: [],
    tree: [],
    stats: emptyStats(),
  };
}

/**
 * One slice of a server-side backup, from `checkpoint` on: objects are read, chunked and sealed on
 * this thread (a Lambda has one or two cores), one at a time, so memory stays bounded by a pack or
 * two whatever the source's size. Ends at a checkpoint when `shouldPause` says so, else with the
 * snapshot's manifest written.
 */
export async function continueObjectBackup(
  repository: Repository,
  sources: ObjectSource[],
  checkpoint: ObjectBackupCheckpoint,
  options: ObjectBackupOptions,
): Promise<ObjectBackupResult> {
  const now = options.now ?? (() => new Date());
  const names = sources.map((source) => source.name);
  for (const name of names) {
    if (name === "" || name === "." || name === ".." || /[/\0]/.test(name) || Buffer.byteLength(name) > 255) {
      throw new BackupSourceError(`"${name}" cannot name a source in a snapshot`);
    }
  }
  if (new Set(names).size !== names.length) {
    throw new BackupSourceError("Two sources would be stored under the same name; back them up separately");
  }
  const parent = checkpoint.parent ? await loadSnapshot(repository, checkpoint.parent) : undefined;
  const stats = { ...checkpoint.stats };
  const tree = new TreeWriter(repository);
  tree.blobs.push(...checkpoint.tree);
  const needed = new Set<string>();
  const dirMtime = nanoseconds(new Date(checkpoint.startedAt));
  let dirs = [...checkpoint.dirs];
  let prefixFiles = [...checkpoint.prefixFiles];

  const place = async (entry: TreeEntry) => {
    for (const id of entry.chunks ?? []) needed.add(id);
    if (entry.type === "dir") stats.dirs += 1;
    else {
      stats.files += 1;
      stats.bytes += entry.size;
    }
    await tree.add(entry);
  };

  const checkpointHere = async (source: number, cursor: string | undefined) => {
    const blobs = await tree.finish();
    await repository.flush();
    await repository.extendRetention(needed);
    return {
      ...checkpoint,
      source,
      ...(cursor === undefined ? { cursor: undefined } : { cursor }),
      dirs,
      prefixFiles,
      tree: [...blobs],
      stats,
    } satisfies ObjectBackupCheckpoint;
  };

  for (let index = checkpoint.source; index < sources.length; index++) {
    const source = sources[index] as ObjectSource;
    const resuming = index === checkpoint.source && checkpoint.cursor !== undefined;
    let cursor = resuming ? checkpoint.cursor : undefined;
    if (!resuming) {
      dirs = [];
      prefixFiles = [];
      await place({ path: source.name, type: "dir", mode: 0o755, mtimeNs: dirMtime, size: 0 });
      dirs.push(source.name);
    }
    const previous =
      parent && source.ordered
        ? new ParentObjects(readTreeBlobs(repository, parent.tree), source.name)
        : ParentObjects.none();
    for await (const { object, cursor: after } of source.objects(cursor)) {
      if (options.shouldPause?.()) {
        const paused = await checkpointHere(index, cursor);
        return { done: false, checkpoint: paused };
      }
      const components = [source.name, ...pathOfKey(object.key)];
      const tooLong = components.find((part) => Buffer.byteLength(part) > maxComponentBytes);
      if (tooLong) {
        throw new BackupSourceError(
          `The key "${object.key}" of ${source.label} has a part longer than ${maxComponentBytes} bytes, which no file system can restore as a name`,
        );
      }
      const path = components.join("/");
      // Directories of this path not entered yet: leave those it is not in, enter the new ones.
      let common = 0;
      while (common < dirs.length && common < components.length - 1 && dirs[common] === components[common]) {
        common += 1;
      }
      dirs = dirs.slice(0, common);
      // In key order an object comes before the keys it is a prefix of: kept until a key is not.
      prefixFiles = prefixFiles.filter((file) => object.key.startsWith(file));
      const parts = object.key.split("/");
      for (let depth = common; depth < components.length - 1; depth++) {
        const dir = components.slice(0, depth + 1).join("/");
        const dirKey = parts.slice(0, depth).join("/");
        if (prefixFiles.includes(dirKey)) {
          throw new BackupSourceError(
            `${source.label} has both an object "${dirKey}" and objects under "${dirKey}/"; a file system cannot restore both (rename one, or back up the prefixes separately)`,
          );
        }
        await place({ path: dir, type: "dir", mode: 0o755, mtimeNs: dirMtime, size: 0 });
        dirs.push(components[depth] as string);
      }
      const known = source.ordered ? await previous.file(object.key) : undefined;
      const listedMtime = nanoseconds(object.mtime);
      const unchanged =
        known &&
        object.identity !== undefined &&
        known.size === object.size &&
        known.mtimeNs === listedMtime &&
        known.inode === object.identity &&
        (known.chunks ?? []).every((id) => repository.has(id));
      if (unchanged) {
        stats.unchanged += 1;
        await place({ ...known, path });
      } else {
        const read = await object.read();
        if (!read) {
          stats.vanished += 1;
          cursor = after();
          continue;
        }
        const chunks: string[] = [];
        let size = 0;
        for await (const chunk of repository.chunker.chunks(read.stream)) {
          const { id, added } = await repository.addBlob("data", chunk);
          chunks.push(id);
          size += chunk.length;
          stats.readBytes += chunk.length;
          if (added) {
            stats.newBlobs += 1;
            stats.newBytes += chunk.length;
          }
        }
        const identity = read.identity ?? object.identity;
        await place({
          path,
          type: "file",
          mode: 0o644,
          mtimeNs: nanoseconds(read.mtime ?? object.mtime),
          size,
          ...(identity !== undefined ? { inode: identity } : {}),
          chunks,
        });
      }
      prefixFiles.push(object.key);
      cursor = after();
      options.onProgress?.(stats);
    }
    // The next source starts afresh: its checkpoint has no cursor of this one.
    checkpoint = { ...checkpoint, cursor: undefined };
  }

  const treeBlobs = await tree.finish();
  await repository.flush();
  await repository.extendRetention([...needed, ...treeBlobs]);
  const { unchanged: _unchanged, ...snapshotStats } = stats;
  const snapshot: Snapshot = {
    version: 1,
    id: newSnapshotId(),
    time: now().toISOString(),
    startedAt: checkpoint.startedAt,
    type: parent ? checkpoint.type : "full",
    ...(parent ? { parent: parent.id } : {}),
    hostname: options.hostname ?? "govdr-server-backup",
    sources: sources.map((source) => source.label),
    suite: repository.dataSuite.name,
    tree: [...treeBlobs],
    merkleRoot: merkleRoot(treeBlobs),
    stats: snapshotStats,
  };
  await saveSnapshot(repository, snapshot);
  return { done: true, snapshot, manifest: objectNames.snapshot(snapshotName(snapshot)), stats };
}
