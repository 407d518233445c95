import { closeSync, lstatSync, readSync } from "node:fs";
import type { WrittenObject } from "../backends/local.ts";
import { type EntryStats, entryBase, unchangedChunks } from "../entry-stats.ts";
import { ChunkSplitter, type FastCdc } from "../fastcdc.ts";
import { blobContext, PackWriter } from "../pack.ts";
import type { CryptoSuite } from "../suites.ts";
import type { TreeEntry } from "../tree.ts";
import { readXattrs, type Xattr } from "../xattrs.ts";
import { openListedFile } from "./listed-file.ts";
import { type FilesToRead, finishedPack, type WorkerReply } from "./protocol.ts";
import type { SharedIdSet } from "./shared-id-set.ts";

/** Finished packs the main thread has not stored yet, beyond which a worker waits. */
const maxPacksHandedOver = 1;
/**
 * A worker's first pack is handed over after this many blobs, so that the hand-over runs before V8
 * optimises the per-file path. Otherwise the first full pack, some 4,000 small files in, reaches code
 * that optimised path has never seen: V8 throws the compiled code away and compiles it again, which
 * costs a 20,000-file backup about 5% of its time (12 alternating pairs, median ratio 0.945). The
 * price is one small pack per worker and run.
 */
const firstPackBlobs = 16;
/** Small files waiting to be sealed as a group (see SealerSetup.sealInGroups), at most. */
const smallFilesPerGroup = 32;
const waitingBytes = 256 << 10;
const readBuffer = Buffer.allocUnsafe(4 << 20);

interface WaitingFile {
  seq: number;
  relative: string;
  info: EntryStats;
  bytes: Buffer;
  xattrs: Xattr[] | undefined;
}

export interface SealerSetup {
  send: (reply: WorkerReply, transfer?: ArrayBuffer[]) => void;
  blobId: (data: Uint8Array) => string;
  /** blobId of many chunks, in order. */
  blobIds: (chunks: Uint8Array[]) => string[];
  /** The context a blob is sealed with, in one buffer that the next call overwrites. */
  blobContext: (id: string) => Buffer;
  /**
   * Whether chunks are fingerprinted and sealed in groups, through blobIds and sealMany: where those
   * gain by it (HMAC-SM3 hashes four messages at once). Small files are then read 32 at a time, and a
   * large file's chunks are taken as each read yields them.
   */
  sealInGroups: boolean;
  cdc: FastCdc;
  packSuite: CryptoSuite;
  /** Bytes of blobs after which a pack is finished and handed over. */
  packSize: number;
  /** Room for one more chunk and a header of up to 1 MiB: a pack seldom grows past it. */
  packCapacity: number;
  /** Writes a finished pack where the main thread will name it (local repositories, D-60). */
  writePack?: (name: string, bytes: Uint8Array) => WrittenObject;
  /** Files below this size are one chunk, read with one call. */
  smallBelow: number;
  /** Chunks the repository already holds. */
  preexisting: Set<string>;
  /** Chunks any worker sealed in this session (while it has room). */
  sealedByAny: SharedIdSet | undefined;
}

/**
 * A worker's backup side: reads, chunks, fingerprints and seals files into packs of its own. A full
 * pack is handed to the main thread to store (transferred, not copied), which gives its buffer back
 * once stored; into a local repository the worker writes it to a temporary file for the main thread
 * to sync and name, and keeps the buffer (D-60). While more than `maxPacksHandedOver` are not stored
 * the worker waits, so memory and unsynced data stay bounded however large the input.
 */
export class FileSealer {
  private pack: PackWriter | undefined;
  private readonly spareBuffers: ArrayBuffer[] = [];
  private handedOver = 0;
  private acknowledged: (() => void) | undefined;
  /** New chunks this worker met once the shared table was full (see firstClaim). */
  private readonly metHere = new Set<string>();
  /** Small files read but not yet sealed, their bytes one after another in `waitingBuffer`. */
  private readonly waiting: WaitingFile[] = [];
  private readonly waitingBuffer: Buffer;
  private waitingBufferUsed = 0;
  private readonly smallBelow: bigint;
  /** Until the first hand-over: see firstPackBlobs. */
  private firstPackBlobs = firstPackBlobs;
  // The batch being worked on.
  private job = 0;
  private readBytes = 0;
  // Emptied for each batch rather than replaced; a reply carries copies.
  private readonly reused: string[] = [];
  private readonly done = { seqs: [] as number[], sizes: [] as number[], lines: [] as string[] };
  private readonly vanished: number[] = [];
  /** What the batch went on despite (an extended attribute that could not be read). */
  private readonly warnings: string[] = [];

  constructor(private readonly setup: SealerSetup) {
    this.waitingBuffer = Buffer.allocUnsafe(setup.smallBelow + waitingBytes);
    this.smallBelow = BigInt(setup.smallBelow);
  }

  /** Backs up the files of a batch that this worker claims (Atomics.add on `claims[0]`), then reports them. */
  async backupFiles(job: number, files: FilesToRead, claims: Int32Array): Promise<void> {
    this.startBatch(job);
    const names = files.names.split("\0");
    for (let i = Atomics.add(claims, 0, 1); i < files.seqs.length; i = Atomics.add(claims, 0, 1)) {
      const seq = files.seqs[i] as number;
      const absolute = names[3 * i] as string;
      const relative = names[3 * i + 1] as string;
      const known = names[3 * i + 2];
      const unchanged = known ? this.unchangedEntry(absolute, relative, known) : undefined;
      if (unchanged) {
        this.reused.push(...(unchanged.chunks ?? []));
        this.addEntry(seq, unchanged);
        continue;
      }
      const opened = openListedFile(absolute);
      if (!opened) {
        this.vanished.push(seq);
        continue;
      }
      try {
        // From the descriptor that is read: one listxattr for a file without any.
        const xattrs = readXattrs(opened.fd, absolute, this.warnings);
        if (!this.sealSmallFile(seq, relative, opened.fd, opened.info, xattrs)) {
          await this.sealStreamedFile(seq, relative, opened.fd, opened.info, xattrs);
        }
      } finally {
        closeSync(opened.fd);
      }
      if (this.handedOver > maxPacksHandedOver) await this.roomForPacks();
    }
    this.sealWaitingFiles();
    const { done } = this;
    this.setup.send({
      kind: "backed-up",
      job,
      seqs: Int32Array.from(done.seqs),
      sizes: Float64Array.from(done.sizes),
      lines: done.lines.join("\n"),
      reused: this.reused.slice(),
      vanished: this.vanished.slice(),
      readBytes: this.readBytes,
      warnings: this.warnings.slice(),
    });
  }

  /** Hands over the pack being filled, if it holds anything (the end of a backup). */
  flush(job: number): void {
    this.handOver(job);
  }

  /** The main thread stored a pack: its buffer (if it had it) is reused for the next one. */
  packStored(buffer: ArrayBuffer | undefined): void {
    if (buffer) this.spareBuffers.push(buffer);
    this.handedOver -= 1;
    if (this.handedOver <= maxPacksHandedOver) this.acknowledged?.();
  }

  private startBatch(job: number) {
    this.job = job;
    this.readBytes = 0;
    for (const list of [
      this.reused,
      this.done.seqs,
      this.done.sizes,
      this.done.lines,
      this.vanished,
      this.warnings,
    ]) {
      list.length = 0;
    }
  }

  /**
   * A file smaller than a chunk, read with one positioned read: sealed now, or put in the group of
   * files waiting to be sealed together. False when it has grown to a chunk or more since its fstat:
   * then it is streamed.
   */
  private sealSmallFile(
    seq: number,
    relative: string,
    fd: number,
    info: EntryStats,
    xattrs: Xattr[] | undefined,
  ): boolean {
    if (info.size >= this.smallBelow) return false;
    const { setup, waitingBuffer } = this;
    const read = readSync(fd, waitingBuffer, this.waitingBufferUsed, setup.smallBelow, 0);
    if (read === setup.smallBelow) return false;
    const bytes = waitingBuffer.subarray(this.waitingBufferUsed, this.waitingBufferUsed + read);
    if (read === 0 || !setup.sealInGroups) {
      this.addEntry(seq, fileEntry(relative, info, read, read > 0 ? [this.store(bytes)] : [], xattrs));
      return true;
    }
    this.waiting.push({ seq, relative, info, bytes, xattrs });
    this.waitingBufferUsed += read;
    const full = waitingBuffer.length - this.waitingBufferUsed < setup.smallBelow;
    if (full || this.waiting.length === smallFilesPerGroup) this.sealWaitingFiles();
    return true;
  }

  private sealWaitingFiles() {
    const { waiting } = this;
    if (waiting.length === 0) return;
    const chunks: Buffer[] = [];
    for (let i = 0; i < waiting.length; i++) chunks.push((waiting[i] as WaitingFile).bytes);
    const ids = this.storeGroup(chunks);
    for (let i = 0; i < waiting.length; i++) {
      const file = waiting[i] as WaitingFile;
      const chunk = [ids[i] as string];
      this.addEntry(file.seq, fileEntry(file.relative, file.info, file.bytes.length, chunk, file.xattrs));
    }
    waiting.length = 0;
    this.waitingBufferUsed = 0;
  }

  /** Chunks a file as it reads it, waiting while the main thread has packs enough to store. */
  private async sealStreamedFile(
    seq: number,
    relative: string,
    fd: number,
    info: EntryStats,
    xattrs: Xattr[] | undefined,
  ) {
    const chunks: string[] = [];
    let size = 0;
    const splitter = new ChunkSplitter(this.setup.cdc);
    const onChunks = (cut: Buffer[]) => {
      if (this.setup.sealInGroups) chunks.push(...this.storeGroup(cut));
      else for (const chunk of cut) chunks.push(this.store(chunk));
    };
    for (;;) {
      const read = readSync(fd, readBuffer, 0, readBuffer.length, null);
      if (read === 0) break;
      size += read;
      splitter.push(readBuffer.subarray(0, read), onChunks);
      if (this.handedOver > maxPacksHandedOver) await this.roomForPacks();
    }
    splitter.end(onChunks);
    this.addEntry(seq, fileEntry(relative, info, size, chunks, xattrs));
  }

  /** Fingerprints and seals a chunk now (it may be a view that the next read overwrites); its id. */
  private store(chunk: Buffer): string {
    const { setup } = this;
    const id = setup.blobId(chunk);
    if (this.toSeal(id, chunk.length)) {
      this.addToPack(id, setup.packSuite.sealParts(chunk, setup.blobContext(id)), chunk.length);
    }
    return id;
  }

  /**
   * store for a group of chunks: fingerprinted together, and the new ones sealed together. Plain
   * loops: this runs hot, and V8 took longer to compile iterator and closure code here than it ran.
   */
  private storeGroup(chunks: Buffer[]): string[] {
    const { setup } = this;
    const ids = setup.blobIds(chunks);
    const plaintexts: Buffer[] = [];
    const newIds: string[] = [];
    const contexts: Buffer[] = [];
    for (let i = 0; i < chunks.length; i++) {
      const id = ids[i] as string;
      const chunk = chunks[i] as Buffer;
      if (this.toSeal(id, chunk.length)) {
        plaintexts.push(chunk);
        newIds.push(id);
        contexts.push(blobContext(id));
      }
    }
    if (plaintexts.length === 0) return ids;
    const sealed = setup.packSuite.sealMany(plaintexts, contexts);
    for (let i = 0; i < newIds.length; i++) {
      this.addToPack(newIds[i] as string, sealed[i] as Buffer[], (plaintexts[i] as Buffer).length);
    }
    return ids;
  }

  /** Counts a chunk read; whether this worker seals it (new to the repository, and claimed first). */
  private toSeal(id: string, length: number): boolean {
    this.readBytes += length;
    if (!this.setup.preexisting.has(id)) return this.firstClaim(id);
    this.reused.push(id);
    return false;
  }

  private addToPack(id: string, sealed: Buffer[], rawLength: number) {
    this.pack ??= this.newPack();
    this.pack.addSealed("data", id, sealed, rawLength);
    if (this.pack.size >= this.setup.packSize || this.pack.entries.length === this.firstPackBlobs) {
      this.firstPackBlobs = 0;
      this.handOver(this.job);
    }
  }

  /**
   * Whether this worker is the first in the session to meet a new chunk, and so seals it: the shared
   * table tells, for every worker; once it is full, what this worker met itself (a chunk may then be
   * sealed by two workers, never by none). Asking the table first keeps `metHere` empty until then,
   * which spares each worker's heap the ids of every chunk it sealed (and the full garbage
   * collections their growth brought on).
   */
  private firstClaim(id: string): boolean {
    const claimed = this.setup.sealedByAny?.claim(id);
    if (claimed !== undefined) return claimed;
    if (this.metHere.has(id)) return false;
    this.metHere.add(id);
    return true;
  }

  private addEntry(seq: number, entry: TreeEntry) {
    this.done.seqs.push(seq);
    this.done.sizes.push(entry.size);
    this.done.lines.push(JSON.stringify(entry));
  }

  private newPack(): PackWriter {
    const spare = this.spareBuffers.pop();
    const buffer = spare ? Buffer.from(spare) : Buffer.allocUnsafeSlow(this.setup.packCapacity);
    return new PackWriter(this.setup.packSuite, buffer);
  }

  /** Hands the pack being filled over to the main thread (as part of `job`), if it holds anything. */
  private handOver(job: number) {
    const { pack } = this;
    if (!pack || pack.entries.length === 0) return;
    const { name, bytes } = pack.finish();
    this.pack = undefined;
    this.handedOver += 1;
    const written = this.setup.writePack?.(name, bytes);
    if (!written) {
      this.setup.send({ kind: "pack", job, ...finishedPack(name, bytes, pack.entries) }, [
        bytes.buffer as ArrayBuffer,
      ]);
      return;
    }
    // Written to a file already: the buffer serves the next pack at once.
    this.spareBuffers.push(bytes.buffer as ArrayBuffer);
    this.setup.send({ kind: "pack", job, ...finishedPack(name, new Uint8Array(0), pack.entries, written) });
  }

  /** Waits while the main thread has not stored the packs handed to it. */
  private async roomForPacks() {
    while (this.handedOver > maxPacksHandedOver) {
      await new Promise<void>((resolve) => (this.acknowledged = resolve));
    }
  }

  /**
   * The entry of a file the parent snapshot has (`known`, see knownFile), when its size, mtime and
   * inode are unchanged and the repository holds all its chunks: then it is not read.
   */
  private unchangedEntry(absolute: string, relative: string, known: string): TreeEntry | undefined {
    const info = lstatSync(absolute, { bigint: true, throwIfNoEntry: false });
    if (!info?.isFile()) return undefined;
    const entry = entryBase(relative, "file", info);
    const chunks = unchangedChunks(known, entry);
    if (!chunks?.every((id) => this.setup.preexisting.has(id))) return undefined;
    entry.chunks = chunks;
    // Read again, not taken from the parent: setting them changes no mtime.
    const xattrs = readXattrs(absolute, absolute, this.warnings);
    if (xattrs) entry.xattrs = xattrs;
    return entry;
  }
}

function fileEntry(
  relative: string,
  info: EntryStats,
  size: number,
  chunks: string[],
  xattrs: Xattr[] | undefined,
): TreeEntry {
  const entry = entryBase(relative, "file", info);
  entry.size = size;
  entry.chunks = chunks;
  if (xattrs) entry.xattrs = xattrs;
  return entry;
}
