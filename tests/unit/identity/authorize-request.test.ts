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
const anyNetwork = async () => [] as string[];
const live = (scope: SessionClaims["scope"], roles: SessionClaims["roles"] = ["tenant-admin"]) => ({
  authenticate: async () => ({ ...claims(scope), roles }),
  ipAllowList: anyNetwork,
});
const at = { token: "t", sourceIp: "198.51.100.7" };

describe("authorizeRequest", () => {
  it("allows any route for a full session and passes its claims on", async () => {
    expect(
      await authorizeRequest(live("full"), { ...at, method: "DELETE", resource: "/systems/{id}" }),
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
    ["agent", "PUT", "/systems/{systemId}/snapshots/{snapshotId}", "Allow"],
    ["agent", "GET", "/systems/{systemId}/snapshots", "Allow"],
    ["agent", "GET", "/systems/{systemId}", "Deny"],
    ["agent", "POST", "/systems/{systemId}/agent-keys", "Deny"],
    ["agent", "GET", "/audit/events", "Deny"],
  ] as const)("R-IA-08/09: a %s session calling %s %s is %s", async (scope, method, resource, decision) => {
    expect((await authorizeRequest(live(scope), { ...at, method, resource })).decision).toBe(decision);
  });

  it("answers Unauthorized, with the reason, for a missing, expired or ended session", async () => {
    const ended = async () => {
      throw new UnauthenticatedError("This session has ended; sign in again", "SESSION_ENDED");
    };

    expect(
      await authorizeRequest(
        { authenticate: ended, ipAllowList: anyNetwork },
        { method: "GET", resource: "/systems", sourceIp: at.sourceIp },
      ),
    ).toEqual({
      decision: "Unauthorized",
      reason: "SESSION_ENDED: This session has ended; sign in again",
    });
  });

  it("does not swallow unexpected failures (e.g. the session table is unreachable)", async () => {
    const broken = async () => {
      throw new Error("connect ECONNREFUSED");
    };

    await expect(
      authorizeRequest(
        { authenticate: broken, ipAllowList: anyNetwork },
        { ...at, method: "GET", resource: "/x" },
      ),
    ).rejects.toThrow("ECONNREFUSED");
  });

  describe("R-IA-04: the unit's IP allow-list for management actions", () => {
    const fromOffice = (roles: SessionClaims["roles"] = ["tenant-admin"]) => ({
      authenticate: async () => ({ ...claims("full"), roles }),
      ipAllowList: async (tenantId: string) => (tenantId === "t-1" ? ["10.20.0.0/16", "2001:db8::/32"] : []),
    });

    it.each([
      ["POST", "/systems", "10.20.3.4", "Allow"],
      ["PUT", "/systems/{systemId}/policy", "2001:db8::9", "Allow"],
      ["POST", "/systems", "198.51.100.7", "Deny"],
      ["PUT", "/users/{userId}/roles", "198.51.100.7", "Deny"],
      ["GET", "/systems", "198.51.100.7", "Allow"],
      ["POST", "/auth/logout", "198.51.100.7", "Allow"],
    ] as const)("%s %s from %s is %s", async (method, resource, sourceIp, decision) => {
      const result = await authorizeRequest(fromOffice(), { token: "t", method, resource, sourceIp });

      expect(result.decision).toBe(decision);
      if (decision === "Deny") expect(result.reason).toMatch(/^IP_NOT_ALLOWED: .*198\.51\.100\.7/);
    });

    it("does not apply it to a backup agent recording its snapshots (not a management action)", async () => {
      const agent = {
        authenticate: async () => ({ ...claims("agent"), roles: ["backup-agent" as const] }),
        ipAllowList: fromOffice().ipAllowList,
      };
      const result = await authorizeRequest(agent, {
        ...at,
        method: "PUT",
        resource: "/systems/{systemId}/snapshots/{snapshotId}",
      });

      expect(result.decision).toBe("Allow");
    });

    it("does not apply a unit's list to platform staff", async () => {
      const result = await authorizeRequest(fromOffice(["security-admin"]), {
        ...at,
        method: "PUT",
        resource: "/tenants/{tenantId}/ip-allow-list",
      });

      expect(result.decision).toBe("Allow");
    });
  });
});
