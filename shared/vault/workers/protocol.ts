import type { WrittenObject } from "../backends/local.ts";
import type { ChunkSizes } from "../fastcdc.ts";
import type { XattrAddonLocation } from "../native/xattr-addon.ts";
import type { PackEntry } from "../pack.ts";
import type { SuiteName } from "../suites.ts";
import type { Xattr, XattrsRefused } from "../xattrs.ts";
import type { SignedRanges } from "./signed-range-reader.ts";

/** What every vault worker gets first: enough to chunk, fingerprint, seal and open (memory only). */
export interface WorkerSetup {
  masterKey: Uint8Array;
  repositoryId: string;
  chunkSizes: ChunkSizes;
  fingerprint: "hmac-sha256" | "hmac-sm3";
  suite: SuiteName;
  /** Bytes of blobs after which a worker finishes its pack and hands it over. */
  packSize: number;
  /** Chunk ids the repository already holds: not sealed again. */
  knownIds: string[];
  /** Backups: a SharedIdSet of the chunks the workers seal in this session, so each seals a chunk once. */
  sealedIds?: SharedArrayBuffer;
  /** The xattr addon the main thread loaded, for the worker to load too (or why there is none, D-55). */
  xattrAddon?: XattrAddonLocation;
  /**
   * Backups to a local repository: its directory, where each worker writes its finished packs into
   * temporary files itself, for the main thread to sync and name (D-60).
   */
  repositoryRoot?: string;
}

/**
 * Files for workers to stat, read, chunk and seal, packed for cheap cloning (one string and one
 * array per batch instead of an object per file): `names` is `absolute\0snapshotPath\0known\0…`,
 * where `known` is the file's entry in the parent snapshot (see knownFile; empty for a new file),
 * and `seqs` their positions in the walk.
 */
export interface FilesToRead {
  names: string;
  seqs: Int32Array;
}

export interface ChunkToFetch {
  id: string;
  pack: string;
  offset: number;
  length: number;
  rawLength: number;
  suite: SuiteName;
}

/**
 * Bytes a restore read from a pack for a worker (ranged requests to a remote repository): what the
 * pack holds from `offset`, `length` asked for; fewer bytes when the pack ended first.
 */
export interface PackBytes {
  pack: string;
  offset: number;
  length: number;
  bytes: Uint8Array;
}

/**
 * A file for a worker to restore; or, with `offset`, one segment of a large file that the main thread
 * created and will finish (mode, mtime) once every segment is written.
 */
export interface FileToWrite {
  absolute: string;
  offset?: number;
  mode: number;
  /** Owner and group to give the file (before its mode), when the restore gives owners back. */
  uid?: number;
  gid?: number;
  /** Seconds, as `futimes` takes them. */
  mtime: number;
  chunks: ChunkToFetch[];
  /** The file was sparse when backed up: chunks of zeros are left as holes (D-31). */
  sparse?: boolean;
  /** Extended attributes to set (after the owner, before the mode, D-55). */
  xattrs?: Xattr[];
}

export type WorkerJob =
  /** A worker's first message: the repository it works for. */
  | { kind: "setup"; setup: WorkerSetup }
  /**
   * Sent to every worker: each claims the next file with Atomics.add on `claims[0]`, so the files,
   * large or small, are shared out as the workers get free.
   */
  | { kind: "backup"; job: number; files: FilesToRead; claims: Int32Array }
  /** Finish and hand over the pack being filled, if any. */
  | { kind: "flush"; job: number }
  /**
   * Chunks are read from the pack files under `packRoot` (a local repository), from `ranges`
   * (transferred with the job), or from the ranges the worker reads itself by `signed` URLs: a pack
   * that has no range there is missing from the repository.
   */
  | {
      kind: "restore";
      job: number;
      packRoot?: string;
      ranges?: PackBytes[];
      signed?: SignedRanges;
      overwrite: boolean;
      files: FileToWrite[];
    }
  /** The main thread stored a pack: its buffer comes back for the next one (unless the worker kept it). */
  | { kind: "ack"; buffer?: ArrayBuffer };

/**
 * A pack a worker filled, finished and named (see PackWriter), with its data blobs as parallel
 * arrays: blob i has the id `ids.slice(64 i, 64 i + 64)` (hex) and `layout[3 i..3 i + 2]` = offset,
 * sealed length, plain length.
 */
export interface FinishedPack {
  name: string;
  /** The pack; empty when the worker wrote it to `written` instead. */
  bytes: Uint8Array;
  written?: WrittenObject;
  ids: string;
  layout: Uint32Array;
}

/** A worker's finished pack of data blobs, packed for the main thread. */
export function finishedPack(
  name: string,
  bytes: Uint8Array,
  entries: PackEntry[],
  written?: WrittenObject,
): FinishedPack {
  const layout = new Uint32Array(3 * entries.length);
  entries.forEach((entry, i) => {
    layout[3 * i] = entry.offset;
    layout[3 * i + 1] = entry.length;
    layout[3 * i + 2] = entry.rawLength;
  });
  return { name, bytes, written, ids: entries.map((entry) => entry.id).join(""), layout };
}

/** The entries of a FinishedPack. */
export function packEntries({ ids, layout }: FinishedPack): PackEntry[] {
  const entries: PackEntry[] = [];
  for (let i = 0; i < layout.length / 3; i++) {
    const id = ids.slice(64 * i, 64 * i + 64);
    const [offset, length, rawLength] = [layout[3 * i] ?? 0, layout[3 * i + 1] ?? 0, layout[3 * i + 2] ?? 0];
    entries.push({ type: "data", id, offset, length, rawLength });
  }
  return entries;
}

/**
 * A worker's part of a backup job, as parallel arrays: file `seqs[i]` has `sizes[i]` bytes and the
 * tree line `lines.split("\n")[i]` (JSON never contains a raw newline).
 */
export interface FilesBackedUp {
  seqs: Int32Array;
  sizes: Float64Array;
  lines: string;
  /** Chunk ids of these files that the repository held before: their packs' retention is extended. */
  reused: string[];
  /** Files gone, or no longer regular files, when the worker opened them: left out. */
  vanished: number[];
  readBytes: number;
  /** What the worker went on despite: extended attributes it could not read. */
  warnings: string[];
}

export type WorkerReply =
  | ({ kind: "pack"; job: number } & FinishedPack)
  | { kind: "flushed"; job: number }
  | ({ kind: "backed-up"; job: number } & FilesBackedUp)
  /**
   * A restore job done. `damaged`: indexes into the job's files whose chunks were missing or failed
   * authentication, with why; those were not finished (a whole file's partial copy was removed).
   */
  | {
      kind: "restored";
      job: number;
      files: number;
      bytes: number;
      damaged: { file: number; reason: string }[];
      /** Files (indexes into the job's files) that did not get all their extended attributes. */
      xattrsRefused?: ({ file: number } & XattrsRefused)[];
    }
  | { kind: "failed"; job: number; name: string; message: string };
