import type { ChunkSizes } from "../fastcdc.ts";
import type { SuiteName } from "../suites.ts";

/** What every vault worker gets at start: enough to chunk, fingerprint, seal and open (memory only). */
export interface WorkerSetup {
  masterKey: Uint8Array;
  repositoryId: string;
  chunkSizes: ChunkSizes;
  fingerprint: "hmac-sha256" | "hmac-sm3";
  suite: SuiteName;
  /** Chunk ids the repository already holds: not sealed again. */
  knownIds: string[];
}

/**
 * Files for workers to stat, read, chunk and seal, packed for cheap cloning (one string and one
 * array per batch instead of an object per file): `names` is `absolute\0snapshotPath\0…`, `seqs`
 * their positions in the walk.
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
 * A file for a worker to restore; or, with `offset`, one segment of a large file that the main thread
 * created and will finish (mode, mtime) once every segment is written.
 */
export interface FileToWrite {
  absolute: string;
  offset?: number;
  mode: number;
  /** Seconds, as `futimes` takes them. */
  mtime: number;
  chunks: ChunkToFetch[];
}

export type WorkerJob =
  /**
   * Sent to every worker: each claims the next file with Atomics.add on `claims[0]`, so the files,
   * large or small, are shared out as the workers get free.
   */
  | { kind: "backup"; job: number; files: FilesToRead; claims: Int32Array }
  | { kind: "restore"; job: number; packRoot: string; overwrite: boolean; files: FileToWrite[] }
  | { kind: "ack"; bytes: number };

/**
 * Sealed blobs in one buffer (one transfer per batch, not one per blob): blob i has the id at
 * `ids.slice(64 i, 64 i + 64)` and `layout[3 i..3 i + 2]` = offset in `data`, length, plain length.
 */
export interface SealedBlobs {
  ids: string;
  layout: Uint32Array;
  data: Uint8Array;
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
}

export type WorkerReply =
  | ({ kind: "blobs"; job: number; bytes: number } & SealedBlobs)
  | ({ kind: "backed-up"; job: number } & FilesBackedUp)
  | { kind: "restored"; job: number; files: number; bytes: number }
  | { kind: "failed"; job: number; name: string; message: string };
