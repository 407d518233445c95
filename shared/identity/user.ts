import { z } from "zod";
import { newId } from "../stores/ids.ts";
import { safeText } from "../validation/text.ts";
import { roleSchema } from "./roles.ts";

export const userNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9._-]{2,39}$/i, "3–40 letters, digits, . _ -, starting with a letter");

export const userSchema = z.object({
  userId: z.string().regex(/^u-[0-9a-z]{12}$/),
  /** The tenant the user belongs to, or "platform" for platform staff. */
  tenantId: z.string().min(1),
  userName: userNameSchema,
  displayName: safeText(1, 60),
  roles: z.array(roleSchema).min(1),
  status: z.enum(["pending", "active", "disabled"]),
  passwordHash: z.string().startsWith("scrypt$"),
  passwordChangedAt: z.iso.datetime(),
  /** An initial, default or reset password: nothing but a password change works until it is changed. */
  mustChangePassword: z.boolean(),
  mfa: z.object({
    /** KMS-encrypted TOTP secret (base64), bound to tenant and user by the encryption context. */
    secretCiphertext: z.string().optional(),
    enrolled: z.boolean(),
    lastTimeStep: z.number().int().optional(),
  }),
  loginFailures: z.object({
    consecutiveFailures: z.number().int().min(0),
    lockedUntil: z.iso.datetime().optional(),
  }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int().min(1),
});
export type User = z.infer<typeof userSchema>;

/** A user as the API shows it: never the hash, the MFA secret or the failure counters. */
export function publicUser(user: User) {
  const { passwordHash: _h, mfa, loginFailures, ...rest } = user;
  return { ...rest, mfaEnrolled: mfa.enrolled, locked: loginFailures.lockedUntil !== undefined };
}

/** A new account: no MFA yet, no failures, version 1. Every place that creates users builds it here. */
export function newUserRecord(fields: {
  tenantId: string;
  userName: string;
  displayName: string;
  roles: User["roles"];
  passwordHash: string;
  status: User["status"];
  mustChangePassword: boolean;
  at: string;
}): User {
  const { at, ...rest } = fields;
  return {
    ...rest,
    userId: newId("u"),
    passwordChangedAt: at,
    mfa: { enrolled: false },
    loginFailures: { consecutiveFailures: 0 },
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}
