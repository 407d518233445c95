import type { Backend } from "./backend.ts";
import { NotFoundInRepositoryError } from "./backend.ts";
import { ByteBudget } from "./byte-budget.ts";
import { objectNames } from "./object-names.ts";
import type { PackRange } from "./pack-ranges.ts";
import type { PackBytes } from "./workers/protocol.ts";

/**
 * Reads ranges of packs from a remote repository for restore workers, at most `maxRequests` at once.
 * A pack that is missing is left out of what `read` returns (the workers then name the files that
 * needed it) and is not asked for again.
 */
export class PackRangeReader {
  static readonly maxRequests = 4;
  private readonly requests: ByteBudget;
  private readonly missing = new Set<string>();

  constructor(
    private readonly backend: Backend,
    maxRequests = PackRangeReader.maxRequests,
  ) {
    this.requests = new ByteBudget(maxRequests);
  }

  async read(ranges: PackRange[]): Promise<PackBytes[]> {
    const read = await Promise.all(ranges.map((range) => this.readOne(range)));
    return read.filter((range): range is PackBytes => range !== undefined);
  }

  private async readOne(range: PackRange): Promise<PackBytes | undefined> {
    if (this.missing.has(range.pack)) return undefined;
    await this.requests.take(1);
    try {
      const bytes = await this.backend.get(objectNames.pack(range.pack), range);
      return { ...range, bytes: ownBuffer(bytes) };
    } catch (error) {
      if (!(error instanceof NotFoundInRepositoryError)) throw error;
      this.missing.add(range.pack);
      return undefined;
    } finally {
      this.requests.give(1);
    }
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
