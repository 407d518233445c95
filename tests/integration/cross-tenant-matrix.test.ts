import { randomInt } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { routes } from "../../shared/api/routes.ts";
import type { Role } from "../../shared/identity/roles.ts";
import type { RouteKey } from "../../shared/lambda/router.ts";
import { makeUser } from "../support/identity-fixtures.ts";
import { call, signIn } from "./support/api.ts";
import { policy, system } from "./support/bodies.ts";
import { uniqueName } from "./support/emulator.ts";
import { deployedStores, platformUser, seedTenantUser } from "./support/seed.ts";

const password = "Matrix-Check-2026!";
const victimSystemName = "受害单位核心系统";

/** A valid body for every route that takes one, so that authorization, not validation, decides. */
const bodies = (own: { userName: string }): Partial<Record<RouteKey, unknown>> => ({
  "POST /auth/login": { userName: own.userName, password },
  "POST /auth/password": { currentPassword: "not-the-password-1A!", newPassword: "Another-Password-2026!" },
  "POST /auth/mfa/verification": { code: "000000" },
  "POST /tenants": {
    name: `某市${uniqueName("局")}`,
    unifiedSocialCreditCode: `11500000MB${String(randomInt(1e7)).padStart(7, "0")}X`,
    contact: { name: "张工", email: "zhang@example.gov.cn", phone: "023-88886666" },
    admin: { userName: uniqueName("reg").replace("-", "."), displayName: "张工" },
    adminPassword: password,
  },
  "PUT /tenants/{tenantId}/ip-allow-list": { version: 1, ipAllowList: ["10.0.0.0/8"] },
  "PUT /tenants/{tenantId}/site-rules": { version: 1, siteRuleSet: "Chongqing-001" },
  "POST /systems": system("本单位系统"),
  "PUT /systems/{systemId}": system("改名"),
  "PUT /systems/{systemId}/policy": policy({ kind: "every", minutes: 30 }),
  "POST /users": {
    userName: uniqueName("new").replace("-", "."),
    displayName: "新用户",
    roles: ["tenant-operator"],
  },
  "PUT /users/{userId}/roles": { roles: ["tenant-operator"] },
  "PUT /identity/settings": { version: 0, settings: { idleMinutes: 15 } },
});

/** Logout last: it ends the session the other calls use. */
const routeKeys = (Object.keys(routes) as RouteKey[]).sort(
  (a, b) => Number(a === "POST /auth/logout") - Number(b === "POST /auth/logout"),
);

async function victimUnit() {
  const { tenant, user } = await seedTenantUser({ password, roles: ["tenant-admin"] });
  const { token } = await signIn(user.userName, password);
  const created = await call("POST", "/systems", { token, body: system(victimSystemName) });
  const systemId = created.body.systemId as string;
  await call("PUT", `/systems/${systemId}/policy`, { token, body: policy({ kind: "every", minutes: 30 }) });
  return { tenantId: tenant.tenantId, userId: user.userId, userName: user.userName, systemId, token };
}

async function snapshot(victim: Awaited<ReturnType<typeof victimUnit>>) {
  const stores = deployedStores();
  const [tenant, user, systemAnswer, versions] = await Promise.all([
    stores.tenants.get(victim.tenantId),
    stores.users.get(victim.tenantId, victim.userId),
    call("GET", `/systems/${victim.systemId}`, { token: victim.token }),
    call("GET", `/systems/${victim.systemId}/policy/versions`, { token: victim.token }),
  ]);
  return {
    tenant,
    user: { ...user, lastLoginAt: undefined },
    system: systemAnswer.body,
    versions: versions.body,
  };
}

describe("cross-tenant access matrix: every route × every role of another unit", () => {
  let victim: Awaited<ReturnType<typeof victimUnit>>;
  let before: Awaited<ReturnType<typeof snapshot>>;
  beforeAll(async () => {
    victim = await victimUnit();
    before = await snapshot(victim);
  }, 60_000);

  const tenantRoles: Role[] = ["tenant-admin", "tenant-operator", "tenant-auditor"];

  it.each(tenantRoles)("%s of another unit reaches nothing of the victim unit on any route", async (role) => {
    const intruder = await seedTenantUser({ password, roles: ["tenant-admin"] });
    const member = await makeUser({
      tenantId: intruder.tenant.tenantId,
      userName: uniqueName(role).replace("-", "."),
      password,
      roles: [role],
      at: new Date(),
    });
    if (role !== "tenant-admin") await intruder.stores.users.create(member);
    const own = role === "tenant-admin" ? intruder.user : member;
    const { token } = await signIn(own.userName, password);
    // What only the victim's data holds; an id the intruder sent may be echoed in a 404 message.
    const victimData = [victim.tenantId, victim.systemId, victim.userId, victim.userName, victimSystemName];

    const leaks: string[] = [];
    for (const key of routeKeys) {
      const [method = "", template = ""] = key.split(" ");
      const path = template
        .replace("{tenantId}", victim.tenantId)
        .replace("{systemId}", victim.systemId)
        .replace("{userId}", victim.userId);
      const targetsVictim = path !== template;
      const query = method === "GET" ? `?tenantId=${victim.tenantId}` : "";
      const answer = await call(method, `${path}${query}`, { token, body: bodies(own)[key] });
      const text = JSON.stringify(answer.body);
      if (answer.status >= 500) leaks.push(`${key}: ${answer.status} ${text}`);
      if (targetsVictim && ![403, 404].includes(answer.status))
        leaks.push(`${key}: ${answer.status} ${text}`);
      for (const secret of victimData.filter((value) => !`${path}${query}`.includes(value))) {
        if (text.includes(secret)) leaks.push(`${key}: answer holds ${secret}`);
      }
    }

    expect(leaks).toEqual([]);
  });

  it("lets platform staff neither read nor change a unit's systems and policies", async () => {
    for (const role of ["platform-admin", "security-admin", "platform-auditor"] as const) {
      const { token } = await platformUser(role);
      for (const key of routeKeys.filter((k) => k.includes("/systems"))) {
        const [method = "", template = ""] = key.split(" ");
        const answer = await call(method, template.replace("{systemId}", victim.systemId), {
          token,
          body: bodies({ userName: "x" })[key],
        });
        expect([403, 404], `${role} ${key}: ${answer.status}`).toContain(answer.status);
      }
    }
  });

  it("left the victim unit exactly as it was", async () => {
    expect(await snapshot(victim)).toEqual(before);
  });
});
