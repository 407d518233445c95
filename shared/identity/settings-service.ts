import { z } from "zod";
import type { SessionClaims } from "./session-token.ts";
import { type IdentitySettings, identitySettingsSchema } from "./settings.ts";
import type { IdentitySettingsStore, StoredIdentitySettings } from "./settings-store.ts";

/** A change names only the settings it changes, within the same bounds; the others stay as they are. */
export const identitySettingsChangeSchema = z
  .object({
    /** The version the administrator read: a change made meanwhile is a 409, not overwritten. */
    version: z.number().int().min(0),
    settings: z
      .object(
        Object.fromEntries(
          Object.entries(identitySettingsSchema.shape).map(([name, schema]) => [
            name,
            schema.unwrap().optional(),
          ]),
        ) as { [K in keyof IdentitySettings]: z.ZodOptional<z.ZodNumber> },
      )
      .strict()
      .refine((change) => Object.keys(change).length > 0, "name at least one setting to change"),
  })
  .strict();
export type IdentitySettingsChange = z.infer<typeof identitySettingsChangeSchema>;

/** The security administrator's change of the identity settings (R-IA-05, R-IA-06); audited by the caller. */
export async function changeIdentitySettings(
  store: IdentitySettingsStore,
  caller: SessionClaims,
  change: IdentitySettingsChange,
  now: Date,
): Promise<{ before: StoredIdentitySettings; after: StoredIdentitySettings }> {
  const before = await store.get();
  const after: StoredIdentitySettings = {
    settings: identitySettingsSchema.parse({ ...before.settings, ...change.settings }),
    version: change.version + 1,
    updatedAt: now.toISOString(),
    updatedBy: caller.sub,
  };
  await store.put(after);
  return { before, after };
}
