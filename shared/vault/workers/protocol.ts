import type { ChunkSizes } from "../fastcdc.ts";
import type { SuiteName } from "../suites.ts";
import type { TreeEntry } from "../tree.ts";

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

/** A file for a worker to read, chunk and seal; `entry` is its metadata from the walk. */
export interface FileToRead {
  seq: number;
  absolute: string;
  entry: TreeEntry;
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
  | { kind: "backup"; job: number; files: FileToRead[] }
  | { kind: "restore"; job: number; packRoot: string; overwrite: boolean; files: FileToWrite[] }
  | { kind: "ack"; bytes: number };

/** A sealed blob inside a batch's one buffer (one transfer per batch, not one per blob). */
export interface SealedBlob {
  id: string;
  offset: number;
  length: number;
  rawLength: number;
}

export type WorkerReply =
  | { kind: "blobs"; job: number; blobs: SealedBlob[]; data: Uint8Array; bytes: number }
  | { kind: "backed-up"; job: number; entries: { seq: number; entry: TreeEntry }[]; readBytes: number }
  | { kind: "restored"; job: number; files: number; bytes: number }
  | { kind: "failed"; job: number; name: string; message: string };
