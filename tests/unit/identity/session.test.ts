import { generate } from "otplib";
import { describe, expect, it } from "vitest";
import {
  issueSessionToken,
  requireRecentAuthentication,
  type SessionClaims,
  sessionIsIdle,
  signingKey,
  verifySessionToken,
} from "../../../shared/identity/session-token.ts";
import { defaultIdentitySettings as settings } from "../../../shared/identity/settings.ts";
import { newTotpEnrolment, verifyTotp } from "../../../shared/identity/totp.ts";

const keys = { privateKey: signingKey("k".repeat(32)), publicKey: signingKey("k".repeat(32)) };
const otherKeys = { privateKey: signingKey("o".repeat(32)) };

const now = new Date("2026-11-21T08:00:00Z");
const claims = {
  sub: "u-1",
  tid: "t-1",
  roles: ["tenant-admin" as const],
  scope: "full" as const,
  auth_time: Math.floor(now.getTime() / 1000),
  amr: ["pwd" as const, "otp" as const],
};

describe("session tokens", () => {
  it("round-trip their claims until they expire after the session length", async () => {
    const { token, sid, expiresAt } = await issueSessionToken(claims, keys.privateKey, settings, now);

    expect(await verifySessionToken(token, keys.publicKey, new Date(now.getTime() + 60_000))).toEqual({
      ...claims,
      sid,
    });
    expect(expiresAt.getTime() - now.getTime()).toBe(15 * 60_000);
    await expect(
      verifySessionToken(token, keys.publicKey, new Date(expiresAt.getTime() + 1000)),
    ).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
  });

  it("refuse tokens signed by another key, tampered with, or missing claims", async () => {
    const { token } = await issueSessionToken(claims, keys.privateKey, settings, now);
    const [header, payload, signature] = token.split(".");
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? "", "base64url").toString()), tid: "t-2" }),
    ).toString("base64url");
    const { token: alien } = await issueSessionToken(claims, otherKeys.privateKey, settings, now);
    const { token: shapeless } = await issueSessionToken(
      { ...claims, roles: [] } as unknown as SessionClaims,
      keys.privateKey,
      settings,
      now,
    );

    for (const bad of [alien, `${header}.${forgedPayload}.${signature}`, shapeless, "not-a-jwt"]) {
      await expect(verifySessionToken(bad, keys.publicKey, now)).rejects.toMatchObject({
        name: "UnauthenticatedError",
      });
    }
  });

  it("refuse a signing key shorter than 32 bytes", () => {
    expect(() => signingKey("short")).toThrow(/at least 32 bytes/);
  });

  it("demand a recent sign-in for sensitive actions, and expire idle sessions", async () => {
    const signedIn: SessionClaims = { ...claims, sid: "00000000-0000-4000-8000-000000000000" };

    expect(() =>
      requireRecentAuthentication(signedIn, new Date(now.getTime() + 4 * 60_000), settings),
    ).not.toThrow();
    expect(() =>
      requireRecentAuthentication(signedIn, new Date(now.getTime() + 6 * 60_000), settings),
    ).toThrow(expect.objectContaining({ code: "REAUTHENTICATION_REQUIRED" }));
    expect(sessionIsIdle(now, new Date(now.getTime() + 15 * 60_000), settings)).toBe(false);
    expect(sessionIsIdle(now, new Date(now.getTime() + 15 * 60_000 + 1), settings)).toBe(true);
  });
});

describe("TOTP (R-IA-09)", () => {
  it("accepts the current code, tolerates one step of drift, and refuses replays and stale codes", async () => {
    const { secret, uri } = newTotpEnrolment("govdr", "alice@t-1");
    const epoch = Math.floor(now.getTime() / 1000);
    const code = await generate({ secret, epoch });

    const first = await verifyTotp(secret, code, { now });
    expect(first.valid).toBe(true);
    expect(uri).toMatch(/^otpauth:\/\/totp\/govdr:alice%40t-1\?secret=[A-Z2-7]+/);
    expect((await verifyTotp(secret, code, { now: new Date(now.getTime() + 30_000) })).valid).toBe(true);
    const replay = await verifyTotp(secret, code, {
      now,
      lastTimeStep: first.valid ? first.timeStep : undefined,
    });
    expect(replay.valid).toBe(false);
    expect((await verifyTotp(secret, code, { now: new Date(now.getTime() + 120_000) })).valid).toBe(false);
    expect((await verifyTotp(secret, "12345", { now })).valid).toBe(false);
  });
});
