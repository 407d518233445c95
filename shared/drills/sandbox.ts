import { Readable } from "node:stream";
import { GovdrError } from "../errors.ts";
import { NotFoundInRepositoryError } from "../vault/backend.ts";
import { PackCache } from "../vault/pack-cache.ts";
import type { Repository } from "../vault/repository.ts";
import type { Snapshot } from "../vault/snapshot.ts";
import { BlobIntegrityError } from "../vault/suites.ts";
import { readTree, type TreeEntry } from "../vault/tree.ts";

/**
 * An isolated place in the DR region a drill restores into (an S3 prefix of the sandbox bucket):
 * nothing in production reads it, and cleanup removes all of it.
 */
export interface Sandbox {
  readonly location: string;
  /** Stores `size` bytes from `body` under `key`; nothing is stored if the body fails. */
  write(key: string, body: Readable, size: number): Promise<void>;
  /** The objects under `prefix`; with `directOnly`, only those with no further "/" (a directory's files). */
  list(prefix: string, options?: { directOnly?: boolean }): AsyncIterable<{ key: string; size: number }>;
  /** Removes every object under `prefix`; answers how many. */
  removeAll(prefix: string): Promise<number>;
}

export interface SandboxRestore {
  files: number;
  bytes: number;
  directories: number;
  symlinks: number;
  damaged: { path: string; reason: string }[];
}

/** At most this many damaged files are named; the count covers them all. */
export const namedDamageLimit = 100;

const isDamage = (error: unknown) =>
  error instanceof BlobIntegrityError ||
  error instanceof NotFoundInRepositoryError ||
  (error instanceof GovdrError && ["BLOB_DAMAGED", "MISSING_FROM_REPOSITORY"].includes(error.code));

/**
 * Restores every file of `snapshot` into the sandbox under `prefix`, `concurrency` files at a time,
 * streaming each file's chunks from the repository as they are authenticated (AEAD, then the
 * plaintext's HMAC against the chunk id): memory holds the packs being read, never a whole file. A
 * file whose data is missing or damaged is not stored and is named in `damaged`; every other file
 * is restored. A storage failure (the vault unreachable) stops the restore so the task is retried.
 */
export async function restoreToSandbox(
  repository: Repository,
  snapshot: Snapshot,
  sandbox: Sandbox,
  prefix: string,
  options: {
    concurrency?: number;
    packsInMemory?: number;
    onProgress?: (restored: SandboxRestore) => void;
    /** Only what is under this directory of the snapshot (`name/`), stored without it. */
    within?: string;
    /** The key a file is stored under, from its path below `within` (the path itself by default). */
    keyOf?: (path: string) => string;
  } = {},
): Promise<SandboxRestore & { damagedCount: number }> {
  const within = options.within ?? "";
  const keyOf = options.keyOf ?? ((path: string) => path);
  const packs = new PackCache(repository, options.packsInMemory ?? 16);
  const result: SandboxRestore = { files: 0, bytes: 0, directories: 0, symlinks: 0, damaged: [] };
  let damagedCount = 0;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;

  const restoreFile = async (entry: TreeEntry) => {
    let chunkFailure: unknown;
    async function* chunks() {
      for (const id of entry.chunks ?? []) {
        try {
          yield await packs.blob(id);
        } catch (error) {
          chunkFailure = error;
          throw error;
        }
      }
    }
    try {
      await sandbox.write(
        `${prefix}${keyOf(entry.path.slice(within.length))}`,
        Readable.from(chunks(), { objectMode: false }),
        entry.size,
      );
      result.files += 1;
      result.bytes += entry.size;
      options.onProgress?.(result);
    } catch (error) {
      if (!isDamage(chunkFailure)) throw chunkFailure ?? error;
      damagedCount += 1;
      if (result.damaged.length < namedDamageLimit) {
        result.damaged.push({ path: entry.path, reason: (chunkFailure as Error).message.slice(0, 500) });
      }
    }
  };

  for await (const entry of readTree(repository, snapshot.tree)) {
    if (failure) break;
    if (!entry.path.startsWith(within)) continue;
    if (entry.type === "dir") result.directories += 1;
    if (entry.type === "symlink") result.symlinks += 1;
    if (entry.type !== "file") continue;
    const task = restoreFile(entry).catch((error) => {
      failure ??= error;
    });
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
    if (inFlight.size >= (options.concurrency ?? 8)) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  return { ...result, damagedCount };
}

/**
 * Checks the sandbox against the manifest: every file of the snapshot is there with its recorded
 * size. Files the restore already named as damaged stay named once; anything else missing or of
 * another size is added.
 */
/**
 * The sizes of the sandbox's files, one directory's listing at a time: a tree is walked depth
 * first, so only the listings of the directories on the current path are kept, however many
 * files the snapshot holds.
 */
function sandboxDirectories(sandbox: Sandbox, prefix: string) {
  const listings = new Map<string, Promise<Map<string, number>>>();
  const listing = async (directory: string) => {
    const sizes = new Map<string, number>();
    const under = `${prefix}${directory}`;
    for await (const object of sandbox.list(under, { directOnly: true })) {
      sizes.set(object.key.slice(under.length), object.size);
    }
    return sizes;
  };
  return async (path: string): Promise<number | undefined> => {
    const directory = path.slice(0, path.lastIndexOf("/") + 1);
    for (const cached of listings.keys()) if (!directory.startsWith(cached)) listings.delete(cached);
    let sizes = listings.get(directory);
    if (!sizes) {
      sizes = listing(directory);
      listings.set(directory, sizes);
    }
    return (await sizes).get(path.slice(directory.length));
  };
}

export async function verifySandbox(
  repository: Repository,
  snapshot: Snapshot,
  sandbox: Sandbox,
  prefix: string,
  known: { path: string; reason: string }[],
  /** As restoreToSandbox's `within` and `keyOf`. */
  within = "",
  keyOf: (path: string) => string = (path) => path,
): Promise<{
  expectedFiles: number;
  expectedBytes: number;
  verifiedFiles: number;
  verifiedBytes: number;
  damaged: { path: string; reason: string }[];
  damagedCount: number;
}> {
  const storedSize = sandboxDirectories(sandbox, prefix);
  const knownPaths = new Set(known.map((d) => d.path));
  const damaged = [...known];
  let damagedCount = 0;
  const tally = { expectedFiles: 0, expectedBytes: 0, verifiedFiles: 0, verifiedBytes: 0 };
  for await (const entry of readTree(repository, snapshot.tree)) {
    if (entry.type !== "file" || !entry.path.startsWith(within)) continue;
    tally.expectedFiles += 1;
    tally.expectedBytes += entry.size;
    const size = await storedSize(keyOf(entry.path.slice(within.length)));
    if (size === entry.size) {
      tally.verifiedFiles += 1;
      tally.verifiedBytes += size;
      continue;
    }
    damagedCount += 1;
    if (knownPaths.has(entry.path) || damaged.length >= namedDamageLimit) continue;
    damaged.push({
      path: entry.path,
      reason:
        size === undefined
          ? "missing from the sandbox"
          : `${size} bytes in the sandbox, the manifest records ${entry.size}`,
    });
  }
  return { ...tally, damaged, damagedCount };
}
