import { randomUUID } from "node:crypto";
import { type CryptoKey, type JWTPayload, jwtVerify, type KeyObject, SignJWT } from "jose";
import { z } from "zod";
import { ReauthenticationRequiredError, UnauthenticatedError } from "../errors.ts";
import { roleSchema } from "./roles.ts";
import type { IdentitySettings } from "./settings.ts";

const issuer = "govdr";
const audience = "govdr-api";

/**
 * What a session may do. A user who must change an initial or expired password, or still has to
 * pass MFA, gets a session scoped to that one step and nothing else (R-IA-08, R-IA-09).
 */
export const sessionScopes = ["full", "change-password", "mfa"] as const;

export const sessionClaimsSchema = z.object({
  sub: z.string().min(1),
  tid: z.string().min(1),
  roles: z.array(roleSchema).min(1),
  sid: z.uuid(),
  scope: z.enum(sessionScopes),
  auth_time: z.number().int(),
  amr: z.array(z.enum(["pwd", "otp"])).min(1),
});
export type SessionClaims = z.infer<typeof sessionClaimsSchema>;

type SigningKey = CryptoKey | KeyObject;

export async function issueSessionToken(
  claims: Omit<SessionClaims, "sid"> & { sid?: string },
  privateKey: SigningKey,
  settings: IdentitySettings,
  now: Date,
): Promise<{ token: string; sid: string; expiresAt: Date }> {
  const sid = claims.sid ?? randomUUID();
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = new Date((issuedAt + settings.sessionMinutes * 60) * 1000);
  const token = await new SignJWT({ ...claims, sid } as JWTPayload)
    .setProtectedHeader({ alg: "EdDSA", typ: "JWT" })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(privateKey);
  return { token, sid, expiresAt };
}

/** Verifies signature, issuer, audience and expiry, then the claims' shape; any failure is a 401. */
export async function verifySessionToken(
  token: string,
  publicKey: SigningKey,
  now: Date,
): Promise<SessionClaims> {
  try {
    const { payload } = await jwtVerify(token, publicKey, {
      issuer,
      audience,
      algorithms: ["EdDSA"],
      currentDate: now,
    });
    return sessionClaimsSchema.parse(payload);
  } catch {
    throw new UnauthenticatedError("The session is invalid or has expired; sign in again");
  }
}

/** Sensitive actions need a sign-in within the last `reauthenticationMinutes` (DESIGN.md §API). */
export function requireRecentAuthentication(
  claims: SessionClaims,
  now: Date,
  settings: IdentitySettings,
): void {
  if (now.getTime() / 1000 - claims.auth_time > settings.reauthenticationMinutes * 60) {
    throw new ReauthenticationRequiredError(
      `This action needs a sign-in within the last ${settings.reauthenticationMinutes} minutes; sign in again to continue`,
    );
  }
}

/** An idle session (no request for `idleMinutes`) must sign in again (R-IA-06). */
export function sessionIsIdle(lastSeenAt: Date, now: Date, settings: IdentitySettings): boolean {
  return now.getTime() - lastSeenAt.getTime() > settings.idleMinutes * 60_000;
}
