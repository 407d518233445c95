import { beforeEach, describe, expect, it } from "vitest";
import { IdentityService } from "../../../shared/identity/identity-service.ts";
import { verifySessionToken } from "../../../shared/identity/session-token.ts";
import { defaultIdentitySettings as settings } from "../../../shared/identity/settings.ts";
import { fakeCipher, makeTenant, makeUser, testKey, totpCode } from "../../support/identity-fixtures.ts";
import { MemoryStores } from "../../support/memory-stores.ts";

const initial = "Initial-Passw0rd!";
const chosen = "Chongqing-DR-2026!";
let clock: Date;
let stores: MemoryStores;
let identity: IdentityService;
let tenantId: string;

const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};
const claimsOf = (token: string) => verifySessionToken(token, testKey, clock);

beforeEach(async () => {
  clock = new Date("2026-11-21T08:00:00Z");
  stores = new MemoryStores();
  identity = new IdentityService({
    ...stores,
    key: testKey,
    mfaCipher: fakeCipher,
    settings: async () => settings,
    now: () => clock,
    issuer: "govdr",
  });
  const tenant = makeTenant(clock);
  tenantId = tenant.tenantId;
  const admin = await makeUser({
    tenantId,
    userName: "admin",
    password: initial,
    roles: ["tenant-admin"],
    mustChangePassword: true,
    at: clock,
  });
  await stores.tenants.register(tenant, admin);
});

describe("sign-in steps", () => {
  it("R-IA-08/R-IA-09: an admin with an initial password must change it, then enrol MFA, before a full session", async () => {
    const first = await identity.login("ADMIN", initial);
    expect(first.scope).toBe("change-password");

    const changed = await identity.changePassword(await claimsOf(first.token), initial, chosen);
    expect(changed.scope).toBe("enrol-mfa");

    const { secret, otpauthUri } = await identity.startMfaEnrolment(await claimsOf(changed.token));
    expect(otpauthUri).toContain("otpauth://totp/govdr:admin");
    const full = await identity.verifyMfa(await claimsOf(changed.token), await totpCode(secret, clock));

    const claims = await claimsOf(full.token);
    expect(full.scope).toBe("full");
    expect(claims).toMatchObject({
      tid: tenantId,
      roles: ["tenant-admin"],
      amr: ["pwd", "otp"],
      scope: "full",
    });
    await expect(identity.authenticate(first.token)).rejects.toMatchObject({ code: "SESSION_ENDED" });
    await expect(identity.authenticate(changed.token)).rejects.toMatchObject({ code: "SESSION_ENDED" });
    expect((await identity.authenticate(full.token)).sid).toBe(claims.sid);
  });

  it("R-IA-09: an enrolled user signs in with password then code; a replayed code is refused", async () => {
    const s1 = await identity.login("admin", initial);
    const s2 = await identity.changePassword(await claimsOf(s1.token), initial, chosen);
    const { secret } = await identity.startMfaEnrolment(await claimsOf(s2.token));
    const code = await totpCode(secret, clock);
    await identity.verifyMfa(await claimsOf(s2.token), code);

    const again = await identity.login("admin", chosen);
    expect(again.scope).toBe("verify-mfa");
    await expect(identity.verifyMfa(await claimsOf(again.token), code)).rejects.toMatchObject({
      code: "INVALID_MFA_CODE",
    });
    advance(30_000);
    expect((await identity.verifyMfa(await claimsOf(again.token), await totpCode(secret, clock))).scope).toBe(
      "full",
    );
  });

  it("keeps a step-scoped session from doing anything else", async () => {
    const first = await identity.login("admin", initial);

    await expect(identity.startMfaEnrolment(await claimsOf(first.token))).rejects.toMatchObject({
      code: "SESSION_STEP_REQUIRED",
    });
  });

  it("R-IA-07: refuses a new password that breaks the policy, naming every problem", async () => {
    const first = await identity.login("admin", initial);

    await expect(
      identity.changePassword(await claimsOf(first.token), initial, "short"),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      fieldErrors: [
        { path: "newPassword", message: "A password needs at least 14 characters." },
        {
          path: "newPassword",
          message:
            "A password needs at least three of: lower-case letters, upper-case letters, digits, symbols.",
        },
      ],
    });
    await expect(
      identity.changePassword(await claimsOf(first.token), initial, initial),
    ).rejects.toMatchObject({
      fieldErrors: [{ path: "newPassword", message: "The new password must differ from the current one." }],
    });
  });

  it("R-IA-07: a password older than 90 days forces a change at the next sign-in", async () => {
    const operator = await makeUser({
      tenantId,
      userName: "op1",
      password: chosen,
      roles: ["tenant-operator"],
      at: clock,
    });
    await stores.users.create(operator);
    expect((await identity.login("op1", chosen)).scope).toBe("full");

    advance(90 * 86_400_000);

    expect((await identity.login("op1", chosen)).scope).toBe("change-password");
  });
});

describe("failures", () => {
  it("R-IA-05: locks the account after 5 wrong passwords, refusing even the right one until the lock expires", async () => {
    const attempts: string[] = [];
    for (let i = 0; i < 5; i++) {
      attempts.push(await identity.login("admin", "wrong").catch((e) => e.code));
    }

    expect(attempts).toEqual([
      "INVALID_CREDENTIALS",
      "INVALID_CREDENTIALS",
      "INVALID_CREDENTIALS",
      "INVALID_CREDENTIALS",
      "ACCOUNT_LOCKED",
    ]);
    await expect(identity.login("admin", initial)).rejects.toMatchObject({ code: "ACCOUNT_LOCKED" });
    advance(31 * 60_000);
    expect((await identity.login("admin", initial)).scope).toBe("change-password");
  });

  it("answers an unknown user exactly like a wrong password", async () => {
    await expect(identity.login("nobody", initial)).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
      message: "The user name or password is wrong",
    });
  });

  it("refuses sign-in for a pending or disabled account even in an active organisation", async () => {
    for (const status of ["pending", "disabled"] as const) {
      const user = {
        ...(await makeUser({
          tenantId,
          userName: `acct.${status}`,
          password: chosen,
          roles: ["tenant-operator"],
          at: clock,
        })),
        status,
      };
      await stores.users.create(user);

      await expect(identity.login(user.userName, chosen)).rejects.toMatchObject({
        code: "ACCOUNT_NOT_ACTIVE",
      });
    }
  });

  it("refuses sign-in while the organisation is not active", async () => {
    const pending = makeTenant(clock, "pending");
    await stores.tenants.register(
      pending,
      await makeUser({
        tenantId: pending.tenantId,
        userName: "newunit",
        password: chosen,
        roles: ["tenant-admin"],
        at: clock,
      }),
    );

    await expect(identity.login("newunit", chosen)).rejects.toMatchObject({ code: "TENANT_NOT_ACTIVE" });
  });
});

describe("sessions", () => {
  it("R-IA-06: ends a session idle for longer than the idle limit; activity and refresh keep it alive", async () => {
    const strict = new IdentityService({
      ...stores,
      key: testKey,
      mfaCipher: fakeCipher,
      settings: async () => ({ ...settings, idleMinutes: 10 }),
      now: () => clock,
      issuer: "govdr",
    });
    const op = await makeUser({
      tenantId,
      userName: "op2",
      password: chosen,
      roles: ["tenant-operator"],
      at: clock,
    });
    await stores.users.create(op);
    const { token } = await strict.login("op2", chosen);

    advance(9 * 60_000);
    await expect(strict.authenticate(token)).resolves.toMatchObject({ sub: op.userId });
    const refreshed = await strict.refresh(await claimsOf(token));
    advance(10 * 60_000 + 1000); // the refreshed token is still valid; the session has been idle too long

    await expect(strict.authenticate(refreshed.token)).rejects.toMatchObject({ code: "SESSION_ENDED" });
    await expect(strict.refresh(await claimsOf(refreshed.token))).rejects.toMatchObject({
      code: "SESSION_ENDED",
    });
  });

  it("writes a session's last use at most every 10 s, so concurrent requests of one session do not all write it", async () => {
    await stores.users.create(
      await makeUser({ tenantId, userName: "op3", password: chosen, roles: ["tenant-operator"], at: clock }),
    );
    const { token } = await identity.login("op3", chosen);
    const { sid } = await claimsOf(token);
    const touches: string[] = [];
    const touch = stores.sessions.touch.bind(stores.sessions);
    stores.sessions.touch = async (id, at) => {
      touches.push(at);
      return touch(id, at);
    };

    await Promise.all(Array.from({ length: 20 }, () => identity.authenticate(token)));
    advance(9_000);
    await identity.authenticate(token);
    advance(1_000);
    await identity.authenticate(token);

    expect(touches).toEqual([clock.toISOString()]);
    expect((await stores.sessions.get(sid))?.lastSeenAt).toBe(clock.toISOString());
  });

  it("ends every session 12 hours after sign-in, however active", async () => {
    await stores.users.create(
      await makeUser({ tenantId, userName: "op4", password: chosen, roles: ["tenant-operator"], at: clock }),
    );
    let { token } = await identity.login("op4", chosen);
    for (let minutes = 10; minutes < 12 * 60; minutes += 10) {
      advance(10 * 60_000);
      ({ token } = await identity.refresh(await identity.authenticate(token)));
    }

    advance(10 * 60_000);

    await expect(identity.authenticate(token)).rejects.toMatchObject({ name: "UnauthenticatedError" });
  });

  it("logout revokes the session at once", async () => {
    await stores.users.create(
      await makeUser({ tenantId, userName: "op3", password: chosen, roles: ["tenant-auditor"], at: clock }),
    );
    const { token } = await identity.login("op3", chosen);

    await identity.logout(await claimsOf(token));

    await expect(identity.authenticate(token)).rejects.toMatchObject({ code: "SESSION_ENDED" });
  });
});

describe("concurrent sign-ins of one user (issue #17)", () => {
  const operatorPassword = "Operator-Passw0rd-2026";
  async function operator(loginFailures = { consecutiveFailures: 0 }) {
    const user = await makeUser({
      tenantId,
      userName: "operator",
      password: operatorPassword,
      roles: ["tenant-operator"],
      at: clock,
    });
    await stores.users.create({ ...user, loginFailures });
    return user;
  }

  it("all succeed, also when each has failures to clear and they race to clear them", async () => {
    const user = await operator({ consecutiveFailures: 2 });

    const grants = await Promise.all(
      Array.from({ length: 8 }, () => identity.login("operator", operatorPassword)),
    );

    expect(grants.map((g) => g.scope)).toEqual(Array(8).fill("full"));
    expect((await stores.users.get(tenantId, user.userId))?.loginFailures).toEqual({
      consecutiveFailures: 0,
    });
  });

  it("R-IA-05: every one of concurrent wrong passwords counts towards the lockout", async () => {
    const user = await operator();

    const codes = await Promise.all(
      Array.from({ length: 3 }, () =>
        identity.login("operator", "Wrong-Passw0rd-2026").catch((error) => error.code as string),
      ),
    );

    expect(codes).toEqual(Array(3).fill("INVALID_CREDENTIALS"));
    expect((await stores.users.get(tenantId, user.userId))?.loginFailures.consecutiveFailures).toBe(3);
  });
});
