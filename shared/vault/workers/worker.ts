import {
  closeSync,
  constants,
  fchmodSync,
  futimesSync,
  lstatSync,
  openSync,
  readSync,
  rmSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { type MessagePort, parentPort } from "node:worker_threads";
import { entryBase, unchangedChunks } from "../entry-stats.ts";
import { ChunkSplitter, FastCdc } from "../fastcdc.ts";
import { blobIdFunction, deriveKeys } from "../keys.ts";
import { objectNames } from "../object-names.ts";
import { PackWriter, reusedBlobContext } from "../pack.ts";
import { BlobIntegrityError, suitesFor } from "../suites.ts";
import type { TreeEntry } from "../tree.ts";
import { openListedFile } from "./listed-file.ts";
import {
  type ChunkToFetch,
  type FilesToRead,
  type FileToWrite,
  finishedPack,
  type WorkerJob,
  type WorkerReply,
  type WorkerSetup,
} from "./protocol.ts";
import { SharedIdSet } from "./shared-id-set.ts";

const readBuffer = Buffer.allocUnsafe(4 << 20);
let smallFileBuffer = Buffer.allocUnsafe(0);
/** Finished packs the main thread has not stored yet, beyond which a worker waits. */
const maxPacksHandedOver = 1;

/**
 * A vault worker thread: reads, chunks, fingerprints and seals files into packs of its own for
 * backup, and fetches, opens, checks and writes files for restore, with synchronous file I/O (no
 * thread-pool round trip per call). A full pack is handed to the main thread to upload (transferred,
 * not copied), which gives its buffer back once stored; while the main thread holds more than
 * `maxPacksHandedOver` the worker waits, so memory stays bounded however large the input.
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
  const keys = deriveKeys(Buffer.from(setup.masterKey), setup.repositoryId);
  const blobId = blobIdFunction(setup.fingerprint, keys.fingerprint);
  const cdc = new FastCdc(keys.chunker, setup.chunkSizes);
  const suite = suitesFor(keys.data);
  const packSuite = suite(setup.suite);
  const blobContext = reusedBlobContext();
  /** Pack buffers the main thread gave back once it had stored their packs. */
  const spareBuffers: ArrayBuffer[] = [];
  // A pack is finished once it holds packSize bytes: room for one more chunk and a header of up to
  // 1 MiB (about 23,000 blobs), so it seldom grows; pages never written are never resident.
  const packCapacity = setup.packSize + setup.chunkSizes.max + (1 << 20);
  const newPack = () => {
    const spare = spareBuffers.pop();
    return new PackWriter(packSuite, spare ? Buffer.from(spare) : Buffer.allocUnsafeSlow(packCapacity));
  };
  const preexisting = new Set(setup.knownIds);
  /** Blobs this worker met in this session; `sealedByAny` knows those of every worker (while it has room). */
  const metHere = new Set<string>();
  const sealedByAny = setup.sealedIds ? new SharedIdSet(setup.sealedIds) : undefined;
  smallFileBuffer = Buffer.allocUnsafe(setup.chunkSizes.min);
  const smallBelow = BigInt(setup.chunkSizes.min);
  let pack: PackWriter | undefined;
  let handedOver = 0;
  let acknowledged: (() => void) | undefined;
  const queue: WorkerJob[] = [];
  let running = false;

  const send = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

  /** Hands the pack being filled over to the main thread (as part of `job`), if it holds anything. */
  function handOver(job: number) {
    if (!pack || pack.entries.length === 0) return;
    const { name, bytes } = pack.finish();
    const { entries } = pack;
    pack = undefined;
    send({ kind: "pack", job, ...finishedPack(name, bytes, entries) }, [bytes.buffer as ArrayBuffer]);
    handedOver += 1;
  }

  /**
   * The entry of a file the parent snapshot has (`known`, see knownFile), when its size, mtime and
   * inode are unchanged and the repository holds all its chunks: then it is not read.
   */
  function unchangedEntry(absolute: string, relative: string, known: string): TreeEntry | undefined {
    const info = lstatSync(absolute, { bigint: true, throwIfNoEntry: false });
    if (!info?.isFile()) return undefined;
    const entry = entryBase(relative, "file", info);
    const chunks = unchangedChunks(known, entry);
    if (!chunks?.every((id) => preexisting.has(id))) return undefined;
    entry.chunks = chunks;
    return entry;
  }

  /** Waits while the main thread has not stored the packs handed to it. */
  async function roomForPacks() {
    while (handedOver > maxPacksHandedOver) await new Promise<void>((resolve) => (acknowledged = resolve));
  }

  async function backupFiles(job: number, files: FilesToRead, claims: Int32Array) {
    const names = files.names.split("\0");
    let readBytes = 0;
    const reused: string[] = [];
    /** Fingerprints and seals a chunk now (it may be a view that the next read overwrites). */
    const store = (chunk: Buffer) => {
      const id = blobId(chunk);
      readBytes += chunk.length;
      if (preexisting.has(id)) reused.push(id);
      else if (!metHere.has(id)) {
        metHere.add(id);
        // Sealed once in the session: by whichever worker claims it first.
        if (sealedByAny?.claim(id) === false) return id;
        pack ??= newPack();
        pack.addSealed("data", id, packSuite.sealParts(chunk, blobContext(id)), chunk.length);
        if (pack.size >= setup.packSize) handOver(job);
      }
      return id;
    };
    const done: { seqs: number[]; sizes: number[]; lines: string[] } = { seqs: [], sizes: [], lines: [] };
    const addEntry = (seq: number, entry: TreeEntry) => {
      done.seqs.push(seq);
      done.sizes.push(entry.size);
      done.lines.push(JSON.stringify(entry));
    };
    const vanished: number[] = [];
    for (let i = Atomics.add(claims, 0, 1); i < files.seqs.length; i = Atomics.add(claims, 0, 1)) {
      const seq = files.seqs[i] as number;
      const absolute = names[3 * i] as string;
      const relative = names[3 * i + 1] as string;
      const known = names[3 * i + 2];
      const unchanged = known ? unchangedEntry(absolute, relative, known) : undefined;
      if (unchanged) {
        reused.push(...(unchanged.chunks ?? []));
        addEntry(seq, unchanged);
        continue;
      }
      const opened = openListedFile(absolute);
      if (!opened) {
        vanished.push(seq);
        continue;
      }
      const { fd, info } = opened;
      try {
        const chunks: string[] = [];
        let size = 0;
        const small = info.size < smallBelow ? readSmall(fd) : undefined;
        if (small) {
          size = small.length;
          if (small.length > 0) chunks.push(store(small));
        } else {
          const splitter = new ChunkSplitter(cdc);
          const onChunk = (chunk: Buffer) => chunks.push(store(chunk));
          for (;;) {
            const read = readSync(fd, readBuffer, 0, readBuffer.length, null);
            if (read === 0) break;
            size += read;
            splitter.push(readBuffer.subarray(0, read), onChunk);
            if (handedOver > maxPacksHandedOver) await roomForPacks();
          }
          splitter.end(onChunk);
        }
        if (handedOver > maxPacksHandedOver) await roomForPacks();
        const entry: TreeEntry = entryBase(relative, "file", info);
        entry.size = size;
        entry.chunks = chunks;
        addEntry(seq, entry);
      } finally {
        closeSync(fd);
      }
    }
    send({
      kind: "backed-up",
      job,
      seqs: Int32Array.from(done.seqs),
      sizes: Float64Array.from(done.sizes),
      lines: done.lines.join("\n"),
      reused,
      vanished,
      readBytes,
    });
  }

  function restoreFiles(job: number, packRoot: string, overwrite: boolean, files: FileToWrite[]) {
    const packs = new PackReader(packRoot);
    let bytes = 0;
    const damaged: { file: number; reason: string }[] = [];
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
            writeSync(fd, data, 0, data.length, position);
            position += data.length;
            bytes += data.length;
          }
          if (!segment) {
            fchmodSync(fd, file.mode);
            futimesSync(fd, file.mtime, file.mtime);
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
    send({ kind: "restored", job, files: files.length, bytes, damaged });
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
    while (queue.length > 0) {
      const job = queue.shift() as Exclude<WorkerJob, { kind: "ack" | "setup" }>;
      try {
        if (job.kind === "backup") await backupFiles(job.job, job.files, job.claims);
        else if (job.kind === "flush") {
          handOver(job.job);
          send({ kind: "flushed", job: job.job });
        } else restoreFiles(job.job, job.packRoot, job.overwrite, job.files);
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
      spareBuffers.push(message.buffer);
      handedOver -= 1;
      if (handedOver <= maxPacksHandedOver) acknowledged?.();
      return;
    }
    if (message.kind === "setup") throw new Error("a vault worker is set up once");
    queue.push(message);
    void drain();
  });
}

/**
 * A file smaller than the minimum chunk, read into a reused buffer with one positioned read (no
 * allocation). Undefined when it has grown to a chunk or more since its fstat: then it is streamed.
 */
function readSmall(fd: number): Buffer | undefined {
  const read = readSync(fd, smallFileBuffer, 0, smallFileBuffer.length, 0);
  return read < smallFileBuffer.length ? smallFileBuffer.subarray(0, read) : undefined;
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

/** Sealed chunks straight from local pack files: a few open descriptors, one positioned read per chunk. */
class PackReader {
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
    const buffer = Buffer.allocUnsafe(chunk.length);
    const read = readSync(fd, buffer, 0, chunk.length, chunk.offset);
    if (read !== chunk.length) throw new BlobIntegrityError(`pack ${chunk.pack} is truncated`);
    return buffer;
  }

  close(): void {
    for (const fd of this.descriptors.values()) closeSync(fd);
    this.descriptors.clear();
  }
}
