import { createReadStream } from "node:fs";
import { lstat, open, readdir, readlink } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import picomatch from "picomatch";
import type { Repository } from "./repository.ts";
import { type BackupType, listSnapshots, newSnapshotId, type Snapshot, saveSnapshot } from "./snapshot.ts";
import { merkleRoot, readTree, type TreeEntry, TreeWriter } from "./tree.ts";

export type BackupSource =
  | { kind: "path"; path: string }
  /** A stream, e.g. a database dump piped in; stored as one file named `name`. */
  | { kind: "stream"; name: string; stream: AsyncIterable<Uint8Array> | Iterable<Uint8Array> };

export interface BackupProgress {
  files: number;
  bytes: number;
  readBytes: number;
  newBytes: number;
  currentPath?: string;
}

export interface BackupOptions {
  type: BackupType;
  /** Glob patterns (picomatch) matched against snapshot paths, e.g. `**\/*.tmp`, `app/cache/**`. */
  excludes?: string[];
  now?: () => Date;
  /** Files processed at once; each holds at most two maximum-size chunks in memory. */
  concurrency?: number;
  onProgress?: (progress: BackupProgress) => void;
}

export class BackupSourceError extends Error {
  override readonly name = "BackupSourceError";
}

/**
 * Backs sources up into a new snapshot (DESIGN.md §Vault engine). Files unchanged since the parent
 * snapshot (same size, mtime and inode, all chunks present) are not re-read. The manifest is written
 * after every pack and index, so an interrupted backup leaves no snapshot, only packs the next run reuses.
 */
export async function backup(
  repository: Repository,
  sources: BackupSource[],
  options: BackupOptions,
): Promise<Snapshot> {
  const now = options.now ?? (() => new Date());
  const names = sources.map((source) =>
    source.kind === "path" ? path.basename(path.resolve(source.path)) : source.name,
  );
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate)
    throw new BackupSourceError(
      `Two sources would both be stored as "${duplicate}"; back them up separately`,
    );
  const sourceLabels = sources.map((s) => (s.kind === "path" ? path.resolve(s.path) : `stream:${s.name}`));

  const parent = await parentSnapshot(repository, options.type, sourceLabels);
  const previous = new Map<string, TreeEntry>();
  if (parent)
    for await (const entry of readTree(repository, parent.tree))
      if (entry.type === "file") previous.set(entry.path, entry);

  const excluded = picomatch(options.excludes ?? [], { dot: true });
  const progress: BackupProgress = { files: 0, bytes: 0, readBytes: 0, newBytes: 0 };
  const stats = { files: 0, dirs: 0, bytes: 0, readBytes: 0, newBlobs: 0, newBytes: 0 };
  const tree = new TreeWriter(repository);
  const inFlight: Promise<TreeEntry>[] = [];
  const concurrency = options.concurrency ?? 8;

  const storeChunk = async (chunk: Buffer) => {
    const { id, added } = await repository.addBlob("data", chunk);
    stats.readBytes += chunk.length;
    progress.readBytes = stats.readBytes;
    if (added) {
      stats.newBlobs += 1;
      stats.newBytes += chunk.length;
      progress.newBytes = stats.newBytes;
    }
    return id;
  };
  const storeStream = async (stream: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) => {
    const chunks: string[] = [];
    let size = 0;
    for await (const chunk of repository.chunker.chunks(stream)) {
      chunks.push(await storeChunk(chunk));
      size += chunk.length;
    }
    return { chunks, size };
  };
  /** Entries are written in walk order; files are read `concurrency` at a time. */
  const emit = async (entry: Promise<TreeEntry>) => {
    inFlight.push(entry);
    while (inFlight.length > concurrency) await writeEntry(await (inFlight.shift() as Promise<TreeEntry>));
  };
  const writeEntry = async (entry: TreeEntry) => {
    if (entry.type === "file") {
      stats.files += 1;
      stats.bytes += entry.size;
      progress.files = stats.files;
      progress.bytes = stats.bytes;
      progress.currentPath = entry.path;
      options.onProgress?.(progress);
    } else if (entry.type === "dir") {
      stats.dirs += 1;
    }
    await tree.add(entry);
  };

  const fileEntry = async (absolute: string, relative: string, info: Awaited<ReturnType<typeof statOf>>) => {
    const base = entryBase(relative, "file", info);
    const known = previous.get(relative);
    if (known && known.size === base.size && known.mtimeNs === base.mtimeNs && known.inode === base.inode) {
      if ((known.chunks ?? []).every((id) => repository.has(id)))
        return { ...base, chunks: known.chunks ?? [] };
    }
    if (info.size < BigInt(repository.config.chunkSizes.min)) {
      const handle = await open(absolute, "r");
      try {
        const data = await handle.readFile();
        return { ...base, size: data.length, chunks: data.length > 0 ? [await storeChunk(data)] : [] };
      } finally {
        await handle.close();
      }
    }
    const { chunks, size } = await storeStream(createReadStream(absolute, { highWaterMark: 1 << 20 }));
    return { ...base, size, chunks };
  };

  const walk = async (absolute: string, relative: string): Promise<void> => {
    if (excluded(relative)) return;
    const info = await statOf(absolute);
    if (info.isSymbolicLink()) {
      await emit(
        Promise.resolve({ ...entryBase(relative, "symlink", info), target: await readlink(absolute) }),
      );
    } else if (info.isDirectory()) {
      await emit(Promise.resolve(entryBase(relative, "dir", info)));
      const children = (await readdir(absolute)).sort();
      for (const child of children) await walk(path.join(absolute, child), `${relative}/${child}`);
    } else if (info.isFile()) {
      const entry = fileEntry(absolute, relative, info);
      entry.catch(() => undefined);
      await emit(entry);
    }
  };

  for (const [i, source] of sources.entries()) {
    const name = names[i] as string;
    if (source.kind === "stream") {
      const mtimeNs = (BigInt(now().getTime()) * 1_000_000n).toString();
      const entry = storeStream(source.stream).then(({ chunks, size }) => ({
        path: name,
        type: "file" as const,
        mode: 0o600,
        mtimeNs,
        size,
        chunks,
      }));
      entry.catch(() => undefined);
      await emit(entry);
      continue;
    }
    try {
      await lstat(source.path);
    } catch {
      throw new BackupSourceError(
        `Cannot read the source ${source.path}: it does not exist or is not accessible`,
      );
    }
    await walk(path.resolve(source.path), name);
  }
  while (inFlight.length > 0) await writeEntry(await (inFlight.shift() as Promise<TreeEntry>));
  const treeBlobs = await tree.finish();
  await repository.flush();

  const snapshot: Snapshot = {
    version: 1,
    id: newSnapshotId(),
    time: now().toISOString(),
    type: options.type,
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
}

const statOf = (file: string) => lstat(file, { bigint: true });

function entryBase(
  relative: string,
  type: TreeEntry["type"],
  info: Awaited<ReturnType<typeof statOf>>,
): TreeEntry {
  return {
    path: relative,
    type,
    mode: Number(info.mode & 0o7777n),
    mtimeNs: info.mtimeNs.toString(),
    size: type === "file" ? Number(info.size) : 0,
    inode: `${info.dev}:${info.ino}`,
  };
}

/** Incremental: the last snapshot of the same sources; differential: the last full one. */
async function parentSnapshot(
  repository: Repository,
  type: BackupType,
  sources: string[],
): Promise<Snapshot | undefined> {
  if (type === "full") return undefined;
  const same = (await listSnapshots(repository)).filter(
    (s) => JSON.stringify(s.sources) === JSON.stringify(sources),
  );
  return (type === "differential" ? same.filter((s) => s.type === "full") : same).at(-1);
}
