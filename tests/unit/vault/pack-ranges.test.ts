import { describe, expect, it } from "vitest";
import { ByteBudget } from "../../../shared/vault/byte-budget.ts";
import { planRanges } from "../../../shared/vault/pack-ranges.ts";
import type { ChunkToFetch } from "../../../shared/vault/workers/protocol.ts";

const chunk = (pack: string, offset: number, length: number): ChunkToFetch => ({
  id: `${pack}-${offset}`,
  pack,
  offset,
  length,
  rawLength: length,
  suite: "aes-256-gcm",
});
const limits = { maxGap: 100, maxLength: 1000 };

describe("planning ranged reads of packs", () => {
  it("joins neighbours of a pack, reading small gaps along, in offset order", () => {
    const chunks = [chunk("a", 300, 50), chunk("a", 0, 100), chunk("a", 100, 100), chunk("a", 450, 10)];
    expect(planRanges(chunks, limits)).toEqual([{ pack: "a", offset: 0, length: 460 }]);
  });

  it("starts a new range after a gap wider than maxGap, and for each pack", () => {
    const chunks = [chunk("b", 0, 10), chunk("a", 0, 10), chunk("a", 111, 10), chunk("a", 221, 10)];
    expect(planRanges(chunks, limits)).toEqual([
      { pack: "a", offset: 0, length: 10 },
      { pack: "a", offset: 111, length: 120 },
      { pack: "b", offset: 0, length: 10 },
    ]);
  });

  it("keeps ranges at most maxLength long unless one chunk is longer, and reads a repeated chunk once", () => {
    const chunks = [chunk("a", 0, 600), chunk("a", 600, 600), chunk("a", 600, 600), chunk("a", 1200, 1500)];
    expect(planRanges(chunks, limits)).toEqual([
      { pack: "a", offset: 0, length: 600 },
      { pack: "a", offset: 600, length: 600 },
      { pack: "a", offset: 1200, length: 1500 },
    ]);
  });
});

describe("a budget of bytes in flight", () => {
  it("holds takers back, first come first served, until what they ask for fits", async () => {
    const budget = new ByteBudget(100);
    const order: string[] = [];
    await budget.take(60);
    const big = budget.take(50).then(() => order.push("big"));
    const small = budget.take(10).then(() => order.push("small"));
    await Promise.resolve();
    expect(order).toEqual([]);
    budget.give(60);
    await Promise.all([big, small]);
    expect(order).toEqual(["big", "small"]);
    expect(budget.inUse).toBe(60);
  });

  it("lets a request larger than the limit through when nothing else is held", async () => {
    const budget = new ByteBudget(100);
    await budget.take(500);
    expect(budget.inUse).toBe(500);
    let second = false;
    const next = budget.take(1).then(() => (second = true));
    await Promise.resolve();
    expect(second).toBe(false);
    budget.give(500);
    await next;
    expect(second).toBe(true);
  });
});
