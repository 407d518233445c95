import { beforeEach, describe, expect, it } from "vitest";
import { auditRoutes } from "../../../functions/api/audit.ts";
import { authRoutes } from "../../../functions/api/auth.ts";
import { backupRoutes } from "../../../functions/api/backups.ts";
import { drillRoutes } from "../../../functions/api/drills.ts";
import { failoverRoutes } from "../../../functions/api/failovers.ts";
import { notificationRoutes } from "../../../functions/api/notifications.ts";
import { replicationRoutes } from "../../../functions/api/replication.ts";
import { snapshotRoutes } from "../../../functions/api/snapshots.ts";
import { systemRoutes } from "../../../functions/api/systems.ts";
import { tenantRoutes } from "../../../functions/api/tenants.ts";
import { userRoutes } from "../../../functions/api/users.ts";
import { type Family, type RouteDoc, routes } from "../../../shared/api/routes.ts";
import { permissions } from "../../../shared/identity/permissions.ts";
import { agentRole, isPlatformRole, type PrincipalRole, roles } from "../../../shared/identity/roles.ts";
import type { SessionClaims } from "../../../shared/identity/session-token.ts";
import type { RouteKey } from "../../../shared/lambda/router.ts";
import type { Tenant } from "../../../shared/tenants/tenant.ts";
import { claimsFor, makeTenant } from "../../support/identity-fixtures.ts";
import { callRoute, memoryDeps, signedInNow } from "../../support/routes.ts";
import { systemInput } from "../../support/systems.ts";

let deps: ReturnType<typeof memoryDeps>;
let tenant: Tenant;
let systemId: string;

/** Each family's exported route map with its in-memory dependencies. */
const served = () =>
  ({
    auth: { routes: authRoutes, deps: deps.auth },
    tenants: { routes: tenantRoutes, deps: deps.tenants },
    systems: { routes: systemRoutes, deps: deps.systems },
    snapshots: { routes: snapshotRoutes, deps: deps.snapshots },
    drills: { routes: drillRoutes, deps: deps.drills },
    failovers: { routes: failoverRoutes, deps: deps.failovers },
    backups: { routes: backupRoutes, deps: deps.backups },
    replication: { routes: replicationRoutes, deps: deps.replication },
    notifications: { routes: notificationRoutes, deps: deps.notifications },
    users: { routes: userRoutes, deps: deps.users },
    audit: { routes: auditRoutes, deps: deps.audits },
  }) as const;

function call(key: RouteKey, request: Parameters<typeof callRoute>[3] = {}) {
  const family = (routes[key] as RouteDoc).family as Exclude<Family, "health">;
  const { routes: map, deps: familyDeps } = served()[family];
  return callRoute(map as Parameters<typeof callRoute>[0], familyDeps as never, key, request);
}

/** A caller in `role`: a unit's role in the test unit, a platform role on the platform, an agent of the system. */
function callerIn(role: PrincipalRole): SessionClaims {
  if (role === agentRole)
    return { ...signedInNow(claimsFor([role], tenant.tenantId)), scope: "agent", sys: systemId };
  return signedInNow(claimsFor([role], isPlatformRole(role) ? "platform" : tenant.tenantId));
}

/** Ids of the right form for every path parameter; the data behind them may or may not exist. */
const pathOf = (key: RouteKey) =>
  Object.fromEntries(
    [...key.matchAll(/\{(\w+)\}/g)].map(([, name]) => [
      name,
      {
        tenantId: tenant.tenantId,
        systemId,
        userId: "u-000000000001",
        keyId: "ak-000000000001",
        snapshotId: "00000000000000aa",
        drillId: "d-000000000001",
        jobId: "b-000000000001",
        subscriptionId: "n-000000000001",
        failoverId: "f-000000000001",
      }[name as string] as string,
    ]),
  );

beforeEach(async () => {
  deps = memoryDeps();
  tenant = makeTenant(new Date());
  deps.stores.tenantMap.set(tenant.tenantId, tenant);
  systemId = (await deps.systems.service.create(tenant, systemInput())).systemId;
});

const declared = (Object.entries(routes) as [RouteKey, RouteDoc][]).filter(([, doc]) => doc.permission);
const principals = [...roles, agentRole] as const;

describe("every family's route map enforces the access its routes declare", () => {
  it.each(declared)("%s answers each role as its declared permission says", async (key, doc) => {
    const allowed = permissions[doc.permission as keyof typeof permissions].roles as readonly PrincipalRole[];
    const wrong: string[] = [];
    for (const role of principals) {
      // A session step's reach (an agent's, for one) is the authorizer's: tests/unit/identity/authorize-request.
      if (role === agentRole && !doc.sessions?.includes("agent")) continue;
      const answer = await call(key, { path: pathOf(key), claims: callerIn(role), body: {} });
      const refused = answer.status === 403 && answer.body.code === "FORBIDDEN";
      if (allowed.includes(role) === refused || answer.status === 401 || answer.status >= 500) {
        wrong.push(`${role}: ${answer.status} ${answer.text}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("refuses with a sentence in both languages that says who may (a platform administrator adding a user)", async () => {
    const answer = await call("POST /users", { claims: callerIn("platform-admin"), body: {} });

    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({
      code: "FORBIDDEN",
      message:
        "Only a unit administrator or a security administrator may see, add or change users; you are signed in as a platform administrator.",
      messages: { zh: "只有单位管理员或安全管理员可以查看、添加或修改用户；您当前的身份是平台管理员。" },
    });
  });

  it("asks for a fresh sign-in before a sensitive route runs, and not before a read", async () => {
    const stale = { ...claimsFor(["tenant-admin"], tenant.tenantId), auth_time: 0 };

    const policy = await call("PUT /systems/{systemId}/policy", {
      path: { systemId },
      claims: stale,
      body: {},
    });
    const read = await call("GET /systems/{systemId}", { path: { systemId }, claims: stale });

    expect(policy.body).toMatchObject({ code: "REAUTHENTICATION_REQUIRED" });
    expect(read.status).toBe(200);
  });

  it("checks a path's ids before anything else, and keeps another unit's tenant out of sight", async () => {
    const malformed = await call("GET /tenants/{tenantId}", {
      path: { tenantId: "not-a-tenant" },
      claims: callerIn("platform-admin"),
    });
    const otherUnit = await call("GET /tenants/{tenantId}", {
      path: { tenantId: "t-000000000000" },
      claims: callerIn("tenant-admin"),
    });

    expect(malformed.body).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "tenantId" }] });
    expect(otherUnit.status).toBe(404);
  });

  it("answers 401 on a route behind the authorizer that arrives without claims", async () => {
    expect((await call("GET /systems")).status).toBe(401);
  });
});

describe("each family's route map serves its routes", () => {
  it("tenants: registers a unit, shows it to the platform, and approves it into the unit's own trail", async () => {
    const registered = await call("POST /tenants", {
      body: {
        name: "某市大数据发展局",
        unifiedSocialCreditCode: "11500000MB0000001X",
        contact: { name: "张工", email: "zhang@example.gov.cn", phone: "023-88886666" },
        admin: { userName: "zhang.gong", displayName: "张工" },
        adminPassword: "Route-Map-Check-2026!",
      },
    });
    const tenantId = registered.body.tenantId as string;
    const approved = await call("POST /tenants/{tenantId}/approve", {
      path: { tenantId },
      claims: callerIn("platform-admin"),
    });

    expect(registered.status).toBe(201);
    expect(approved.body).toMatchObject({ tenantId, status: "active" });
    expect(deps.audit.pending.get(tenantId)?.map((e) => e.eventName)).toEqual([
      "RegisterTenant",
      "ApproveTenant",
    ]);
  });

  it("systems: registers, lists and reads the unit's systems", async () => {
    const admin = callerIn("tenant-admin");
    const created = await call("POST /systems", { claims: admin, body: systemInput({ name: "公积金" }) });
    const listed = await call("GET /systems", { claims: callerIn("tenant-auditor") });
    const read = await call("GET /systems/{systemId}", {
      path: { systemId: created.body.systemId as string },
      claims: callerIn("tenant-operator"),
    });

    expect(created.status).toBe(201);
    expect((listed.body.items as unknown[]).length).toBe(2);
    expect(read.body).toMatchObject({ name: "公积金" });
  });

  it("users: adds a user with a one-time password shown once, and lists the unit's users", async () => {
    const admin = callerIn("tenant-admin");
    const created = await call("POST /users", {
      claims: admin,
      body: { userName: "li.si", displayName: "李四", roles: ["tenant-operator"] },
    });
    const listed = await call("GET /users", { claims: admin });

    expect(created.status).toBe(201);
    expect(created.body.oneTimePassword).toEqual(expect.any(String));
    expect(JSON.stringify(listed.body)).toContain("li.si");
    expect(JSON.stringify(listed.body)).not.toContain(created.body.oneTimePassword as string);
  });

  it("snapshots: creates an agent key for the system and lists it without its secret", async () => {
    const admin = callerIn("tenant-admin");
    const created = await call("POST /systems/{systemId}/agent-keys", {
      path: { systemId },
      claims: admin,
      body: { name: "db01 agent" },
    });
    const listed = await call("GET /systems/{systemId}/agent-keys", { path: { systemId }, claims: admin });

    expect(created.status).toBe(201);
    expect(listed.text).toContain(created.body.keyId as string);
    expect(listed.text).not.toContain(created.body.credential as string);
  });

  it("audit: looks up and verifies the unit's own trail, and a platform auditor's the platform's by default", async () => {
    await call("GET /systems", { claims: callerIn("tenant-admin") });
    await deps.audit.chainAll();

    const looked = await call("GET /audit/events", { claims: callerIn("tenant-auditor") });
    const exported = await call("GET /audit/export", {
      claims: callerIn("tenant-auditor"),
      query: { format: "csv" },
    });

    const own = await call("GET /audit/verify", { claims: callerIn("tenant-auditor") });
    const platform = await call("GET /audit/verify", { claims: callerIn("platform-auditor") });

    expect(looked.body.items).toEqual([expect.objectContaining({ state: "chained", sequence: 1 })]);
    expect(exported.text.split("\n")[0]).toMatch(/^state,/);
    expect(own.body).toMatchObject({ tenantId: tenant.tenantId, source: "index", ok: true, checked: 1 });
    expect(platform.body).toMatchObject({ tenantId: "platform", ok: true });
  });

  it("auth: tells a signed-in caller who it is", async () => {
    const answer = await call("GET /auth/session", { claims: callerIn("tenant-operator") });

    expect(answer.body).toMatchObject({
      tenantId: tenant.tenantId,
      roles: ["tenant-operator"],
      scope: "full",
    });
  });
});
