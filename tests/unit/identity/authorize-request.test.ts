import { describe, expect, it } from "vitest";
import { UnauthenticatedError } from "../../../shared/errors.ts";
import { authorizeRequest } from "../../../shared/identity/authorize-request.ts";
import type { SessionClaims } from "../../../shared/identity/session-token.ts";

const claims = (scope: SessionClaims["scope"]): SessionClaims => ({
  sub: "u-1",
  tid: "t-1",
  roles: ["tenant-admin"],
  sid: "00000000-0000-4000-8000-000000000000",
  scope,
  auth_time: 0,
  amr: ["pwd"],
});
const live = (scope: SessionClaims["scope"]) => async () => claims(scope);

describe("authorizeRequest", () => {
  it("allows any route for a full session and passes its claims on", async () => {
    expect(
      await authorizeRequest(live("full"), { token: "t", method: "DELETE", resource: "/systems/{id}" }),
    ).toEqual({
      decision: "Allow",
      claims: claims("full"),
    });
  });

  it.each([
    ["change-password", "POST", "/auth/password", "Allow"],
    ["change-password", "GET", "/systems", "Deny"],
    ["change-password", "POST", "/auth/mfa/enrolment", "Deny"],
    ["enrol-mfa", "POST", "/auth/mfa/enrolment", "Allow"],
    ["enrol-mfa", "POST", "/auth/mfa/verification", "Allow"],
    ["verify-mfa", "POST", "/auth/mfa/enrolment", "Deny"],
    ["verify-mfa", "GET", "/auth/session", "Allow"],
    ["verify-mfa", "POST", "/auth/logout", "Allow"],
  ] as const)("R-IA-08/09: a %s session calling %s %s is %s", async (scope, method, resource, decision) => {
    expect((await authorizeRequest(live(scope), { token: "t", method, resource })).decision).toBe(decision);
  });

  it("answers Unauthorized, with the reason, for a missing, expired or ended session", async () => {
    const ended = async () => {
      throw new UnauthenticatedError("This session has ended; sign in again", "SESSION_ENDED");
    };

    expect(await authorizeRequest(ended, { method: "GET", resource: "/systems" })).toEqual({
      decision: "Unauthorized",
      reason: "SESSION_ENDED: This session has ended; sign in again",
    });
  });

  it("does not swallow unexpected failures (e.g. the session table is unreachable)", async () => {
    const broken = async () => {
      throw new Error("connect ECONNREFUSED");
    };

    await expect(authorizeRequest(broken, { token: "t", method: "GET", resource: "/x" })).rejects.toThrow(
      "ECONNREFUSED",
    );
  });
});
