import { randomBytes } from "node:crypto";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { SharedIdSet } from "../../../shared/vault/workers/shared-id-set.ts";

const randomId = () => randomBytes(32).toString("hex");
/** Ids that all start with the same word: they land on one slot and must probe past each other. */
const collidingIds = (count: number) =>
  Array.from({ length: count }, () => `0000abcd${randomBytes(28).toString("hex")}`);

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

describe("SharedIdSet (the chunks a backup's workers have sealed)", () => {
  it("adds an id once: the first claim wins, later ones are told it is taken", () => {
    const set = new SharedIdSet(SharedIdSet.allocate(16));
    const [a, b] = [randomId(), randomId()];
    expect([set.claim(a), set.claim(a), set.claim(b), set.claim(b)]).toEqual([true, false, true, false]);
  });

  it("tells apart ids that hash to the same slot", () => {
    const set = new SharedIdSet(SharedIdSet.allocate(16));
    const ids = collidingIds(5);
    expect(ids.map((id) => set.claim(id))).toEqual([true, true, true, true, true]);
    expect(ids.map((id) => set.claim(id))).toEqual([false, false, false, false, false]);
  });

  it("past its load limit answers undefined for new ids and still knows the ones it holds", () => {
    const set = new SharedIdSet(SharedIdSet.allocate(16));
    const held = Array.from({ length: Math.floor(16 * SharedIdSet.maxLoad) }, randomId);
    for (const id of held) expect(set.claim(id)).toBe(true);

    expect(set.claim(randomId())).toBeUndefined();
    expect(held.map((id) => set.claim(id))).toEqual(held.map(() => false));
  });

  it("refuses a capacity that is not a power of two", () => {
    expect(() => SharedIdSet.allocate(100)).toThrow(/power of two/);
  });

  it("lets exactly one of several threads add each id, whatever the interleaving", async () => {
    const buffer = SharedIdSet.allocate(1 << 14);
    // Every thread claims the same ids, many of them colliding, each in its own order.
    const ids = [...Array.from({ length: 4000 }, randomId), ...collidingIds(40)];
    const start = new SharedArrayBuffer(4);
    const threads = Array.from(
      { length: 4 },
      () =>
        new Worker(new URL("./support/claim-worker.mjs", import.meta.url), {
          workerData: { buffer, start, ids: shuffled(ids) },
        }),
    );
    const nextMessage = (thread: Worker) =>
      new Promise<unknown>((resolve, reject) => {
        thread.once("message", resolve);
        thread.once("error", reject);
      });
    expect(await Promise.all(threads.map(nextMessage))).toEqual(threads.map(() => "ready"));
    const answers = threads.map((thread) => nextMessage(thread) as Promise<string[]>);
    Atomics.store(new Int32Array(start), 0, 1);
    Atomics.notify(new Int32Array(start), 0);
    const added = await Promise.all(answers);
    await Promise.all(threads.map((thread) => thread.terminate()));

    const all = added.flat();
    expect(all.length).toBe(ids.length);
    expect(new Set(all)).toEqual(new Set(ids));
  }, 60_000);
});
