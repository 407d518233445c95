import { type IdentitySettings, identitySettingsSchema } from "./settings.ts";

/** The platform's identity settings as stored; version 0 means nobody changed the defaults yet. */
export interface StoredIdentitySettings {
  settings: IdentitySettings;
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

export interface IdentitySettingsStore {
  get(): Promise<StoredIdentitySettings>;
  /** Writes `next` if the stored version is `next.version - 1` (optimistic locking). */
  put(next: StoredIdentitySettings): Promise<void>;
}

/**
 * Settings as the services read them: from the store, at most `maxAgeMs` old. A change by the
 * security administrator reaches every function within that time (docs/decisions.md D-18).
 */
export function cachedSettings(store: IdentitySettingsStore, maxAgeMs = 60_000, clock = () => Date.now()) {
  let cached: { at: number; settings: Promise<IdentitySettings> } | undefined;
  return (): Promise<IdentitySettings> => {
    if (!cached || clock() - cached.at > maxAgeMs) {
      const settings = store.get().then((stored) => identitySettingsSchema.parse(stored.settings));
      cached = { at: clock(), settings };
      settings.catch(() => {
        cached = undefined;
      });
    }
    return cached.settings;
  };
}
