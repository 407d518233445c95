import { randomInt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { call, signIn } from "./support/api.ts";
import { uniqueName } from "./support/emulator.ts";
import { platformUser, seedTenantUser } from "./support/seed.ts";

const password = "Tenant-Admin-2026!";

const registrationFor = (userName: string) => ({
  name: `某市${uniqueName("局")}`,
  unifiedSocialCreditCode: `11500000MB${String(randomInt(1e7)).padStart(7, "0")}X`,
  contact: { name: "张工", email: "zhang@example.gov.cn", phone: "023-88886666" },
  admin: { userName, displayName: "张工" },
  adminPassword: password,
});

const platformAdmin = () => platformUser("platform-admin");

describe("tenants API on the local stack", () => {
  it("onboards a unit: register (pending, cannot sign in) → platform-admin approves → its admin signs in", async () => {
    const adminName = uniqueName("unit").replace("-", ".");

    const registered = await call("POST", "/tenants", { body: registrationFor(adminName) });
    expect(registered).toMatchObject({ status: 201, body: { status: "pending" } });
    const tenantId = registered.body.tenantId as string;
    expect(await call("POST", "/auth/login", { body: { userName: adminName, password } })).toMatchObject({
      status: 403,
      body: { code: "TENANT_NOT_ACTIVE" },
    });

    const ops = await platformAdmin();
    const pending = await call("GET", "/tenants?status=pending&limit=100", { token: ops.token });
    expect((pending.body.items as { tenantId: string }[]).map((t) => t.tenantId)).toContain(tenantId);
    const approved = await call("POST", `/tenants/${tenantId}/approve`, { token: ops.token });
    expect(approved).toMatchObject({
      status: 200,
      body: { status: "active", approvedBy: expect.stringMatching(/^u-/) },
    });
    expect((await call("POST", `/tenants/${tenantId}/approve`, { token: ops.token })).body.code).toBe(
      "INVALID_TENANT_STATE",
    );

    const admin = await signIn(adminName, password);
    expect(await call("GET", `/tenants/${tenantId}`, { token: admin.token })).toMatchObject({
      status: 200,
      body: { tenantId, status: "active" },
    });
  });

  it("refuses a duplicate unit and a bad registration with 409 and 400, creating nothing", async () => {
    const first = registrationFor(uniqueName("dup").replace("-", "."));
    expect((await call("POST", "/tenants", { body: first })).status).toBe(201);

    const again = await call("POST", "/tenants", {
      body: { ...first, admin: { ...first.admin, userName: uniqueName("other").replace("-", ".") } },
    });
    const bad = await call("POST", "/tenants", {
      body: { ...first, unifiedSocialCreditCode: "x", adminPassword: "short" },
    });

    expect(again).toMatchObject({ status: 409, body: { code: "ALREADY_REGISTERED" } });
    expect(bad).toMatchObject({ status: 400, body: { code: "VALIDATION_FAILED" } });
    expect((bad.body.fieldErrors as { path: string }[]).map((f) => f.path)).toContain(
      "unifiedSocialCreditCode",
    );
  });

  it("keeps tenants apart: another tenant is a 404, a tenant role cannot approve or list (403)", async () => {
    const a = await seedTenantUser({ password, roles: ["tenant-admin"] });
    const b = await seedTenantUser({ password, roles: ["tenant-admin"] });
    const session = await signIn(a.user.userName, password);

    expect(await call("GET", `/tenants/${b.tenant.tenantId}`, { token: session.token })).toMatchObject({
      status: 404,
      body: { code: "NOT_FOUND" },
    });
    expect(
      (await call("POST", `/tenants/${b.tenant.tenantId}/suspend`, { token: session.token })).status,
    ).toBe(404);
    expect(
      (await call("POST", `/tenants/${a.tenant.tenantId}/approve`, { token: session.token })).status,
    ).toBe(403);
    expect((await call("GET", "/tenants", { token: session.token })).status).toBe(403);
    expect((await call("GET", "/tenants")).status).toBe(401);
  });

  it("R-EX: a tenant admin can request service exit for its own unit, which blocks further sign-in-free writes", async () => {
    const a = await seedTenantUser({ password, roles: ["tenant-admin"] });
    const session = await signIn(a.user.userName, password);

    const exit = await call("POST", `/tenants/${a.tenant.tenantId}/exit`, { token: session.token });

    expect(exit).toMatchObject({
      status: 200,
      body: { status: "exiting", exit: { requestedBy: a.user.userId } },
    });
    expect(
      await call("POST", "/auth/login", { body: { userName: a.user.userName, password: session.password } }),
    ).toMatchObject({
      status: 403,
      body: { code: "TENANT_NOT_ACTIVE" },
    });
  });
});
