import type { ChunkToFetch } from "./workers/protocol.ts";

/** Bytes of one pack to read with one ranged request. */
export interface PackRange {
  pack: string;
  offset: number;
  length: number;
}

export interface RangePlanLimits {
  /** Bytes between two chunks of a pack that are read along rather than paying for another request. */
  maxGap: number;
  /** A range grows no longer than this (unless one chunk is). */
  maxLength: number;
}

/**
 * 16 MiB ranges: each request's own cost (headers, a response to set up, a round trip) is paid per
 * 16 MiB rather than per 4 MiB, and the jobs' ranges still download several at once. Large files
 * are restored in 8 MiB segments from S3, so a segment is one GET.
 */
export const defaultRangeLimits: RangePlanLimits = { maxGap: 1 << 20, maxLength: 16 << 20 };

/**
 * The ranges of packs that hold `chunks`: each pack's chunks in offset order, neighbours (overlapping,
 * adjacent or at most `maxGap` apart) joined into one range of at most `maxLength` bytes.
 */
export function planRanges(
  chunks: Iterable<ChunkToFetch>,
  { maxGap, maxLength }: RangePlanLimits = defaultRangeLimits,
): PackRange[] {
  const sorted = [...chunks].sort((a, b) =>
    a.pack === b.pack ? a.offset - b.offset : a.pack < b.pack ? -1 : 1,
  );
  const ranges: PackRange[] = [];
  let current: PackRange | undefined;
  for (const { pack, offset, length } of sorted) {
    const end = offset + length;
    if (current && current.pack === pack) {
      const currentEnd = current.offset + current.length;
      const joinedEnd = Math.max(currentEnd, end);
      if (offset <= currentEnd + maxGap && joinedEnd - current.offset <= maxLength) {
        current.length = joinedEnd - current.offset;
        continue;
      }
      // Contained in the range already, however long it is.
      if (end <= currentEnd) continue;
    }
    current = { pack, offset, length };
    ranges.push(current);
  }
  return ranges;
}

/** How many bytes the ranges read in all. */
export const rangeBytes = (ranges: PackRange[]) => ranges.reduce((sum, range) => sum + range.length, 0);
