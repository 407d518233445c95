import { describe, expect, it } from "vitest";
import { defaultIdentitySettings } from "../../../shared/identity/settings.ts";
import type { IdentitySettingsStore } from "../../../shared/identity/settings-store.ts";
import { at } from "./fixtures.ts";

const stale = { name: "ConflictError", code: "STALE_VERSION" };
const changed = (version: number, lockoutThreshold: number) => ({
  settings: { ...defaultIdentitySettings, lockoutThreshold },
  version,
  updatedAt: at(version),
  updatedBy: "u-secadmin0001",
});

/**
 * The IdentitySettingsStore contract. The record is one per platform: `make` hands out a store in
 * which nobody changed the settings yet.
 */
export function identitySettingsStoreContract(
  name: string,
  make: () => Promise<{ store: IdentitySettingsStore }>,
): void {
  describe(`IdentitySettingsStore contract: ${name}`, () => {
    it("answers the default settings at version 0 while nobody changed them", async () => {
      const { store } = await make();

      expect(await store.get()).toEqual({ settings: defaultIdentitySettings, version: 0 });
    });

    it("stores the first change as version 1, with who changed it and when", async () => {
      const { store } = await make();

      await store.put(changed(1, 3));

      expect(await store.get()).toEqual(changed(1, 3));
    });

    it("stores each next version over the one before", async () => {
      const { store } = await make();
      await store.put(changed(1, 3));

      await store.put(changed(2, 7));

      expect(await store.get()).toEqual(changed(2, 7));
    });

    it("refuses a change that is not the next version (STALE_VERSION) and keeps the stored settings", async () => {
      const { store } = await make();
      await expect(store.put(changed(2, 7))).rejects.toMatchObject(stale);
      await store.put(changed(1, 3));

      for (const version of [1, 3]) await expect(store.put(changed(version, 9))).rejects.toMatchObject(stale);
      expect(await store.get()).toEqual(changed(1, 3));
    });
  });
}
