import { chmod, lstat, lutimes, mkdir, open, rm, symlink, utimes } from "node:fs/promises";
import path from "node:path";
import type { Writable } from "node:stream";
import { PackCache } from "./pack-cache.ts";
import type { Repository } from "./repository.ts";
import type { Snapshot } from "./snapshot.ts";
import { readTree, type TreeEntry } from "./tree.ts";

export class RestoreTargetError extends Error {
  override readonly name = "RestoreTargetError";
}

export interface RestoreProgress {
  files: number;
  bytes: number;
  currentPath?: string;
}

export interface RestoreOptions {
  /** Only this path of the snapshot and what is below it. */
  subPath?: string;
  /** Replace files that exist in the target; otherwise the restore refuses before writing anything. */
  overwrite?: boolean;
  onProgress?: (progress: RestoreProgress) => void;
}

const within = (entry: TreeEntry, subPath?: string) =>
  !subPath || entry.path === subPath || entry.path.startsWith(`${subPath.replace(/\/+$/, "")}/`);

const seconds = (mtimeNs: string) => Number(BigInt(mtimeNs) / 1000n) / 1e6;

/**
 * Restores a snapshot (or a sub-path of it) into `target`: files byte for byte, empty directories,
 * symlinks, modes and modification times. Every chunk is authenticated and checked against its id
 * on the way; a damaged chunk stops the restore with BlobIntegrityError naming the chunk.
 */
export async function restoreToDirectory(
  repository: Repository,
  snapshot: Snapshot,
  target: string,
  options: RestoreOptions = {},
): Promise<RestoreProgress> {
  const root = path.resolve(target);
  const destination = (entry: TreeEntry) => {
    const file = path.resolve(root, ...entry.path.split("/"));
    if (!file.startsWith(`${root}${path.sep}`))
      throw new RestoreTargetError(`${entry.path} would land outside the target`);
    return file;
  };
  let matched = 0;
  if (!options.overwrite) {
    for await (const entry of readTree(repository, snapshot.tree)) {
      if (!within(entry, options.subPath)) continue;
      matched += 1;
      if (entry.type !== "dir" && (await exists(destination(entry)))) {
        throw new RestoreTargetError(`${destination(entry)} exists; restore elsewhere or pass --overwrite`);
      }
    }
    if (matched === 0) throw new RestoreTargetError(`The snapshot has no path ${options.subPath}`);
  }
  await mkdir(root, { recursive: true });
  const packs = new PackCache(repository);
  const progress: RestoreProgress = { files: 0, bytes: 0 };
  const directories: TreeEntry[] = [];
  for await (const entry of readTree(repository, snapshot.tree)) {
    if (!within(entry, options.subPath)) continue;
    const file = destination(entry);
    if (entry.type === "dir") {
      await mkdir(file, { recursive: true });
      directories.push(entry);
      continue;
    }
    await mkdir(path.dirname(file), { recursive: true });
    if (entry.type === "symlink") {
      if (options.overwrite) await rm(file, { force: true });
      await symlink(entry.target ?? "", file);
      await lutimes(file, seconds(entry.mtimeNs), seconds(entry.mtimeNs)).catch(() => undefined);
      continue;
    }
    const handle = await open(file, options.overwrite ? "w" : "wx", 0o600);
    try {
      for (const id of entry.chunks ?? []) {
        const chunk = await packs.blob(id);
        await handle.write(chunk);
        progress.bytes += chunk.length;
      }
    } finally {
      await handle.close();
    }
    await chmod(file, entry.mode);
    await utimes(file, seconds(entry.mtimeNs), seconds(entry.mtimeNs));
    progress.files += 1;
    progress.currentPath = entry.path;
    options.onProgress?.(progress);
  }
  for (const entry of directories.reverse()) {
    const directory = destination(entry);
    await chmod(directory, entry.mode);
    await utimes(directory, seconds(entry.mtimeNs), seconds(entry.mtimeNs));
  }
  return progress;
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

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch {
    return false;
  }
}
