import { randomInt } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { routes } from "../../shared/api/routes.ts";
import { permissions } from "../../shared/identity/permissions.ts";
import { type PrincipalRole, platformRoles, type Role } from "../../shared/identity/roles.ts";
import type { RouteKey } from "../../shared/lambda/router.ts";
import { DynamoDbBackupJobStore } from "../../shared/stores/dynamodb/backup-job-store.ts";
import { DynamoDbSwitchoverStore } from "../../shared/stores/dynamodb/switchover-store.ts";
import { makeUser } from "../support/identity-fixtures.ts";
import { backupJob } from "../support/store-contracts/backup-job-store.ts";
import { switchoverRecord } from "../support/store-contracts/switchover.ts";
import { call, signIn } from "./support/api.ts";
import { policy, snapshotReport, system } from "./support/bodies.ts";
import { clientConfig, localStack, uniqueName } from "./support/emulator.ts";
import { agentOf, deployedStores, platformUser, seedTenantUser } from "./support/seed.ts";

const password = "Matrix-Check-2026!";

const backupJobs = () =>
  new DynamoDbBackupJobStore(
    DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig()), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    localStack().policiesTable,
  );
const victimSystemName = "受害单位核心系统";

/** A valid body for every route that takes one, so that authorization, not validation, decides. */
const bodies = (
  own: { userName: string },
  victim?: { systemId: string; failoverId: string },
): Partial<Record<RouteKey, unknown>> => ({
  "POST /failovers": { systems: [victim?.systemId ?? "s-000000000000"] },
  "POST /failbacks": { failoverId: victim?.failoverId ?? "f-000000000000" },
  "POST /auth/login": { userName: own.userName, password },
  "POST /auth/password": { currentPassword: "not-the-password-1A!", newPassword: "Another-Password-2026!" },
  "POST /auth/mfa/verification": { code: "000000" },
  "POST /auth/agent-token": { keyId: "ak-000000000000", secret: "not-a-key" },
  "POST /systems/{systemId}/agent-keys": { name: "intruder agent" },
  "POST /notifications/subscriptions": { protocol: "email", endpoint: "intruder@example.gov.cn" },
  "PUT /systems/{systemId}/snapshots/{snapshotId}": snapshotReport({ merkleRoot: "f".repeat(64) }),
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

type Caller = Role | "backup-agent";
const namesVictimInBody: RouteKey[] = ["POST /failovers", "POST /failbacks"];

/**
 * What a caller of another unit (or of the platform) must be answered on a route targeting the victim,
 * derived from the route's declaration alone (shared/api/routes.ts): a session step that may not call
 * it is denied (403); another unit's tenant, system, user or trail does not exist for the caller (404);
 * a role without the permission is refused (403); what the caller may do on its own unit succeeds.
 */
function expectedAnswer(
  key: RouteKey,
  caller: Caller,
  targetsVictim: boolean,
): "403" | "404" | "2xx" | "no 5xx" {
  const doc = routes[key];
  if (!doc) throw new Error(`${key} is not in the route catalogue`);
  if (doc.public) return "no 5xx";
  if (caller === "backup-agent" && !doc.sessions?.includes("agent")) return "403";
  if (!doc.permission) return "no 5xx";
  const platform = platformRoles.includes(caller);
  const tenant = doc.tenant ?? "own";
  if (!platform && (tenant === "path" || tenant === "trail")) return "404";
  if (!(permissions[doc.permission].roles as readonly PrincipalRole[]).includes(caller)) return "403";
  return targetsVictim ? "404" : "2xx";
}

function meets(status: number, expected: ReturnType<typeof expectedAnswer>): boolean {
  if (expected === "no 5xx") return status < 500;
  if (expected === "2xx") return status >= 200 && status < 300;
  return String(status) === expected;
}

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
  const agent = await agentOf(token, systemId);
  const snapshotId = "00000000000000aa";
  const recorded = await call("PUT", `/systems/${systemId}/snapshots/${snapshotId}`, {
    token: agent.token,
    body: snapshotReport(),
  });
  if (recorded.status !== 201) throw new Error(`victim snapshot: ${JSON.stringify(recorded)}`);
  // Its snapshot is not in the DR vault, so the drill ends failed at once: what matters is its id.
  const drill = await call("POST", `/systems/${systemId}/drills`, { token, body: {} });
  if (drill.status !== 202) throw new Error(`victim drill: ${JSON.stringify(drill)}`);
  // A server-side backup job of the victim's, as the backups API records one (its policy names no
  // S3 prefix or table, so the API would refuse to start one): what matters is its id.
  const job = backupJob(tenant.tenantId, systemId, { startedAt: new Date().toISOString() });
  await backupJobs().start(job, new Date(Date.now() + 3_600_000));
  // A failover of the victim's waiting at its gate, as the failovers API records one.
  const switchover = switchoverRecord(tenant.tenantId, systemId);
  await new DynamoDbSwitchoverStore(
    DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig()), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    localStack().policiesTable,
  ).start(switchover, new Date(Date.now() + 3_600_000));
  const subscription = await call("POST", "/notifications/subscriptions", {
    token,
    body: { protocol: "sms", endpoint: "+8613800138000" },
  });
  if (subscription.status !== 201) throw new Error(`victim subscription: ${JSON.stringify(subscription)}`);
  return {
    subscriptionId: subscription.body.subscriptionId as string,
    failoverId: switchover.switchId,
    drillId: drill.body.drillId as string,
    jobId: job.jobId,
    tenantId: tenant.tenantId,
    userId: user.userId,
    userName: user.userName,
    systemId,
    keyId: agent.keyId,
    snapshotId,
    token,
  };
}

/** A route's path with the victim's ids filled in. */
const victimPath = (template: string, victim: Awaited<ReturnType<typeof victimUnit>>) =>
  template
    .replace("{tenantId}", victim.tenantId)
    .replace("{systemId}", victim.systemId)
    .replace("{userId}", victim.userId)
    .replace("{keyId}", victim.keyId)
    .replace("{snapshotId}", victim.snapshotId)
    .replace("{drillId}", victim.drillId)
    .replace("{jobId}", victim.jobId)
    .replace("{subscriptionId}", victim.subscriptionId)
    .replace("{failoverId}", victim.failoverId);

/** A signed-in session of another unit in `role`; a backup agent signs in with its own system's key. */
async function intruderSession(role: Caller) {
  const intruder = await seedTenantUser({ password, roles: ["tenant-admin"] });
  if (role === "backup-agent") {
    const admin = await signIn(intruder.user.userName, password);
    const own = await call("POST", "/systems", { token: admin.token, body: system("本单位系统") });
    return { own: intruder.user, token: (await agentOf(admin.token, own.body.systemId as string)).token };
  }
  const member = await makeUser({
    tenantId: intruder.tenant.tenantId,
    userName: uniqueName(role).replace("-", "."),
    password,
    roles: [role],
    at: new Date(),
  });
  if (role !== "tenant-admin") await intruder.stores.users.create(member);
  const own = role === "tenant-admin" ? intruder.user : member;
  return { own, token: (await signIn(own.userName, password)).token };
}

async function snapshot(victim: Awaited<ReturnType<typeof victimUnit>>) {
  const stores = deployedStores();
  const [tenant, user, systemAnswer, versions, agentKeys] = await Promise.all([
    stores.tenants.get(victim.tenantId),
    stores.users.get(victim.tenantId, victim.userId),
    call("GET", `/systems/${victim.systemId}`, { token: victim.token }),
    call("GET", `/systems/${victim.systemId}/policy/versions`, { token: victim.token }),
    call("GET", `/systems/${victim.systemId}/agent-keys`, { token: victim.token }),
  ]);
  const snapshots = await call("GET", `/systems/${victim.systemId}/snapshots`, { token: victim.token });
  const drills = await call("GET", `/systems/${victim.systemId}/drills`, { token: victim.token });
  const subscriptions = await call("GET", "/notifications/subscriptions", { token: victim.token });
  const backups = await call("GET", `/systems/${victim.systemId}/backups`, { token: victim.token });
  return {
    backups: backups.body,
    subscriptions: subscriptions.body,
    // The victim's own drill moves on meanwhile; no other drill may appear.
    drillIds: (drills.body.items as { drillId: string }[]).map((d) => d.drillId),
    tenant,
    user: { ...user, lastLoginAt: undefined },
    system: systemAnswer.body,
    versions: versions.body,
    agentKeys: agentKeys.body,
    snapshots: snapshots.body,
  };
}

describe("cross-tenant access matrix: every route × every role of another unit, expected answers from the route declarations", () => {
  let victim: Awaited<ReturnType<typeof victimUnit>>;
  let before: Awaited<ReturnType<typeof snapshot>>;
  beforeAll(async () => {
    victim = await victimUnit();
    before = await snapshot(victim);
  }, 60_000);

  const intruderRoles = ["tenant-admin", "tenant-operator", "tenant-auditor", "backup-agent"] as const;

  it.each(intruderRoles)(
    "%s of another unit reaches nothing of the victim unit on any route",
    async (role) => {
      const { own, token } = await intruderSession(role);
      // What only the victim's data holds; an id the intruder sent (path or body) may be echoed in a 404.
      const victimData = [
        victim.tenantId,
        victim.systemId,
        victim.userId,
        victim.userName,
        victimSystemName,
        victim.keyId,
        victim.snapshotId,
        victim.drillId,
        victim.jobId,
        victim.subscriptionId,
        victim.failoverId,
      ];

      const leaks: string[] = [];
      for (const key of routeKeys) {
        const [method = "", template = ""] = key.split(" ");
        const path = victimPath(template, victim);
        // A route whose body names the victim's systems or switchovers targets the victim too.
        const targetsVictim = path !== template || namesVictimInBody.includes(key);
        const query = method === "GET" ? `?tenantId=${victim.tenantId}` : "";
        const body = bodies(own, victim)[key];
        const answer = await call(method, `${path}${query}`, { token, body });
        const text = JSON.stringify(answer.body);
        const expected = expectedAnswer(key, role, targetsVictim);
        if (!meets(answer.status, expected))
          leaks.push(`${key}: ${answer.status}, expected ${expected}: ${text}`);
        if (targetsVictim && ![403, 404].includes(answer.status))
          leaks.push(`${key}: ${answer.status} ${text}`);
        const sent = `${path}${query}${JSON.stringify(body ?? "")}`;
        for (const secret of victimData.filter((value) => !sent.includes(value))) {
          if (text.includes(secret)) leaks.push(`${key}: answer holds ${secret}`);
        }
      }

      expect(leaks).toEqual([]);
    },
  );

  it("lets platform staff neither read nor change a unit's systems and policies", async () => {
    for (const role of ["platform-admin", "security-admin", "platform-auditor"] as const) {
      const { token } = await platformUser(role);
      for (const key of routeKeys.filter((k) => k.includes("/systems"))) {
        const [method = "", template = ""] = key.split(" ");
        const answer = await call(method, victimPath(template, victim), {
          token,
          body: bodies({ userName: "x" })[key],
        });
        const expected = expectedAnswer(key, role, true);
        expect(meets(answer.status, expected), `${role} ${key}: ${answer.status}, expected ${expected}`).toBe(
          true,
        );
        expect([403, 404]).toContain(answer.status);
      }
    }
  });

  it("left the victim unit exactly as it was", async () => {
    expect(await snapshot(victim)).toEqual(before);
  });
});
