import { describe, expect, it } from "vitest";
import { call, signIn } from "./support/api.ts";
import { uniqueName } from "./support/emulator.ts";
import { seedTenantUser } from "./support/seed.ts";

const password = "Unit-Admin-Pass-2026";
const name = (prefix: string) => uniqueName(prefix).replace("-", ".");

describe("users API on the local stack", () => {
  it("a tenant-admin adds an operator who must change the one-time password; reset and disable work", async () => {
    const { user } = await seedTenantUser({ password, roles: ["tenant-admin"] });
    const { token } = await signIn(user.userName, password);
    const opName = name("op");

    const created = await call("POST", "/users", {
      token,
      body: { userName: opName, displayName: "值班员", roles: ["tenant-operator"] },
    });
    expect(created).toMatchObject({
      status: 201,
      body: { user: { userName: opName, roles: ["tenant-operator"], mfaEnrolled: false } },
    });
    expect(JSON.stringify(created.body.user)).not.toMatch(/passwordHash|scrypt/);
    const otp = created.body.oneTimePassword as string;
    expect(
      (await call("POST", "/auth/login", { body: { userName: opName, password: otp } })).body.scope,
    ).toBe("change-password");

    const userId = (created.body.user as { userId: string }).userId;
    const reset = await call("POST", `/users/${userId}/password-reset`, { token });
    expect((await call("POST", "/auth/login", { body: { userName: opName, password: otp } })).status).toBe(
      401,
    );
    expect(
      (
        await call("POST", "/auth/login", {
          body: { userName: opName, password: reset.body.oneTimePassword },
        })
      ).status,
    ).toBe(200);

    expect((await call("POST", `/users/${userId}/disable`, { token })).body).toMatchObject({
      status: "disabled",
    });
    expect(
      await call("POST", "/auth/login", { body: { userName: opName, password: reset.body.oneTimePassword } }),
    ).toMatchObject({
      status: 403,
      body: { code: "ACCOUNT_NOT_ACTIVE" },
    });
  });

  it("R-IA-10/R-IA-02: refuses conflicting roles, foreign scopes, self-changes and duplicate names (any case)", async () => {
    const { user } = await seedTenantUser({ password, roles: ["tenant-admin"] });
    const { token } = await signIn(user.userName, password);
    const session = await call("GET", "/auth/session", { token });
    const own = session.body.userId as string;

    const both = await call("POST", "/users", {
      token,
      body: { userName: name("x"), displayName: "x", roles: ["tenant-operator", "tenant-auditor"] },
    });
    const platform = await call("POST", "/users", {
      token,
      body: { userName: name("y"), displayName: "y", roles: ["platform-auditor"] },
    });
    const self = await call("PUT", `/users/${own}/roles`, { token, body: { roles: ["tenant-auditor"] } });
    const duplicate = await call("POST", "/users", {
      token,
      body: { userName: user.userName.toUpperCase(), displayName: "d", roles: ["tenant-operator"] },
    });

    expect(both).toMatchObject({ status: 400, body: { fieldErrors: [{ path: "roles" }] } });
    expect(platform).toMatchObject({ status: 403, body: { code: "ROLE_OUT_OF_SCOPE" } });
    expect(self).toMatchObject({ status: 403, body: { code: "SELF_ADMINISTRATION" } });
    expect(duplicate).toMatchObject({ status: 409, body: { code: "USER_NAME_TAKEN" } });
  });

  it("keeps units apart: another unit's user is a 404, and operators cannot manage users", async () => {
    const a = await seedTenantUser({ password, roles: ["tenant-admin"] });
    const b = await seedTenantUser({ password, roles: ["tenant-operator"] });
    const adminA = await signIn(a.user.userName, password);
    const operatorB = await signIn(b.user.userName, password);

    expect((await call("POST", `/users/${b.user.userId}/disable`, { token: adminA.token })).status).toBe(404);
    expect((await call("GET", "/users", { token: adminA.token })).body.items).toEqual([
      expect.objectContaining({ userId: a.user.userId }),
    ]);
    expect((await call("GET", "/users", { token: operatorB.token })).status).toBe(403);
  });
});
