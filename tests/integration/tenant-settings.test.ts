import { describe, expect, it } from "vitest";
import { call, signIn } from "./support/api.ts";
import { policy, system } from "./support/bodies.ts";
import { platformUser, seedTenantUser, tenantWithAuditor } from "./support/seed.ts";

const password = "Settings-Admin-2026!";

async function unitAdmin() {
  const { tenant, user } = await seedTenantUser({ password, roles: ["tenant-admin"] });
  return { tenant, token: (await signIn(user.userName, password)).token };
}

describe("unit settings on the local stack", () => {
  it("R-IA-04: the security-admin restricts a unit's management actions to its networks; reads stay open", async () => {
    const unit = await unitAdmin();
    const security = await platformUser("security-admin");
    const path = `/tenants/${unit.tenant.tenantId}/ip-allow-list`;

    expect(
      (await call("PUT", path, { token: unit.token, body: { version: 1, ipAllowList: ["192.0.2.0/24"] } }))
        .status,
    ).toBe(403);
    const restricted = await call("PUT", path, {
      token: security.token,
      body: { version: 1, ipAllowList: ["192.0.2.0/24"] },
    });
    expect(restricted).toMatchObject({ status: 200, body: { ipAllowList: ["192.0.2.0/24"], version: 2 } });

    expect((await call("POST", "/systems", { token: unit.token, body: system("门户") })).status).toBe(403);
    expect((await call("GET", "/systems", { token: unit.token })).status).toBe(200);

    await call("PUT", path, {
      token: security.token,
      body: { version: 2, ipAllowList: ["127.0.0.0/8", "::1/128", "192.0.2.0/24"] },
    });
    expect((await call("POST", "/systems", { token: unit.token, body: system("门户") })).status).toBe(201);
  });

  it("audits the allow-list change with before and after, and the refused action with its reason", async () => {
    const { tenant, admin, auditor } = await tenantWithAuditor();
    const security = await platformUser("security-admin");
    await call("PUT", `/tenants/${tenant.tenantId}/ip-allow-list`, {
      token: security.token,
      body: { version: 1, ipAllowList: ["198.51.100.0/24"] },
    });
    await call("POST", "/systems", { token: admin.token, body: system("门户") });

    const changes = await call("GET", "/audit/events?eventName=SetTenantIpAllowList", {
      token: auditor.token,
    });
    expect(changes.body.items).toEqual([
      expect.objectContaining({
        event: expect.objectContaining({
          responseElements: { before: { ipAllowList: [] }, after: { ipAllowList: ["198.51.100.0/24"] } },
          userIdentity: expect.objectContaining({ role: "security-admin" }),
        }),
      }),
    ]);
    const denials = await call("GET", "/audit/events?eventName=AuthorizeRequest&errorsOnly=true", {
      token: auditor.token,
    });
    expect(
      (denials.body.items as { event: { errorMessage?: string } }[]).map((r) => r.event.errorMessage),
    ).toContainEqual(expect.stringMatching(/^IP_NOT_ALLOWED: /));
  });

  it("R-CL-10: a unit that chooses the Chongqing site rules gets its policies checked against them", async () => {
    const unit = await unitAdmin();
    const created = await call("POST", "/systems", { token: unit.token, body: system("社保核心") });
    const systemId = created.body.systemId as string;
    const atTwoHundredKm = {
      ...policy({ kind: "every", minutes: 30 }),
      replication: { mode: "scheduled-backup", site: "remote", region: "cn-northwest-1", distanceKm: 200 },
    };
    const put = () => call("PUT", `/systems/${systemId}/policy`, { token: unit.token, body: atTwoHundredKm });
    expect((await put()).status).toBe(200);

    const chosen = await call("PUT", `/tenants/${unit.tenant.tenantId}/site-rules`, {
      token: unit.token,
      body: { version: 1, siteRuleSet: "Chongqing-001" },
    });
    expect(chosen).toMatchObject({ status: 200, body: { siteRuleSet: "Chongqing-001" } });

    const refused = await put();
    expect(refused).toMatchObject({ status: 400, body: { code: "POLICY_REJECTED" } });
    expect(JSON.stringify(refused.body)).toContain("SITE_DISTANCE_OUT_OF_RANGE");
  });

  it("lets only the security-admin change identity settings, after a recent sign-in, audited", async () => {
    const security = await platformUser("security-admin");
    const admin = await platformUser("platform-admin");
    const current = await call("GET", "/identity/settings", { token: security.token });
    expect(current.status).toBe(200);
    const version = current.body.version as number;
    const lockoutThreshold = (current.body.settings as { lockoutThreshold: number }).lockoutThreshold;

    const refused = await call("PUT", "/identity/settings", {
      token: admin.token,
      body: { version, settings: { lockoutThreshold } },
    });
    const outOfBounds = await call("PUT", "/identity/settings", {
      token: security.token,
      body: { version, settings: { passwordMinLength: 8 } },
    });
    const changed = await call("PUT", "/identity/settings", {
      token: security.token,
      body: { version, settings: { lockoutThreshold } },
    });

    expect(refused.status).toBe(403);
    expect(outOfBounds).toMatchObject({ status: 400, body: { code: "VALIDATION_FAILED" } });
    expect(changed).toMatchObject({ status: 200, body: { version: version + 1 } });
  });
});
