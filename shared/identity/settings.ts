import { z } from "zod";

/**
 * Identity security settings. The standards fix only the password rules (≥14 characters, changed at
 * least every 3 months: 001 §7.5.3.2); lockout, idle timeout and re-authentication values are the
 * security administrator's to set (R-IA-05, R-IA-06), with these defaults (docs/decisions.md D-13).
 */
export const identitySettingsSchema = z.object({
  passwordMinLength: z.number().int().min(14).max(128).default(14),
  passwordMaxAgeDays: z.number().int().min(1).max(90).default(90),
  lockoutThreshold: z.number().int().min(3).max(20).default(5),
  lockoutMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(30),
  sessionMinutes: z.number().int().min(5).max(60).default(15),
  idleMinutes: z.number().int().min(5).max(60).default(15),
  /** However active, a session ends this long after sign-in. */
  sessionAbsoluteHours: z.number().int().min(1).max(24).default(12),
  reauthenticationMinutes: z.number().int().min(1).max(30).default(5),
});
export type IdentitySettings = z.infer<typeof identitySettingsSchema>;

export const defaultIdentitySettings: IdentitySettings = identitySettingsSchema.parse({});
