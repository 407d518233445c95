import { hkdfSync } from "node:crypto";
import { instantiateWasm } from "./wasm/instantiate.ts";
import { gearScan } from "./wasm/kernels.ts";

/**
 * Keyed FastCDC (Xia et al., 2016/2020) with normalised chunking, level 2. Content-defined cut
 * points make chunks survive insertions and deletions, so shifted data still deduplicates; the
 * gear table comes from the tenant's chunker key, so the chunk sizes an observer sees reveal
 * nothing about the content (the unkeyed-chunker fingerprinting attacks on restic and borg).
 */
export interface ChunkSizes {
  min: number;
  avg: number;
  max: number;
}

/** DESIGN.md §Vault engine: 512 KiB / 1 MiB / 8 MiB. */
export const defaultChunkSizes: ChunkSizes = { min: 512 << 10, avg: 1 << 20, max: 8 << 20 };

export function checkChunkSizes(sizes: ChunkSizes): ChunkSizes {
  const { min, avg, max } = sizes;
  const bits = Math.log2(avg);
  if (!Number.isInteger(bits) || bits < 8 || bits > 28)
    throw new RangeError("avg must be a power of two, 256 B…256 MiB");
  if (!(min >= 64 && min < avg && avg < max && max <= 64 << 20))
    throw new RangeError("need 64 ≤ min < avg < max ≤ 64 MiB");
  return sizes;
}

/** A mask of `bits` set bits at the top of a 32-bit word (the bits that depend on the most bytes). */
const topBits = (bits: number) => (bits >= 32 ? -1 : ~((1 << (32 - bits)) - 1)) | 0;

export class FastCdc {
  private readonly gear: Int32Array;
  private readonly maskSmall: number;
  private readonly maskLarge: number;
  readonly sizes: ChunkSizes;

  constructor(chunkerKey: Uint8Array, sizes: ChunkSizes = defaultChunkSizes) {
    this.sizes = checkChunkSizes(sizes);
    const table = Buffer.from(hkdfSync("sha256", chunkerKey, "", "govdr/v1/fastcdc-gear", 1024));
    this.gear = new Int32Array(256);
    for (let i = 0; i < 256; i++) this.gear[i] = table.readInt32LE(i * 4);
    const bits = Math.log2(sizes.avg);
    this.maskSmall = topBits(bits + 2);
    this.maskLarge = topBits(bits - 2);
  }

  /**
   * The length of the chunk that starts at `start`, looking at most at `end - start` bytes. With
   * fewer than `max` bytes available the answer is only final at the end of the data. The hash runs
   * in a WebAssembly kernel (about 4× JavaScript's speed), over the bytes copied to it in pieces.
   */
  cut(data: Uint8Array, start: number, end: number): number {
    const { min, avg, max } = this.sizes;
    const available = end - start;
    if (available <= min) return available;
    const limit = start + Math.min(available, max);
    const normal = start + Math.min(available, avg);
    const scanner = gearScanner(this.gear);
    const from = start + min;
    const cut =
      scanner.scan(data, from, normal, this.maskSmall) ?? scanner.scan(data, normal, limit, this.maskLarge);
    return (cut ?? limit) - start;
  }

  /** Splits a stream into chunks (see ChunkSplitter), one piece at a time; each chunk is a copy. */
  async *chunks(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncIterable<Buffer> {
    const splitter = new ChunkSplitter(this);
    const ready: Buffer[] = [];
    const keep = (chunks: Buffer[]) => {
      for (const chunk of chunks) ready.push(Buffer.from(chunk));
    };
    for await (const piece of source) {
      splitter.push(piece, keep);
      yield* ready.splice(0);
    }
    splitter.end(keep);
    yield* ready.splice(0);
  }
}

interface GearScanExports {
  gearAddress(): number;
  scratchAddress(): number;
  scratchCapacity(): number;
  memory: { buffer: ArrayBuffer };
  reset(): void;
  scan(length: number, mask: number): number;
}

let gearKernel:
  | { exports: GearScanExports; gear: Int32Array; scratch: Uint8Array; loaded?: Int32Array }
  | undefined;

/** The kernel with `gear` loaded and its hash reset; `scan` returns the end of the chunk, if found. */
function gearScanner(gear: Int32Array) {
  if (!gearKernel) {
    const exports = instantiateWasm<GearScanExports>(gearScan);
    const memory = exports.memory.buffer;
    gearKernel = {
      exports,
      gear: new Int32Array(memory, exports.gearAddress(), 256),
      scratch: new Uint8Array(memory, exports.scratchAddress(), exports.scratchCapacity()),
    };
  }
  const kernel = gearKernel;
  if (kernel.loaded !== gear) {
    kernel.gear.set(gear);
    kernel.loaded = gear;
  }
  kernel.exports.reset();
  return {
    scan(data: Uint8Array, from: number, to: number, mask: number): number | undefined {
      for (let at = from; at < to; at += kernel.scratch.length) {
        const piece = data.subarray(at, Math.min(to, at + kernel.scratch.length));
        kernel.scratch.set(piece);
        const found = kernel.exports.scan(piece.length, mask >>> 0);
        if (found >= 0) return at + found;
      }
      return undefined;
    },
  };
}

/**
 * Splits a byte stream into chunks, holding at most twice the maximum chunk size however long the
 * stream: a cut is decided only with `max` bytes in view (or at the end), so how the input is split
 * into pieces never changes the chunks. Synchronous, for worker threads reading with sync I/O.
 * `onChunks` gets the chunks cut since its last call (several, where a piece holds several, so they
 * can be hashed together) as views into the window, valid only during the call: copy them to keep
 * them.
 */
export class ChunkSplitter {
  private readonly window: Buffer;
  private start = 0;
  private filled = 0;

  constructor(private readonly cdc: FastCdc) {
    this.window = Buffer.allocUnsafe(2 * cdc.sizes.max);
  }

  push(piece: Uint8Array, onChunks: (chunks: Buffer[]) => void): void {
    const { max } = this.cdc.sizes;
    const cut: Buffer[] = [];
    let offset = 0;
    while (offset < piece.byteLength) {
      if (this.filled === this.window.length) {
        // The chunks cut so far are views of what is about to be overwritten.
        if (cut.length > 0) onChunks(cut.splice(0));
        this.window.copyWithin(0, this.start, this.filled);
        this.filled -= this.start;
        this.start = 0;
      }
      const copied = Math.min(this.window.length - this.filled, piece.byteLength - offset);
      this.window.set(piece.subarray(offset, offset + copied), this.filled);
      this.filled += copied;
      offset += copied;
      while (this.filled - this.start >= max) cut.push(this.take());
    }
    if (cut.length > 0) onChunks(cut);
  }

  end(onChunks: (chunks: Buffer[]) => void): void {
    const cut: Buffer[] = [];
    while (this.filled > this.start) cut.push(this.take());
    if (cut.length > 0) onChunks(cut);
    this.start = 0;
    this.filled = 0;
  }

  private take(): Buffer {
    const length = this.cdc.cut(this.window, this.start, this.filled);
    const chunk = this.window.subarray(this.start, this.start + length);
    this.start += length;
    return chunk;
  }
}
