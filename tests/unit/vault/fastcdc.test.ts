import { createHash, hkdfSync, randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultChunkSizes, FastCdc } from "../../../shared/vault/fastcdc.ts";

const sizes = { min: 2 << 10, avg: 8 << 10, max: 64 << 10 };
const key = Buffer.alloc(32, 7);

async function chunksOf(chunker: FastCdc, pieces: Iterable<Uint8Array>) {
  const out: Buffer[] = [];
  for await (const chunk of chunker.chunks(pieces)) out.push(chunk);
  return out;
}
const digest = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** Splits `data` into pieces of the given lengths (cycled), as a file read or a pipe would deliver it. */
function* pieces(data: Buffer, lengths: number[]) {
  let offset = 0;
  for (let i = 0; offset < data.length; i++) {
    const length = lengths[i % lengths.length] ?? 1;
    yield data.subarray(offset, offset + length);
    offset += length;
  }
}

describe("keyed FastCDC", () => {
  it("cuts chunks within min and max whose concatenation is the input", async () => {
    const data = randomBytes(3 << 20);
    const chunks = await chunksOf(new FastCdc(key, sizes), [data]);

    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.length).toBeGreaterThanOrEqual(sizes.min);
      expect(chunk.length).toBeLessThanOrEqual(sizes.max);
    }
    const mean = data.length / chunks.length;
    expect(mean).toBeGreaterThan(sizes.avg * 0.6);
    expect(mean).toBeLessThan(sizes.avg * 1.6);
  });

  it("gives the same chunks however the stream is split into pieces", async () => {
    const data = randomBytes(600 << 10);
    const reference = (await chunksOf(new FastCdc(key, sizes), [data])).map(digest);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 200_000 }), { minLength: 1, maxLength: 8 }),
        async (lengths) => {
          const chunks = await chunksOf(new FastCdc(key, sizes), pieces(data, lengths));
          expect(chunks.map(digest)).toEqual(reference);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("keeps most chunks after an insertion or a deletion, so shifted data deduplicates", async () => {
    const data = randomBytes(2 << 20);
    const before = new Set((await chunksOf(new FastCdc(key, sizes), [data])).map(digest));
    const edits = [
      Buffer.concat([randomBytes(17), data]),
      Buffer.concat([data.subarray(0, 1 << 20), randomBytes(5), data.subarray(1 << 20)]),
      Buffer.concat([data.subarray(0, 700_000), data.subarray(700_123)]),
    ];
    for (const edited of edits) {
      const after = (await chunksOf(new FastCdc(key, sizes), [edited])).map(digest);
      const shared = after.filter((d) => before.has(d)).length;
      expect(shared / after.length).toBeGreaterThan(0.85);
    }
  });

  it("cuts elsewhere under another tenant's key, so boundaries do not identify content", async () => {
    const data = randomBytes(1 << 20);
    const mine = (await chunksOf(new FastCdc(key, sizes), [data])).map((c) => c.length);
    const theirs = (await chunksOf(new FastCdc(Buffer.alloc(32, 8), sizes), [data])).map((c) => c.length);

    expect(theirs).not.toEqual(mine);
  });

  it("handles empty input, input shorter than min, and runs of zeros (max-size chunks)", async () => {
    const chunker = new FastCdc(key, sizes);
    expect(await chunksOf(chunker, [])).toEqual([]);
    expect((await chunksOf(chunker, [Buffer.alloc(100, 1)])).map((c) => c.length)).toEqual([100]);
    const zeros = await chunksOf(chunker, [Buffer.alloc(200 << 10)]);
    expect(Buffer.concat(zeros).length).toBe(200 << 10);
    expect(zeros.every((c) => c.length <= sizes.max)).toBe(true);
  });

  it("refuses chunk sizes that are not ordered or whose average is not a power of two", () => {
    expect(() => new FastCdc(key, { min: 4096, avg: 3000, max: 9000 })).toThrow(RangeError);
    expect(() => new FastCdc(key, { min: 8192, avg: 8192, max: 65536 })).toThrow(RangeError);
  });

  it("cuts where the plain gear-hash loop of the paper cuts, across the kernel's 256 KiB pieces", () => {
    // The reference: FastCDC's normalised loop, byte by byte, in JavaScript.
    const reference = (cdc: FastCdc, gear: Int32Array, data: Uint8Array, start: number) => {
      const { min, avg, max } = cdc.sizes;
      const bits = Math.log2(avg);
      const top = (n: number) => ~((1 << (32 - n)) - 1) | 0;
      const available = data.length - start;
      if (available <= min) return available;
      let hash = 0;
      for (let i = start + min; i < start + Math.min(available, max); i++) {
        hash = ((hash << 1) + (gear[data[i] as number] as number)) | 0;
        const mask = i < start + Math.min(available, avg) ? top(bits + 2) : top(bits - 2);
        if ((hash & mask) === 0) return i + 1 - start;
      }
      return Math.min(available, max);
    };
    const chunkerKey = randomBytes(32);
    const gear = new Int32Array(256);
    const table = Buffer.from(hkdfSync("sha256", chunkerKey, "", "govdr/v1/fastcdc-gear", 1024));
    for (let i = 0; i < 256; i++) gear[i] = table.readInt32LE(i * 4);
    const data = randomBytes(24 << 20);
    // Low-entropy stretches make cuts late, so scans run over several pieces and up to max.
    data.fill(0, 3 << 20, 12 << 20);
    for (const sizes of [defaultChunkSizes, { min: 1 << 10, avg: 4 << 10, max: 16 << 10 }]) {
      const cdc = new FastCdc(chunkerKey, sizes);
      for (let start = 0, count = 0; start < data.length; count++) {
        const expected = reference(cdc, gear, data, start);
        expect(cdc.cut(data, start, data.length), `chunk ${count} at ${start}`).toBe(expected);
        start += expected;
      }
    }
  });
});
