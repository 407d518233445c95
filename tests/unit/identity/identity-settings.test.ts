import { describe, expect, it } from "vitest";
import { ConflictError } from "../../../shared/errors.ts";
import { defaultIdentitySettings } from "../../../shared/identity/settings.ts";
import {
  changeIdentitySettings,
  identitySettingsChangeSchema,
} from "../../../shared/identity/settings-service.ts";
import {
  cachedSettings,
  type IdentitySettingsStore,
  type StoredIdentitySettings,
} from "../../../shared/identity/settings-store.ts";
import { claimsFor } from "../../support/identity-fixtures.ts";

class MemorySettingsStore implements IdentitySettingsStore {
  stored: StoredIdentitySettings = { settings: defaultIdentitySettings, version: 0 };
  reads = 0;

  async get() {
    this.reads += 1;
    return this.stored;
  }

  async put(next: StoredIdentitySettings) {
    if (next.version !== this.stored.version + 1) throw new ConflictError("stale", "STALE_VERSION");
    this.stored = next;
  }
}

const securityAdmin = claimsFor(["security-admin"], "platform", "u-secadmin0001");
const now = new Date("2026-11-21T08:00:00.000Z");

describe("identity settings (R-IA-05, R-IA-06)", () => {
  it("changes only the named settings and records who changed them and when", async () => {
    const store = new MemorySettingsStore();

    const { before, after } = await changeIdentitySettings(
      store,
      securityAdmin,
      identitySettingsChangeSchema.parse({ version: 0, settings: { lockoutThreshold: 3, idleMinutes: 10 } }),
      now,
    );

    expect(before.settings).toEqual(defaultIdentitySettings);
    expect(after).toEqual({
      settings: { ...defaultIdentitySettings, lockoutThreshold: 3, idleMinutes: 10 },
      version: 1,
      updatedAt: now.toISOString(),
      updatedBy: "u-secadmin0001",
    });
  });

  it("refuses values outside the standard's bounds, unknown settings and an empty change", () => {
    const refused = [
      { version: 0, settings: { passwordMinLength: 12 } },
      { version: 0, settings: { passwordMaxAgeDays: 120 } },
      { version: 0, settings: { lockoutThreshold: 1 } },
      { version: 0, settings: { mfaRequired: false } },
      { version: 0, settings: {} },
      { settings: { idleMinutes: 10 } },
    ];
    for (const body of refused) {
      expect(identitySettingsChangeSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });

  it("refuses a change based on a version someone else changed meanwhile", async () => {
    const store = new MemorySettingsStore();
    await changeIdentitySettings(store, securityAdmin, { version: 0, settings: { idleMinutes: 10 } }, now);

    await expect(
      changeIdentitySettings(store, securityAdmin, { version: 0, settings: { idleMinutes: 20 } }, now),
    ).rejects.toThrow(ConflictError);
    expect(store.stored.settings.idleMinutes).toBe(10);
  });

  it("serves settings from a cache at most maxAge old, so a change reaches every function in time", async () => {
    const store = new MemorySettingsStore();
    let clock = 0;
    const settings = cachedSettings(store, 60_000, () => clock);

    await settings();
    await changeIdentitySettings(store, securityAdmin, { version: 0, settings: { idleMinutes: 10 } }, now);
    const cached = await settings();
    clock = 60_001;
    const fresh = await settings();

    expect(cached.idleMinutes).toBe(15);
    expect(fresh.idleMinutes).toBe(10);
    expect(store.reads).toBe(3);
  });
});
