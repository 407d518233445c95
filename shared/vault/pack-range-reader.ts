import type { Backend } from "./backend.ts";
import { NotFoundInRepositoryError } from "./backend.ts";
import { ByteBudget } from "./byte-budget.ts";
import { objectNames } from "./object-names.ts";
import type { PackRange } from "./pack-ranges.ts";
import type { PackBytes } from "./workers/protocol.ts";

/** Reads one range: its bytes, or undefined when its pack is missing. */
export type RangeRead = (range: PackRange) => Promise<Uint8Array | undefined>;

/**
 * Reads ranges of packs, each with the `readRange` given, at most `maxRequests` at once. A pack
 * that `readRange` finds missing (it returns undefined) is left out of what `read` returns (the
 * workers then name the files that needed it) and is not asked for again. The one mechanism under
 * both ways a restore reads a remote repository: the main thread through its Backend
 * (PackRangeReader), a worker by signed URLs (SignedRangeReader, D-59).
 */
export class BoundedRangeReads {
  private readonly requests: ByteBudget;
  private readonly missing = new Set<string>();

  constructor(maxRequests: number) {
    this.requests = new ByteBudget(maxRequests);
  }

  async read(ranges: PackRange[], readRange: RangeRead): Promise<PackBytes[]> {
    const read = await Promise.all(ranges.map((range) => this.readOne(range, readRange)));
    return read.filter((range): range is PackBytes => range !== undefined);
  }

  private async readOne(range: PackRange, readRange: RangeRead): Promise<PackBytes | undefined> {
    if (this.missing.has(range.pack)) return undefined;
    await this.requests.take(1);
    try {
      const bytes = await readRange(range);
      if (bytes) return { ...range, bytes };
      this.missing.add(range.pack);
      return undefined;
    } finally {
      this.requests.give(1);
    }
  }
}

/** Reads ranges of packs from a remote repository for restore workers, at most `maxRequests` at once. */
export class PackRangeReader {
  static readonly maxRequests = 4;
  private readonly reads: BoundedRangeReads;

  constructor(
    private readonly backend: Backend,
    maxRequests = PackRangeReader.maxRequests,
  ) {
    this.reads = new BoundedRangeReads(maxRequests);
  }

  read(ranges: PackRange[]): Promise<PackBytes[]> {
    return this.reads.read(ranges, async (range) => {
      try {
        return ownBuffer(await this.backend.get(objectNames.pack(range.pack), range));
      } catch (error) {
        if (error instanceof NotFoundInRepositoryError) return undefined;
        throw error;
      }
    });
  }
}

/** `bytes` as the whole of an ArrayBuffer of their own (copied when shared), so it can be transferred. */
export function ownBuffer(bytes: Uint8Array): Uint8Array {
  const whole =
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer;
  return whole ? bytes : new Uint8Array(bytes);
}

/** The ArrayBuffers to transfer with a job carrying `ranges`. */
export const transferList = (ranges: PackBytes[]) => ranges.map((range) => range.bytes.buffer as ArrayBuffer);
