import { randomBytes } from "node:crypto";
import { passwordProblems } from "./password-policy.ts";
import type { IdentitySettings } from "./settings.ts";

/**
 * A one-time password for a new or reset account (R-IA-08): 21 characters with 96 random bits,
 * drawn until it passes the password policy. The user must change it at first sign-in.
 */
export function oneTimePassword(userName: string, settings: IdentitySettings): string {
  for (;;) {
    const candidate = `Dr-${randomBytes(12).toString("base64url")}9a`;
    if (passwordProblems(candidate, userName, settings).length === 0) return candidate;
  }
}
