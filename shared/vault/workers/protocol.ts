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

/** A file for a worker to stat, read, chunk and seal; `path` is its path in the snapshot. */
export interface FileToRead {
  seq: number;
  absolute: string;
  path: string;
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
  | { kind: "backup"; job: number; files: FileToRead[]; claims: Int32Array }
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
  | {
      kind: "backed-up";
      job: number;
      entries: { seq: number; entry: TreeEntry }[];
      /** Files gone, or no longer regular files, when the worker opened them: left out. */
      vanished: number[];
      readBytes: number;
    }
  | { kind: "restored"; job: number; files: number; bytes: number }
  | { kind: "failed"; job: number; name: string; message: string };
