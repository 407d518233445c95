import { describe, expect, it } from "vitest";
import { BufferShelf } from "../../../shared/vault/workers/buffer-shelf.ts";

describe("range buffers put back for the next range that fits (D-59)", () => {
  it("hands out a buffer of exactly the length asked, over whole MiB of memory", () => {
    const shelf = new BufferShelf();
    const small = shelf.take(1000);
    const large = shelf.take((5 << 20) + 1);
    expect(small.length).toBe(1000);
    expect(small.buffer.byteLength).toBe(1 << 20);
    expect(large.length).toBe((5 << 20) + 1);
    expect(large.buffer.byteLength).toBe(6 << 20);
  });

  it("reuses the smallest buffer that fits, and a fresh one when none does", () => {
    const shelf = new BufferShelf();
    const [one, four, eight] = [shelf.take(1 << 20), shelf.take(4 << 20), shelf.take(8 << 20)];
    for (const bytes of [eight, one, four]) shelf.give(bytes.subarray(0, 10));
    expect(shelf.take(3 << 20).buffer).toBe(four.buffer);
    expect(shelf.take(100).buffer).toBe(one.buffer);
    expect(shelf.take(7 << 20).buffer).toBe(eight.buffer);
    const fresh = shelf.take(100);
    expect([one.buffer, four.buffer, eight.buffer]).not.toContain(fresh.buffer);
  });

  it("never hands out one buffer twice, even when it was put back twice", () => {
    const shelf = new BufferShelf();
    const bytes = shelf.take(100);
    shelf.give(bytes);
    shelf.give(bytes.subarray(5));
    expect(shelf.take(100).buffer).toBe(bytes.buffer);
    expect(shelf.take(100).buffer).not.toBe(bytes.buffer);
  });

  it("keeps at most keepBytes on the shelf", () => {
    const shelf = new BufferShelf(3 << 20);
    const taken = [1, 2, 3].map(() => shelf.take(1 << 20));
    const extra = shelf.take(2 << 20);
    for (const bytes of [...taken, extra]) shelf.give(bytes);
    const again = [1, 2, 3, 4].map(() => shelf.take(1 << 20).buffer);
    expect(again.slice(0, 3).sort()).toEqual(taken.map((bytes) => bytes.buffer).sort());
    expect(taken.map((bytes) => bytes.buffer)).not.toContain(again[3]);
    expect(again[3]).not.toBe(extra.buffer);
  });
});
