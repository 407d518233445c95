import {
  closeSync,
  existsSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  type Stats,
  statSync,
  symlinkSync,
} from "node:fs";
import { chmod, chown, lchown, lutimes, utimes } from "node:fs/promises";
import path from "node:path";
import type { Writable } from "node:stream";
import { errorClass } from "../errors.ts";
import { givesSignedUrls } from "./backend.ts";
import { LocalBackend } from "./backends/local.ts";
import { ByteBudget } from "./byte-budget.ts";
import { setFileMetadata } from "./file-metadata.ts";
import { HardLinks } from "./hard-links.ts";
import { xattrAddonLocation } from "./native/xattr-addon.ts";
import { PackCache } from "./pack-cache.ts";
import { PackRangeReader, transferList } from "./pack-range-reader.ts";
import { planRanges, rangeBytes } from "./pack-ranges.ts";
import { PackUrlSigner } from "./pack-url-signer.ts";
import type { Repository } from "./repository.ts";
import type { Snapshot } from "./snapshot.ts";
import { mtimeSeconds, readTree, type TreeEntry } from "./tree.ts";
import { giveOwner } from "./workers/owner.ts";
import { WorkerPool } from "./workers/pool.ts";
import type { ChunkToFetch, FileToWrite, PackBytes } from "./workers/protocol.ts";
import type { SignedRanges } from "./workers/signed-range-reader.ts";
import { giveXattrs, type XattrsRefused } from "./xattrs.ts";

export class RestoreTargetError extends errorClass("RESTORE_TARGET_REFUSED") {}

export interface RestoreProgress {
  files: number;
  bytes: number;
  currentPath?: string;
  /**
   * Files that could not be restored because the repository's data for them is missing or damaged
   * (snapshot paths, with why); the restore goes on with the others and leaves none of these behind.
   */
  damaged: { path: string; reason: string }[];
  /**
   * Entries restored without some of their extended attributes or ACLs: the target's file system
   * (or this agent) refused them (D-55). Everything else of these entries is restored.
   */
  xattrsRefused: ({ path: string } & XattrsRefused)[];
}

export interface RestoreOptions {
  /** Only this path of the snapshot and what is below it. */
  subPath?: string;
  /** Replace files that exist in the target; otherwise the restore refuses before writing anything. */
  overwrite?: boolean;
  /** Worker threads fetching, opening and writing files (default: one per core; local repositories). */
  workers?: number;
  /** Workers started beforehand, used instead of starting `workers`; the restore configures and closes them. */
  pool?: WorkerPool;
  /**
   * Files larger than this are written in segments of about this size by several workers (64 MiB;
   * 8 MiB from a remote repository).
   */
  segmentBytes?: number;
  /** Remote repositories: bytes of pack ranges being read, queued or written at once (64 MiB). */
  bytesInFlight?: number;
  /**
   * Give each entry the owner and group it was backed up with (default: when running as root, who
   * alone may; anyone else owns what they write).
   */
  owners?: boolean;
  /** Give entries their recorded extended attributes and ACLs (default); false leaves them out. */
  xattrs?: boolean;
  onProgress?: (progress: RestoreProgress) => void;
}

const within = (entry: TreeEntry, subPath?: string) =>
  !subPath || entry.path === subPath || entry.path.startsWith(`${subPath.replace(/\/+$/, "")}/`);

interface Owner {
  uid: number;
  gid: number;
}

/**
 * Whether a restore gives entries their recorded owners (`requested`, or by default when running as
 * root: only root may give files away), and which owner to give an entry, if any (D-29). A file or
 * symlink the restore creates is the restorer's already, unless its directory is set-group-ID (it
 * then takes the directory's group): for those chown is left out (5% of a small-file restore by
 * root). A directory may have been there before, so it is always given its owner. The restorer's
 * ids are read once: each process.geteuid() is a call into Node's C++ side, and one per entry cost a
 * small-file restore 13%.
 */
function ownerPolicy(requested: boolean | undefined) {
  const uid = process.geteuid?.();
  const gid = process.getegid?.();
  const enabled = requested ?? uid === 0;
  const ownerToGive = (entry: TreeEntry, created?: { parentSetgid: boolean }): Owner | undefined => {
    if (!enabled || entry.uid === undefined || entry.gid === undefined) return undefined;
    const restorers = created && !created.parentSetgid && entry.uid === uid && entry.gid === gid;
    return restorers ? undefined : { uid: entry.uid, gid: entry.gid };
  };
  return { enabled, ownerToGive };
}

/** S_ISGID: on a directory, what is created in it takes its group. */
const setGroupId = 0o2000;
const isSetgid = (directory: string) => (statSync(directory).mode & setGroupId) !== 0;

const batchBytes = 8 << 20;
const batchFiles = 512;
const defaultSegmentBytes = 64 << 20;
/**
 * From a remote repository a job carries its sealed bytes, so large files go in smaller segments
 * (jobs of a few ranges each, spread over the workers while the next ones download), and at most
 * `remoteBytesInFlight` of ranges are being read, queued or written at once.
 */
const remoteSegmentBytes = 8 << 20;
const remoteBytesInFlight = 64 << 20;

/**
 * Restores a snapshot (or a sub-path of it) into `target`: files byte for byte, empty directories,
 * symlinks, hard links, holes of sparse files, modes, modification times and (as root) owners.
 * Every chunk is authenticated and checked against its id on the way; a file whose data is damaged
 * or missing is left out and reported in `damaged`, naming the chunk or pack. Files are written by
 * worker threads reading the packs directly from a local repository's directory; from a remote one
 * each job's worker reads the ranges of packs it needs into memory itself, by signed URLs (D-59).
 */
export async function restoreToDirectory(
  repository: Repository,
  snapshot: Snapshot,
  target: string,
  options: RestoreOptions = {},
): Promise<RestoreProgress> {
  const root = path.resolve(target);
  checkTarget(root);
  const destination = (entry: TreeEntry) => {
    const file = path.resolve(root, ...entry.path.split("/"));
    if (!file.startsWith(`${root}${path.sep}`))
      throw new RestoreTargetError(`${entry.path} would land outside the target`);
    return file;
  };
  const { backend } = repository;
  const budget = () => new ByteBudget(options.bytesInFlight ?? remoteBytesInFlight);
  const packs: PackSource =
    backend instanceof LocalBackend
      ? { packRoot: backend.root }
      : givesSignedUrls(backend)
        ? { signer: new PackUrlSigner(backend), budget: budget() }
        : { reader: new PackRangeReader(backend), budget: budget() };
  // The worker threads start up while the tree is read.
  const writer = new WorkerFileWriter(repository, packs, options);
  const { enabled: owners, ownerToGive } = ownerPolicy(options.owners);
  const progress: RestoreProgress = { files: 0, bytes: 0, damaged: [], xattrsRefused: [] };
  const xattrsOf = (entry: TreeEntry) => (options.xattrs === false ? undefined : entry.xattrs);
  const xattrsRefused = (snapshotPath: string, refused: XattrsRefused | undefined) => {
    if (refused) progress.xattrsRefused.push({ path: snapshotPath, ...refused });
  };
  writer.xattrsRefused = (file, refused) =>
    xattrsRefused(path.relative(root, file).split(path.sep).join("/"), refused);
  const restored = (snapshotPath: string, bytes: number) => {
    progress.files += 1;
    progress.bytes += bytes;
    progress.currentPath = snapshotPath;
    options.onProgress?.(progress);
  };
  const hardLinks = new HardLinks();
  const directories: TreeEntry[] = [];
  // One mkdir per directory, not per file (a recursive mkdir of an existing one costs two calls),
  // and whether it is set-group-ID (see ownerToGive).
  const made = new Map<string, boolean>();
  const makeDirectory = (directory: string) => {
    mkdirSync(directory, { recursive: true });
    made.set(directory, owners && isSetgid(directory));
  };
  const makeParent = (file: string) => {
    const parent = path.dirname(file);
    if (!made.has(parent)) makeDirectory(parent);
    return { parentSetgid: made.get(parent) === true };
  };
  let matched = 0;
  try {
    await refuseConflicts(repository, snapshot, root, destination, options);
    for await (const entry of readTree(repository, snapshot.tree)) {
      if (!within(entry, options.subPath)) continue;
      matched += 1;
      const file = destination(entry);
      if (entry.type === "dir") {
        makeDirectory(file);
        directories.push(entry);
      } else if (entry.type === "symlink") {
        const created = makeParent(file);
        if (options.overwrite) rmSync(file, { force: true });
        symlinkSync(entry.target ?? "", file);
        const owner = ownerToGive(entry, created);
        if (owner) await giveOwner(file, owner.uid, owner.gid, () => lchown(file, owner.uid, owner.gid));
        xattrsRefused(entry.path, giveXattrs(file, xattrsOf(entry)));
        await lutimes(file, mtimeSeconds(entry.mtimeNs), mtimeSeconds(entry.mtimeNs)).catch(() => undefined);
      } else {
        const created = makeParent(file);
        if (hardLinks.isLaterName(file, entry)) continue;
        const toWrite = entry.xattrs && options.xattrs === false ? { ...entry, xattrs: undefined } : entry;
        await writer.add(file, toWrite, ownerToGive(entry, created), {
          written: (bytes) => restored(entry.path, bytes),
          damaged: (reason) => {
            progress.damaged.push({ path: entry.path, reason });
            hardLinks.damaged(entry, reason);
          },
        });
      }
    }
    // Nothing was written: the target is as it was.
    if (matched === 0) throw new RestoreTargetError(`The snapshot has no path ${options.subPath}`);
    await writer.finish();
    hardLinks.linkLaterNames({
      overwrite: options.overwrite,
      owner: (entry) => ownerToGive(entry),
      linked: (entry) => restored(entry.path, entry.size),
      damaged: (entry, reason) => progress.damaged.push({ path: entry.path, reason }),
    });
  } finally {
    await writer.close();
  }
  for (const entry of directories.reverse()) {
    const directory = destination(entry);
    // Before the mode: a change of owner clears the set-user-ID and set-group-ID bits.
    const owner = ownerToGive(entry);
    if (owner) {
      await giveOwner(directory, owner.uid, owner.gid, () => chown(directory, owner.uid, owner.gid));
    }
    // After everything in it was created: a default ACL set before would have been inherited.
    xattrsRefused(entry.path, giveXattrs(directory, xattrsOf(entry)));
    await chmod(directory, entry.mode);
    await utimes(directory, mtimeSeconds(entry.mtimeNs), mtimeSeconds(entry.mtimeNs));
  }
  return progress;
}

/** The target is a directory, or can be made one: its nearest existing ancestor is a directory. */
function checkTarget(root: string): void {
  for (let dir = root; ; dir = path.dirname(dir)) {
    let info: Stats | undefined;
    try {
      info = statSync(dir, { throwIfNoEntry: false });
    } catch (error) {
      // A file further up: found when the loop gets to it.
      if ((error as NodeJS.ErrnoException).code !== "ENOTDIR") throw error;
    }
    if (info?.isDirectory()) return;
    if (info) {
      throw new RestoreTargetError(
        dir === root
          ? `The target ${root} is not a directory`
          : `The target ${root} cannot be created: ${dir} is not a directory`,
      );
    }
    if (path.dirname(dir) === dir) return;
  }
}

/**
 * Refuses, before writing anything, what the restore would otherwise meet half-way: a file to restore
 * that exists already (unless overwriting: `--overwrite` replaces files and symlinks), and anything
 * where the snapshot and the target disagree on being a directory (never resolved by deleting: a
 * directory in the way is not removed, nor is a file turned into one). An empty or missing target
 * needs no such pass.
 */
async function refuseConflicts(
  repository: Repository,
  snapshot: Snapshot,
  root: string,
  destination: (entry: TreeEntry) => string,
  options: RestoreOptions,
) {
  if (!existsSync(root) || readdirSync(root).length === 0) return;
  for await (const entry of readTree(repository, snapshot.tree)) {
    if (!within(entry, options.subPath)) continue;
    const file = destination(entry);
    const existing = existingEntry(file);
    if (!existing) continue;
    if (entry.type === "dir") {
      if (existing.isDirectory()) continue;
      throw new RestoreTargetError(`${file} is in the way of a directory of the snapshot; move it away`);
    }
    if (existing.isDirectory()) {
      throw new RestoreTargetError(
        `${file} is a directory where the snapshot has a ${entry.type}; move it away (--overwrite replaces files only)`,
      );
    }
    if (!options.overwrite)
      throw new RestoreTargetError(`${file} exists; restore elsewhere or pass --overwrite`);
  }
}

function existingEntry(file: string): Stats | undefined {
  try {
    return lstatSync(file, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOTDIR") throw error;
    throw new RestoreTargetError(`A file is in the way of ${file}: the snapshot has directories above it`);
  }
}

/** How a file's restore ended: written whole, or not at all because its data is damaged. */
interface FileOutcome {
  written(bytes: number): void;
  damaged(reason: string): void;
}

/**
 * Where restore workers find sealed chunks: a local repository's pack files, or ranges of a remote
 * repository's packs for each job (at most `budget` bytes of them held at once), which the workers
 * read themselves by signed URLs (D-59) or, from a backend that has none, the main thread reads.
 */
type PackSource =
  | { packRoot: string }
  | { signer: PackUrlSigner; budget: ByteBudget }
  | { reader: PackRangeReader; budget: ByteBudget };

/**
 * Batches files for worker threads that read chunks straight from local pack files, or from the
 * ranges of remote packs read for their job. A file larger than `segmentBytes` is created here and
 * written as segments by several jobs, so one large file uses every worker and, from a remote
 * repository, holds only a few segments' ranges in memory at a time.
 */
class WorkerFileWriter {
  private readonly pool: WorkerPool;
  private batch: FileToWrite[] = [];
  /** Per file of the batch: told whether the worker found its data damaged. */
  private callbacks: ((damage: string | undefined) => void)[] = [];
  private batchSize = 0;
  private readonly jobs: Promise<void>[] = [];
  private readonly segmentBytes: number;
  /** Told of each file written without some of its extended attributes (D-55). */
  xattrsRefused: (file: string, refused: XattrsRefused) => void = () => undefined;
  /** A remote read that failed (other than a missing pack): the restore stops. */
  private failure: unknown;

  constructor(
    private readonly repository: Repository,
    private readonly packs: PackSource,
    private readonly options: RestoreOptions,
  ) {
    this.segmentBytes =
      options.segmentBytes ?? ("packRoot" in packs ? defaultSegmentBytes : remoteSegmentBytes);
    this.pool = options.pool ?? new WorkerPool(options.workers);
    this.pool.configure({ ...repository.workerSetup([]), xattrAddon: xattrAddonLocation() });
  }

  /** A file to create and write, then give `owner` (if any), its mode and mtime. */
  async add(file: string, entry: TreeEntry, owner: Owner | undefined, outcome: FileOutcome): Promise<void> {
    const chunks: ChunkToFetch[] = [];
    for (const id of entry.chunks ?? []) {
      const location = this.repository.location(id);
      if (!location) {
        outcome.damaged(`chunk ${id} is in no pack of this repository`);
        return;
      }
      const { pack, offset, length, rawLength, suite } = location;
      chunks.push({ id, pack, offset, length, rawLength, suite });
    }
    const mtime = mtimeSeconds(entry.mtimeNs);
    if (entry.size <= this.segmentBytes) {
      const { sparse, xattrs } = entry;
      this.batch.push({ absolute: file, mode: entry.mode, mtime, ...owner, chunks, sparse, xattrs });
      this.callbacks.push((damage) => (damage ? outcome.damaged(damage) : outcome.written(entry.size)));
      this.batchSize += entry.size;
      if (this.batchSize >= batchBytes || this.batch.length >= batchFiles) await this.submit();
      return;
    }
    await this.submit();
    if (this.options.overwrite) rmSync(file, { force: true });
    const created = openSync(file, "wx", 0o600);
    try {
      // Its full size at once: a hole the segments leave at the end is then part of the file.
      if (entry.sparse) ftruncateSync(created, entry.size);
    } finally {
      closeSync(created);
    }
    const segments = splitIntoSegments(chunks, this.segmentBytes);
    let remaining = segments.length;
    let firstDamage: string | undefined;
    const finished = (damage: string | undefined) => {
      firstDamage ??= damage;
      remaining -= 1;
      if (remaining > 0) return;
      if (firstDamage) {
        rmSync(file, { force: true });
        outcome.damaged(firstDamage);
        return;
      }
      const refused = setFileMetadata(file, { mode: entry.mode, mtime, ...owner, xattrs: entry.xattrs });
      if (refused) this.xattrsRefused(file, refused);
      outcome.written(entry.size);
    };
    for (const segment of segments) {
      this.batch.push({
        absolute: file,
        mode: entry.mode,
        mtime,
        chunks: segment.chunks,
        offset: segment.offset,
        sparse: entry.sparse,
      });
      this.callbacks.push(finished);
      await this.submit();
    }
  }

  private async submit(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.batch.length === 0) return;
    const files = this.batch;
    const callbacks = this.callbacks;
    this.batch = [];
    this.callbacks = [];
    this.batchSize = 0;
    const { packs } = this;
    if ("packRoot" in packs) {
      const { finished } = await this.run(files, callbacks, { packRoot: packs.packRoot });
      this.jobs.push(finished);
      return;
    }
    // The walk waits here while the budget is spent; the job's bytes count until its worker is done.
    const ranges = planRanges(files.flatMap((file) => file.chunks));
    const bytes = rangeBytes(ranges);
    await packs.budget.take(bytes);
    const sent =
      "signer" in packs
        ? packs.signer.urls(ranges).then((urls) => this.run(files, callbacks, { signed: { ranges, urls } }))
        : packs.reader
            .read(ranges)
            .then((read) => this.run(files, callbacks, { ranges: read }, transferList(read)));
    const job = sent
      .then(({ finished }) => finished)
      .catch((error: unknown) => {
        this.failure ??= error;
        throw error;
      })
      .finally(() => packs.budget.give(bytes));
    job.catch(() => undefined);
    this.jobs.push(job);
  }

  /** Sends a restore job once a worker has room; `callbacks[i]` hears how file i ended. */
  private run(
    files: FileToWrite[],
    callbacks: ((damage: string | undefined) => void)[],
    source: { packRoot: string } | { ranges: PackBytes[] } | { signed: SignedRanges },
    transfer: ArrayBuffer[] = [],
  ) {
    return this.pool.submit(
      (job) => ({ kind: "restore", job, ...source, overwrite: this.options.overwrite ?? false, files }),
      (reply) => {
        if (reply.kind !== "restored") return false;
        const damage = new Map(reply.damaged.map(({ file, reason }) => [file, reason]));
        for (const [i, done] of callbacks.entries()) done(damage.get(i));
        for (const { file, ...refused } of reply.xattrsRefused ?? []) {
          this.xattrsRefused((files[file] as FileToWrite).absolute, refused);
        }
        return true;
      },
      transfer,
    );
  }

  async finish(): Promise<void> {
    await this.submit();
    await Promise.all(this.jobs);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Consecutive runs of a file's chunks of about `bytes` each, with where each run starts in the file. */
function splitIntoSegments(chunks: ChunkToFetch[], bytes: number) {
  const segments: { offset: number; chunks: ChunkToFetch[] }[] = [];
  let offset = 0;
  let current: { offset: number; chunks: ChunkToFetch[]; size: number } | undefined;
  for (const chunk of chunks) {
    if (!current || current.size >= bytes) {
      current = { offset, chunks: [], size: 0 };
      segments.push(current);
    }
    current.chunks.push(chunk);
    current.size += chunk.rawLength;
    offset += chunk.rawLength;
  }
  return segments.map(({ offset, chunks }) => ({ offset, chunks }));
}

/** Writes one file of a snapshot to a stream (e.g. stdout, for a database dump piped into psql). */
export async function restoreToStream(
  repository: Repository,
  snapshot: Snapshot,
  filePath: string,
  output: Writable,
): Promise<number> {
  for await (const entry of readTree(repository, snapshot.tree)) {
    if (entry.path !== filePath) continue;
    if (entry.type !== "file") throw new RestoreTargetError(`${filePath} is a ${entry.type}, not a file`);
    const packs = new PackCache(repository);
    let bytes = 0;
    for (const id of entry.chunks ?? []) {
      const chunk = await packs.blob(id);
      if (!output.write(chunk)) await new Promise((resolve) => output.once("drain", resolve));
      bytes += chunk.length;
    }
    return bytes;
  }
  throw new RestoreTargetError(`The snapshot has no file ${filePath}`);
}
