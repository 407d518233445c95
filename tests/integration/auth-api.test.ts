import { describe, expect, it } from "vitest";
import { verifyChain } from "../../shared/audit/chain.ts";
import { totpCode } from "../support/identity-fixtures.ts";
import { call } from "./support/api.ts";
import { chainedRecords } from "./support/audit.ts";
import { localStack } from "./support/emulator.ts";
import { seedTenantUser } from "./support/seed.ts";

const initial = "Initial-Passw0rd!";
const chosen = "Chongqing-DR-2026!";

describe("auth API on the local stack", () => {
  it("R-IA-08/09: initial password → forced change → MFA enrolment → full session, every step audited", async () => {
    const { tenant, user, stores } = await seedTenantUser({
      password: initial,
      roles: ["tenant-admin"],
      mustChangePassword: true,
    });

    const login = await call("POST", "/auth/login", { body: { userName: user.userName, password: initial } });
    expect(login).toMatchObject({ status: 200, body: { scope: "change-password" } });
    const stepToken = login.body.token as string;

    const outOfStep = await call("POST", "/auth/mfa/enrolment", { token: stepToken });
    expect(outOfStep).toMatchObject({ status: 403, body: { code: "FORBIDDEN" } });

    const changed = await call("POST", "/auth/password", {
      token: stepToken,
      body: { currentPassword: initial, newPassword: chosen },
    });
    expect(changed).toMatchObject({ status: 200, body: { scope: "enrol-mfa" } });
    const enrolToken = changed.body.token as string;

    const enrolment = await call("POST", "/auth/mfa/enrolment", { token: enrolToken });
    expect(enrolment.status).toBe(200);
    const verified = await call("POST", "/auth/mfa/verification", {
      token: enrolToken,
      body: { code: await totpCode(enrolment.body.secret as string, new Date()) },
    });
    expect(verified).toMatchObject({ status: 200, body: { scope: "full" } });
    const fullToken = verified.body.token as string;

    const session = await call("GET", "/auth/session", { token: fullToken });
    expect(session).toMatchObject({
      status: 200,
      body: {
        userId: user.userId,
        tenantId: tenant.tenantId,
        roles: ["tenant-admin"],
        scope: "full",
        amr: ["pwd", "otp"],
      },
    });
    expect((await call("GET", "/auth/session", { token: stepToken })).status).toBe(401);

    const records = await chainedRecords(stores.audit, tenant.tenantId);
    const names = records.map((r) => r.event.eventName);
    expect(names).toEqual(
      expect.arrayContaining([
        "Login",
        "ChangePassword",
        "StartMfaEnrolment",
        "VerifyMfa",
        "GetSession",
        "AuthorizeRequest",
      ]),
    );
    const login1 = records.find((r) => r.event.eventName === "Login");
    expect(login1?.event).toMatchObject({
      userIdentity: { type: "Anonymous" },
      requestParameters: { userName: user.userName, password: "***REDACTED***" },
      resources: [{ type: "govdr::user", id: user.userId }],
    });
    const change = records.find((r) => r.event.eventName === "ChangePassword");
    expect(change?.event.userIdentity).toMatchObject({
      principalId: user.userId,
      tenantId: tenant.tenantId,
      role: "tenant-admin",
    });
    expect(JSON.stringify(records)).not.toContain(chosen);
    expect(JSON.stringify(records)).not.toContain(initial);
    const denied = records.filter(
      (r) => r.event.eventName === "AuthorizeRequest" && r.event.errorCode === "FORBIDDEN",
    );
    expect(denied.length).toBeGreaterThanOrEqual(1);
    expect(
      await verifyChain(tenant.tenantId, records, await stores.audit.head(tenant.tenantId)),
    ).toMatchObject({ ok: true });
  });

  it("R-IA-05: locks the account after 5 wrong passwords and records it in the tenant's audit trail", async () => {
    const { tenant, user, stores } = await seedTenantUser({ password: chosen, roles: ["tenant-operator"] });

    const codes: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      codes.push(
        (
          await call("POST", "/auth/login", {
            body: { userName: user.userName, password: "Wrong-Passw0rd!" },
          })
        ).body.code,
      );
    }
    const rightButLocked = await call("POST", "/auth/login", {
      body: { userName: user.userName, password: chosen },
    });

    expect(codes).toEqual([...Array(4).fill("INVALID_CREDENTIALS"), "ACCOUNT_LOCKED"]);
    expect(rightButLocked).toMatchObject({ status: 401, body: { code: "ACCOUNT_LOCKED" } });
    const records = await chainedRecords(stores.audit, tenant.tenantId);
    expect(records.filter((r) => r.event.errorCode === "ACCOUNT_LOCKED")).toHaveLength(2);
  });

  it("signs out: the token stops working at once", async () => {
    const { user } = await seedTenantUser({ password: chosen, roles: ["tenant-auditor"] });
    const { body } = await call("POST", "/auth/login", {
      body: { userName: user.userName, password: chosen },
    });

    expect((await call("POST", "/auth/logout", { token: body.token as string })).status).toBe(200);

    expect(await call("GET", "/auth/session", { token: body.token as string })).toMatchObject({
      status: 401,
      body: { code: "UNAUTHENTICATED" },
    });
  });

  it("answers bad input with 400 and the field paths, never a 500", async () => {
    for (const body of [{}, { userName: "x" }, { userName: 42, password: [] }, "not json"]) {
      const response = await fetch(`${localStack().apiUrl}/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { code: string }).code).toBe("VALIDATION_FAILED");
    }
  });
});
