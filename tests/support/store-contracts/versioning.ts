import { expect, it } from "vitest";

const stale = { name: "ConflictError", code: "STALE_VERSION" };

/** One versioned store's items as the versioning contract needs them. */
export interface Versioned<T extends { version: number }> {
  /** An item stored at version 1. */
  stored: T;
  /** An item at version 2 that was never stored. */
  unstored: T;
  update(item: T): Promise<void>;
  get(item: T): Promise<T | undefined>;
  /** `item` with one of its text fields set to `text`. */
  edit(item: T, text: string): T;
}

/**
 * Optimistic versioning, the same in every versioned store: an update writes only over the version
 * just before it; a stale one, or one of an item never stored, is a STALE_VERSION that changes nothing.
 */
export function versioningContract<T extends { version: number }>(
  what: string,
  setup: () => Promise<Versioned<T>>,
): void {
  it(`refuses a stale update (STALE_VERSION) and keeps the stored ${what}`, async () => {
    const { stored, update, get, edit } = await setup();
    const first = { ...edit(stored, "第一次修改"), version: 2 };
    await update(first);

    for (const version of [1, 2, 4]) {
      await expect(update({ ...edit(stored, "过时"), version })).rejects.toMatchObject(stale);
    }
    expect(await get(stored)).toEqual(first);
  });

  it(`refuses to update a ${what} that was never stored (STALE_VERSION)`, async () => {
    const { unstored, update, get } = await setup();

    await expect(update(unstored)).rejects.toMatchObject(stale);
    expect(await get(unstored)).toBeUndefined();
  });
}
