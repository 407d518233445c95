import { type Stats as FileStats, lstatSync, readdirSync, readlinkSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import picomatch from "picomatch";
import { errorClass } from "../errors.ts";
import { LocalBackend } from "./backends/local.ts";
import { entryBase, knownFile } from "./entry-stats.ts";
import { xattrAddonLocation } from "./native/xattr-addon.ts";
import { ParentEntries } from "./parent-entries.ts";
import type { Repository } from "./repository.ts";
import { type BackupType, newSnapshotId, readSnapshots, type Snapshot, saveSnapshot } from "./snapshot.ts";
import { merkleRoot, readTreeBlobs, type TreeEntry, TreeWriter, validPath } from "./tree.ts";
import { WorkerPool } from "./workers/pool.ts";
import { type FilesToRead, packEntries, type WorkerReply } from "./workers/protocol.ts";
import { SharedIdSet } from "./workers/shared-id-set.ts";
import { readXattrs } from "./xattrs.ts";

export type BackupSource =
  | { kind: "path"; path: string }
  /** A stream, e.g. a database dump piped in; stored as one file named `name`. */
  | { kind: "stream"; name: string; stream: AsyncIterable<Uint8Array> | Iterable<Uint8Array> };

export interface BackupProgress {
  files: number;
  bytes: number;
  readBytes: number;
  newBytes: number;
}

export interface BackupOptions {
  type: BackupType;
  /** Glob patterns (picomatch) matched against snapshot paths, e.g. `**\/*.tmp`, `app/cache/**`. */
  excludes?: string[];
  now?: () => Date;
  /** Worker threads reading, chunking and sealing files (default: one per core). */
  workers?: number;
  /**
   * Workers started beforehand with backupWorkers (e.g. while the repository key was unwrapped),
   * used instead of starting `workers`; the backup configures and closes them.
   */
  pool?: WorkerPool;
  onProgress?: (progress: BackupProgress) => void;
  /** What the backup went on despite, e.g. a damaged manifest it could not consider as a parent. */
  onWarning?: (message: string) => void;
}

export class BackupSourceError extends errorClass("BACKUP_SOURCE_UNREADABLE") {}

/**
 * Files go to the workers in batches that every worker shares (see WorkerPool.submitToAll): sizes
 * are not known before a worker opens a file, so a batch of large files is shared out as well.
 */
const batchFiles = 256;
/**
 * Batches queued per worker. A batch of small files lasts the workers a few milliseconds: with two,
 * a pause of the main thread (storing a pack, a garbage collection) left them waiting for the next
 * (12 alternating pairs of 20,000-file backups against two: median ratio 0.969).
 */
const batchesPerWorker = 4;

/** Workers for a backup (default: one per core), started before it, e.g. while a key is unwrapped. */
export const backupWorkers = (workers?: number) => new WorkerPool(workers, batchesPerWorker);

type Stats = Snapshot["stats"];

/** Whether a snapshot path (`<source name>/<relative path>`) is excluded by the globs. */
export const excludeMatcher = (excludes: readonly string[] = []) => picomatch([...excludes], { dot: true });

/** The source names of a backup: the snapshot's top-level entries. */
export const sourceName = (source: BackupSource) =>
  source.kind === "path" ? path.basename(path.resolve(source.path)) : source.name;

/** A source's name is the first component of its paths in the snapshot: one non-empty component. */
function checkSourceName(name: string, source: BackupSource): void {
  if (source.kind === "path" && name === "") {
    throw new BackupSourceError(
      `Back up the directories under ${source.path} by name (e.g. /etc /srv), not the root itself`,
    );
  }
  if (!validPath(name) || /[/\0]/.test(name) || Buffer.byteLength(name) > 255) {
    throw new BackupSourceError(
      `"${name}" cannot name a source in a snapshot: it must be one path component (no "/", not "." or "..", at most 255 bytes)`,
    );
  }
}

/**
 * Backs sources up into a new snapshot (DESIGN.md §Vault engine, D-21). The main thread lists the
 * sources' directories, writes the tree and uploads packs; worker threads stat the files, and read,
 * chunk, fingerprint and seal into packs of their own those not unchanged since the parent snapshot
 * (same size, mtime and inode, all chunks present). The manifest is written after every pack and
 * index, so an interrupted backup leaves no snapshot, only packs that the next run reuses.
 */
export async function backup(
  repository: Repository,
  sources: BackupSource[],
  options: BackupOptions,
): Promise<Snapshot> {
  const now = options.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const names = sources.map(sourceName);
  for (const [i, name] of names.entries()) checkSourceName(name, sources[i] as BackupSource);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate)
    throw new BackupSourceError(
      `Two sources would both be stored as "${duplicate}"; back them up separately`,
    );
  for (const source of sources) {
    if (source.kind !== "path") continue;
    let info: FileStats;
    try {
      info = lstatSync(source.path);
    } catch {
      throw new BackupSourceError(
        `Cannot read the source ${source.path}: it does not exist or is not accessible`,
      );
    }
    // Inside a directory such entries are skipped; named as the source, an empty snapshot would
    // pass for a backup of it.
    if (!info.isFile() && !info.isDirectory() && !info.isSymbolicLink()) {
      throw new BackupSourceError(
        `The source ${source.path} is not a file, directory or symlink (a device, FIFO or socket); back up what it gives with --stdin`,
      );
    }
  }
  const sourceLabels = sources.map((s) => (s.kind === "path" ? path.resolve(s.path) : `stream:${s.name}`));
  const stats: Stats = { files: 0, dirs: 0, bytes: 0, readBytes: 0, newBlobs: 0, newBytes: 0, vanished: 0 };
  const run = new BackupRun(repository, stats, options);
  let parent: Snapshot | undefined;
  try {
    parent = await parentSnapshot(repository, options, sourceLabels);
    const previous = parent
      ? new ParentEntries(readTreeBlobs(repository, parent.tree), names)
      : ParentEntries.none();
    const excluded = excludeMatcher(options.excludes);
    for (const [i, source] of sources.entries()) {
      const name = names[i] as string;
      if (source.kind === "stream") await run.stream(name, source.stream, now());
      else await run.walk(path.resolve(source.path), name, excluded, previous);
    }
    await run.finish();
  } catch (error) {
    await run.close();
    throw error;
  }
  // The workers' part is done: they stop while the tree, the index and the manifest are written.
  const stopping = run.close();
  // Its failure is reported below (awaited); until then it must not count as unhandled.
  stopping.catch(() => undefined);
  try {
    const treeBlobs = await run.tree.finish();
    await repository.flush();
    await repository.extendRetention([...run.neededChunks, ...treeBlobs]);

    const snapshot: Snapshot = {
      version: 1,
      id: newSnapshotId(),
      time: now().toISOString(),
      startedAt,
      // Without a parent every file was read: whatever was asked for, the result is a full backup.
      type: parent ? options.type : "full",
      ...(parent ? { parent: parent.id } : {}),
      hostname: hostname(),
      sources: sourceLabels,
      suite: repository.dataSuite.name,
      tree: treeBlobs,
      merkleRoot: merkleRoot(treeBlobs),
      stats,
    };
    await saveSnapshot(repository, snapshot);
    return snapshot;
  } finally {
    await stopping;
  }
}

/** One backup's moving parts: the walk, the workers' jobs, and tree entries written in walk order. */
class BackupRun {
  readonly tree: TreeWriter;
  private readonly pool: WorkerPool;
  /** Entries done, by walk position; undefined for a file that vanished before it was read. */
  private readonly ready = new Map<number, ReadyEntry | undefined>();
  /** Every chunk the snapshot needs: the packs of those written earlier get their retention extended. */
  readonly neededChunks = new Set<string>();
  private readonly jobs: Promise<void>[] = [];
  private nextSeq = 0;
  private written = 0;
  private batch: { names: string[]; seqs: number[] } = { names: [], seqs: [] };
  private readonly progress: BackupProgress = { files: 0, bytes: 0, readBytes: 0, newBytes: 0 };

  constructor(
    private readonly repository: Repository,
    private readonly stats: Stats,
    private readonly options: BackupOptions,
  ) {
    this.tree = new TreeWriter(repository);
    this.pool = options.pool ?? backupWorkers(options.workers);
    const xattrAddon = xattrAddonLocation();
    if ("unavailable" in xattrAddon) {
      options.onWarning?.(`extended attributes and ACLs are not backed up: ${xattrAddon.unavailable}`);
    }
    const { backend } = repository;
    this.pool.configure({
      ...repository.workerSetup([...repository.indexedBlobs()].map(([id]) => id)),
      sealedIds: SharedIdSet.allocate(),
      xattrAddon,
      repositoryRoot: backend instanceof LocalBackend ? backend.root : undefined,
    });
  }

  async walk(
    absolute: string,
    relative: string,
    excluded: (path: string) => boolean,
    previous: ParentEntries,
  ): Promise<void> {
    if (excluded(relative)) return;
    const info = lstatSync(absolute, { bigint: true });
    if (info.isSymbolicLink()) {
      const entry = { ...entryBase(relative, "symlink", info), target: readlinkSync(absolute) };
      await this.place(this.withXattrs(entry, absolute));
    } else if (info.isDirectory()) {
      await this.place(this.withXattrs(entryBase(relative, "dir", info), absolute));
      const children = readdirSync(absolute, { withFileTypes: true }).sort(byName);
      for (const child of children) {
        const childAbsolute = path.join(absolute, child.name);
        const childRelative = `${relative}/${child.name}`;
        // Files are not stat'ed here (the walk's largest cost): the workers do, and read what changed.
        if (!child.isFile()) {
          await this.walk(childAbsolute, childRelative, excluded, previous);
          continue;
        }
        if (excluded(childRelative)) continue;
        // Awaited only when something must be read or sent: a promise per file costs the walk.
        let known = previous.file(childRelative);
        if (known instanceof Promise) known = await known;
        const sending = this.read(childAbsolute, childRelative, known);
        if (sending) await sending;
      }
    } else if (info.isFile()) {
      await this.read(absolute, relative, await previous.file(relative));
    }
  }

  /** A directory's or symlink's entry with its extended attributes (the path itself, never followed). */
  private withXattrs(entry: TreeEntry, absolute: string): TreeEntry {
    const warnings: string[] = [];
    const xattrs = readXattrs(absolute, absolute, warnings);
    for (const warning of warnings) this.options.onWarning?.(warning);
    if (xattrs) entry.xattrs = xattrs;
    return entry;
  }

  /** A stream source is chunked and sealed here, in order; it is one file of the snapshot. */
  async stream(
    name: string,
    stream: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    at: Date,
  ): Promise<void> {
    await this.submitBatch();
    const chunks: string[] = [];
    let size = 0;
    for await (const chunk of this.repository.chunker.chunks(stream)) {
      const { id, added } = await this.repository.addBlob("data", chunk);
      chunks.push(id);
      size += chunk.length;
      this.stats.readBytes += chunk.length;
      if (added) this.countNew(chunk.length);
    }
    const mtimeNs = (BigInt(at.getTime()) * 1_000_000n).toString();
    await this.place({ path: name, type: "file", mode: 0o600, mtimeNs, size, chunks });
  }

  private async place(entry: TreeEntry): Promise<void> {
    for (const id of entry.chunks ?? []) this.neededChunks.add(id);
    this.ready.set(this.nextSeq++, { line: JSON.stringify(entry), type: entry.type, size: entry.size });
    // Entries wait in memory for the files before them: the files queued so far go out now.
    if (this.ready.size >= batchFiles) await this.submitBatch();
    await this.writeReady();
  }

  /**
   * Queues a file for the workers; `known` is its entry in the parent snapshot, if any. A promise
   * only when a batch goes out (await it then): most files need no waiting.
   */
  private read(absolute: string, relative: string, known?: TreeEntry): Promise<void> | undefined {
    this.batch.names.push(absolute, relative, known ? knownFile(known) : "");
    this.batch.seqs.push(this.nextSeq++);
    return this.batch.seqs.length >= batchFiles ? this.submitBatch() : undefined;
  }

  private async submitBatch(): Promise<void> {
    if (this.batch.seqs.length === 0) return;
    const files: FilesToRead = { names: this.batch.names.join("\0"), seqs: Int32Array.from(this.batch.seqs) };
    this.batch = { names: [], seqs: [] };
    const claims = new Int32Array(new SharedArrayBuffer(4));
    const { finished } = await this.pool.submitToAll(
      (job) => ({ kind: "backup", job, files, claims }),
      (reply, worker) => this.handle(reply, worker),
    );
    this.jobs.push(finished);
    await this.writeReady();
  }

  private async handle(
    reply: WorkerReply,
    worker: { postMessage(message: unknown, transfer: ArrayBuffer[]): void },
  ): Promise<boolean> {
    if (reply.kind === "pack") {
      const pack = reply.written ?? reply.bytes;
      const { added, stored } = await this.repository.addPack(reply.name, pack, packEntries(reply));
      for (const entry of added) this.countNew(entry.rawLength);
      // A worker that wrote its pack to a file kept the buffer.
      const buffer = reply.written ? undefined : (reply.bytes.buffer as ArrayBuffer);
      stored.then(
        () => worker.postMessage({ kind: "ack", buffer }, buffer ? [buffer] : []),
        (error: Error) => this.pool.abort(error),
      );
      return false;
    }
    if (reply.kind === "flushed") return true;
    if (reply.kind === "backed-up") {
      this.stats.readBytes += reply.readBytes;
      const lines = reply.lines.split("\n");
      reply.seqs.forEach((seq, i) => {
        this.ready.set(seq, { line: lines[i] as string, type: "file", size: reply.sizes[i] as number });
      });
      for (const id of reply.reused) this.neededChunks.add(id);
      for (const warning of reply.warnings) this.options.onWarning?.(warning);
      for (const seq of reply.vanished) this.ready.set(seq, undefined);
      this.stats.vanished = (this.stats.vanished ?? 0) + reply.vanished.length;
      return true;
    }
    return false;
  }

  private countNew(bytes: number) {
    this.stats.newBlobs += 1;
    this.stats.newBytes += bytes;
  }

  /** Writes the entries that are next in walk order and done. */
  private async writeReady(): Promise<void> {
    while (this.ready.has(this.written)) {
      const entry = this.ready.get(this.written);
      this.ready.delete(this.written);
      this.written += 1;
      if (!entry) continue;
      if (entry.type === "file") {
        this.stats.files += 1;
        this.stats.bytes += entry.size;
        Object.assign(this.progress, {
          files: this.stats.files,
          bytes: this.stats.bytes,
          readBytes: this.stats.readBytes,
          newBytes: this.stats.newBytes,
        });
        this.options.onProgress?.(this.progress);
      } else if (entry.type === "dir") {
        this.stats.dirs += 1;
      }
      const writing = this.tree.addLine(entry.line);
      if (writing) await writing;
    }
  }

  async finish(): Promise<void> {
    await this.submitBatch();
    await Promise.all(this.jobs);
    // The workers' last packs, however little they hold.
    const { finished } = await this.pool.submitToAll(
      (job) => ({ kind: "flush", job }),
      (reply, worker) => this.handle(reply, worker),
    );
    await finished;
    await this.pool.settled();
    await this.writeReady();
    if (this.written !== this.nextSeq)
      throw new Error(`backup lost track of ${this.nextSeq - this.written} entries`);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** A tree entry ready to be written in walk order: its JSON line, and what the stats count. */
interface ReadyEntry {
  line: string;
  type: TreeEntry["type"];
  size: number;
}

/**
 * Incremental: the last snapshot of the same sources; differential: the last full one. A damaged
 * manifest cannot be a parent: it is passed over (with a warning), which costs re-reading, not data.
 */
async function parentSnapshot(
  repository: Repository,
  options: BackupOptions,
  sources: string[],
): Promise<Snapshot | undefined> {
  if (options.type === "full") return undefined;
  const same: Snapshot[] = [];
  for (const record of await readSnapshots(repository)) {
    if (!record.snapshot) {
      options.onWarning?.(`${record.name} is damaged (${record.damage}); it is not considered as a parent`);
    } else if (JSON.stringify(record.snapshot.sources) === JSON.stringify(sources)) {
      same.push(record.snapshot);
    }
  }
  return (options.type === "differential" ? same.filter((s) => s.type === "full") : same).at(-1);
}
