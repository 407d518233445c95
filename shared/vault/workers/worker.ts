import { closeSync, constants, ftruncateSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { type MessagePort, parentPort } from "node:worker_threads";
import { writeTemporarySync } from "../backends/local.ts";
import { FastCdc } from "../fastcdc.ts";
import { giveFileMetadata } from "../file-metadata.ts";
import { blobIdFunction, blobIdsFunction, deriveKeys } from "../keys.ts";
import { useXattrAddon } from "../native/xattr-addon.ts";
import { objectNames } from "../object-names.ts";
import { reusedBlobContext } from "../pack.ts";
import { BlobIntegrityError, suitesFor } from "../suites.ts";
import type { XattrsRefused } from "../xattrs.ts";
import { FileSealer } from "./file-sealer.ts";
import type {
  ChunkToFetch,
  FileToWrite,
  PackBytes,
  WorkerJob,
  WorkerReply,
  WorkerSetup,
} from "./protocol.ts";
import { SharedIdSet } from "./shared-id-set.ts";
import { SignedRangeReader } from "./signed-range-reader.ts";

type Job = Exclude<WorkerJob, { kind: "ack" | "setup" }>;

/**
 * A vault worker thread: reads, chunks, fingerprints and seals files into packs of its own for
 * backup (FileSealer), and fetches, opens, checks and writes files for restore, with synchronous file
 * I/O (no thread-pool round trip per call).
 */
export function runVaultWorker(): void {
  const port = parentPort;
  if (!port) throw new Error("runVaultWorker runs in a worker thread");
  port.once("message", (first: WorkerJob) => {
    if (first.kind !== "setup") throw new Error(`a vault worker got ${first.kind} before its setup`);
    serve(port, first.setup);
  });
}

function serve(port: MessagePort, setup: WorkerSetup): void {
  // The addon the main thread loaded: a worker never compiles one itself.
  useXattrAddon(setup.xattrAddon ?? { unavailable: "the xattr addon was not given to the worker" });
  const keys = deriveKeys(Buffer.from(setup.masterKey), setup.repositoryId);
  const blobId = blobIdFunction(setup.fingerprint, keys.fingerprint);
  const suite = suitesFor(keys.data);
  const blobContext = reusedBlobContext();
  // HMAC-SM3 hashes four messages at once (../sm3/hmac-sm3-lanes.ts), so chunks are sealed in
  // groups when it is used. The other algorithms gain nothing, and grouping cost their small-file
  // backups 4% (8 alternating pairs).
  const groupsGain = setup.fingerprint === "hmac-sm3" || setup.suite === "sm4-ctr+hmac-sm3";
  /** Jobs in arrival order; a restore by signed URLs with the read of its ranges, begun on arrival. */
  const queue: { job: Job; ranges?: Promise<PackBytes[]> }[] = [];
  let running = false;
  let rangeReader: SignedRangeReader | undefined;

  const send = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
  const sealer = new FileSealer({
    send,
    blobId,
    blobIds: blobIdsFunction(setup.fingerprint, keys.fingerprint),
    blobContext,
    sealInGroups: groupsGain,
    cdc: new FastCdc(keys.chunker, setup.chunkSizes),
    packSuite: suite(setup.suite),
    packSize: setup.packSize,
    packCapacity: setup.packSize + setup.chunkSizes.max + (1 << 20),
    writePack: setup.repositoryRoot
      ? (name, bytes) => writeTemporarySync(setup.repositoryRoot as string, objectNames.pack(name), bytes)
      : undefined,
    smallBelow: setup.chunkSizes.min,
    preexisting: new Set(setup.knownIds),
    sealedByAny: setup.sealedIds ? new SharedIdSet(setup.sealedIds) : undefined,
  });

  function restoreFiles(job: number, packs: SealedChunks, overwrite: boolean, files: FileToWrite[]) {
    let bytes = 0;
    const damaged: { file: number; reason: string }[] = [];
    const xattrsRefused: ({ file: number } & XattrsRefused)[] = [];
    try {
      for (const [index, file] of files.entries()) {
        const segment = file.offset !== undefined;
        // Replacing removes the old entry first: opening it could follow a symlink out of the target.
        if (overwrite && !segment) rmSync(file.absolute, { force: true });
        // A segment's file was just created by the main thread; never follow a symlink put in its place.
        const fd = segment
          ? openSync(file.absolute, constants.O_RDWR | constants.O_NOFOLLOW)
          : openSync(file.absolute, "wx", 0o600);
        try {
          let position = file.offset ?? 0;
          for (const chunk of file.chunks) {
            const data = open(chunk, packs.read(chunk));
            if (!(file.sparse && isHole(data))) writeSync(fd, data, 0, data.length, position);
            position += data.length;
            bytes += data.length;
          }
          if (!segment) {
            // A hole at the end is still part of the file (a segmented file has its size already).
            if (file.sparse) ftruncateSync(fd, position);
            const refused = giveFileMetadata(fd, file.absolute, file);
            if (refused) xattrsRefused.push({ file: index, ...refused });
          }
        } catch (error) {
          // Damaged or missing repository data costs this file, not the restore; anything else
          // (a full disk, a permission) stops it.
          if (!(error instanceof BlobIntegrityError)) throw error;
          damaged.push({ file: index, reason: error.message });
          if (!segment) rmSync(file.absolute, { force: true });
        } finally {
          closeSync(fd);
        }
      }
    } finally {
      packs.close();
    }
    send({ kind: "restored", job, files: files.length, bytes, damaged, xattrsRefused });
  }

  const open = (chunk: ChunkToFetch, sealed: Buffer) => {
    const plaintext = suite(chunk.suite).open(sealed, blobContext(chunk.id));
    if (plaintext.length !== chunk.rawLength || blobId(plaintext) !== chunk.id) {
      throw new BlobIntegrityError(`chunk ${chunk.id} does not match its id`);
    }
    return plaintext;
  };

  async function drain() {
    if (running) return;
    running = true;
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { job } = next;
      try {
        if (job.kind === "backup") await sealer.backupFiles(job.job, job.files, job.claims);
        else if (job.kind === "flush") {
          sealer.flush(job.job);
          send({ kind: "flushed", job: job.job });
        } else {
          const ranges = job.ranges ?? (await next.ranges);
          const packs = ranges ? new PackRanges(ranges) : new PackReader(job.packRoot ?? "");
          restoreFiles(job.job, packs, job.overwrite, job.files);
          if (next.ranges) rangeReader?.release(ranges ?? []);
        }
      } catch (error) {
        send({
          kind: "failed",
          job: job.job,
          name: (error as Error).name,
          message: (error as Error).message,
        });
      }
    }
    running = false;
  }

  port.on("message", (message: WorkerJob) => {
    if (message.kind === "ack") {
      sealer.packStored(message.buffer);
      return;
    }
    if (message.kind === "setup") throw new Error("a vault worker is set up once");
    const signed = message.kind === "restore" ? message.signed : undefined;
    if (!signed) queue.push({ job: message });
    else {
      rangeReader ??= new SignedRangeReader();
      const ranges = rangeReader.read(signed);
      // Awaited in its turn; until then a failure must not count as unhandled.
      ranges.catch(() => undefined);
      queue.push({ job: message, ranges });
    }
    void drain();
  });
}

/** Runs of zeros shorter than a file system block are written: as a hole they would save nothing. */
const smallestHole = 4096;
let zeros = Buffer.alloc(0);

/** Whether a chunk of a sparse file is zeros to leave unwritten, a hole (D-31). */
function isHole(data: Buffer): boolean {
  if (data.length < smallestHole) return false;
  if (zeros.length < data.length) zeros = Buffer.alloc(data.length);
  return data.equals(zeros.subarray(0, data.length));
}

/** A pack file that is not there is damage to the repository, like a chunk that fails to open. */
function openPack(file: string, chunk: ChunkToFetch): number {
  try {
    return openSync(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    throw new BlobIntegrityError(`pack ${chunk.pack} is missing (it holds chunk ${chunk.id})`);
  }
}

/**
 * Where sealed chunks are read, one after another: each is opened (into a buffer of its own) before
 * the next is read. A buffer per chunk left up to 8 MiB of garbage per chunk outside V8's heap, which
 * its collector was slow to free.
 */
let sealedChunk = Buffer.allocUnsafeSlow(0);

/** Where a restore job's sealed chunks come from: pack files, or ranges of packs sent with the job. */
interface SealedChunks {
  read(chunk: ChunkToFetch): Buffer;
  close(): void;
}

/**
 * Sealed chunks inside the ranges of packs a job came with or read by their signed URLs: each
 * pack's ranges in offset order, searched by halving.
 */
class PackRanges implements SealedChunks {
  private readonly byPack = new Map<string, PackBytes[]>();

  constructor(ranges: PackBytes[]) {
    for (const range of ranges) {
      const list = this.byPack.get(range.pack) ?? [];
      list.push(range);
      this.byPack.set(range.pack, list);
    }
    for (const list of this.byPack.values()) list.sort((a, b) => a.offset - b.offset);
  }

  read(chunk: ChunkToFetch): Buffer {
    const range = this.covering(chunk);
    if (!range) throw new BlobIntegrityError(`pack ${chunk.pack} is missing (it holds chunk ${chunk.id})`);
    const start = chunk.offset - range.offset;
    if (start + chunk.length > range.bytes.length)
      throw new BlobIntegrityError(`pack ${chunk.pack} is truncated`);
    return Buffer.from(range.bytes.buffer, range.bytes.byteOffset + start, chunk.length);
  }

  /** The last range starting at or before the chunk, if it was asked to cover all of it. */
  private covering(chunk: ChunkToFetch): PackBytes | undefined {
    const list = this.byPack.get(chunk.pack);
    if (!list) return undefined;
    let low = 0;
    let high = list.length - 1;
    let found: PackBytes | undefined;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const range = list[middle] as PackBytes;
      if (range.offset <= chunk.offset) {
        found = range;
        low = middle + 1;
      } else high = middle - 1;
    }
    return found && chunk.offset + chunk.length <= found.offset + found.length ? found : undefined;
  }

  close(): void {
    this.byPack.clear();
  }
}

/**
 * Sealed chunks straight from local pack files: a few open descriptors, one positioned read per
 * chunk, into `sealedChunk` (valid until the next read).
 */
class PackReader implements SealedChunks {
  private readonly descriptors = new Map<string, number>();

  constructor(private readonly root: string) {}

  read(chunk: ChunkToFetch): Buffer {
    let fd = this.descriptors.get(chunk.pack);
    if (fd === undefined) {
      fd = openPack(path.join(this.root, objectNames.pack(chunk.pack)), chunk);
      this.descriptors.set(chunk.pack, fd);
      if (this.descriptors.size > 16) {
        const [oldest, oldestFd] = this.descriptors.entries().next().value as [string, number];
        closeSync(oldestFd);
        this.descriptors.delete(oldest);
      }
    }
    if (sealedChunk.length < chunk.length) sealedChunk = Buffer.allocUnsafeSlow(chunk.length);
    const buffer = sealedChunk.subarray(0, chunk.length);
    const read = readSync(fd, buffer, 0, chunk.length, chunk.offset);
    if (read !== chunk.length) throw new BlobIntegrityError(`pack ${chunk.pack} is truncated`);
    return buffer;
  }

  close(): void {
    for (const fd of this.descriptors.values()) closeSync(fd);
    this.descriptors.clear();
  }
}
