import { describe, expect, it } from "vitest";
import { inOrderAhead } from "../../../shared/vault/read-ahead.ts";

/** Loads that finish in the reverse of the order they were started in. */
function reversedLoads() {
  const started: number[] = [];
  const load = (item: number) => {
    started.push(item);
    return new Promise<number>((resolve, reject) => {
      setTimeout(() => (item === 4 ? reject(new Error("load 4 failed")) : resolve(item * 10)), 40 - item * 5);
    });
  };
  return { started, load };
}

async function* slowly(items: number[]) {
  for (const item of items) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    yield item;
  }
}

describe("inOrderAhead", () => {
  it("yields in the items' order however the loads finish, with at most `ahead` loads beyond the one consumed", async () => {
    const { started, load } = reversedLoads();
    const startedWhenYielded: number[] = [];
    const yielded: number[] = [];
    for await (const value of inOrderAhead(slowly([0, 1, 2, 3]), load, 2)) {
      yielded.push(value);
      startedWhenYielded.push(started.length);
    }

    expect(yielded).toEqual([0, 10, 20, 30]);
    expect(startedWhenYielded).toEqual([3, 4, 4, 4]);
  });

  it("fails in the failed load's turn, after the ones before it were yielded", async () => {
    const { load } = reversedLoads();
    const yielded: number[] = [];
    const consuming = (async () => {
      for await (const value of inOrderAhead([2, 3, 4, 5, 6], load, 3)) yielded.push(value);
    })();

    await expect(consuming).rejects.toThrow("load 4 failed");
    expect(yielded).toEqual([20, 30]);
  });
});
