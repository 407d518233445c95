import { describe, expect, it } from "vitest";
import { call, signIn } from "./support/api.ts";
import { chainedRecords } from "./support/audit.ts";
import { policy, system } from "./support/bodies.ts";
import { uniqueName } from "./support/emulator.ts";
import { addUser, seedTenantUser } from "./support/seed.ts";

const password = "Systems-Admin-2026!";
describe("systems and policies API on the local stack", () => {
  it("creates systems, refuses an unreachable policy naming the rule, keeps accepted versions, audits before/after", async () => {
    const { tenant, user, stores } = await seedTenantUser({ password, roles: ["tenant-admin"] });
    const { token } = await signIn(user.userName, password);

    const portal = await call("POST", "/systems", { token, body: system("政务服务门户") });
    const db = await call("POST", "/systems", {
      token,
      body: system("电子证照库", { importanceClass: 2, drLevel: 4, recoveryPriority: 4, dependsOn: [] }),
    });
    expect(portal).toMatchObject({
      status: 201,
      body: { proposedDrLevel: 3, drLevelFindings: [], policyVersion: 0 },
    });
    expect(db.body.drLevelFindings).toEqual([expect.objectContaining({ code: "LEVEL_RPO_APPROXIMATE" })]);
    const systemId = portal.body.systemId as string;

    const daily = await call("PUT", `/systems/${systemId}/policy`, {
      token,
      body: policy({ kind: "daily", at: "01:00", timezone: "Asia/Shanghai" }),
    });
    expect(daily).toMatchObject({ status: 400, body: { code: "POLICY_REJECTED" } });
    expect(daily.body.fieldErrors).toEqual([
      {
        path: "backup.schedule",
        message: expect.stringMatching(/^\[R-CL-02\] This policy can lose up to 24 h of data/),
      },
    ]);

    const v1 = await call("PUT", `/systems/${systemId}/policy`, {
      token,
      body: policy({ kind: "every", minutes: 30 }),
    });
    const v2 = await call("PUT", `/systems/${systemId}/policy`, {
      token,
      body: policy({ kind: "every", minutes: 15 }),
    });
    expect([v1.status, v1.body.version, v2.body.version]).toEqual([200, 1, 2]);
    const versions = await call("GET", `/systems/${systemId}/policy/versions`, { token });
    expect((versions.body.items as { version: number }[]).map((v) => v.version)).toEqual([1, 2]);
    expect((await call("GET", `/systems/${systemId}/policy`, { token })).body.version).toBe(2);

    const list = await call("GET", "/systems?limit=1", { token });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.nextCursor).toEqual(expect.any(String));

    const events = await chainedRecords(stores.audit, tenant.tenantId);
    const puts = events.filter((r) => r.event.eventName === "PutPolicy");
    expect(puts.map((r) => r.event.errorCode ?? "ok")).toEqual(["POLICY_REJECTED", "ok", "ok"]);
    expect(puts[2]?.event.responseElements).toMatchObject({
      version: 2,
      before: { backup: { schedule: { minutes: 30 } } },
      after: { backup: { schedule: { minutes: 15 } } },
    });
    expect(puts[2]?.event.resources).toEqual([{ type: "govdr::system", id: systemId }]);
  });

  it("refuses an edit made from an older version of the system (409 STALE_VERSION) and keeps the newer one", async () => {
    const { user } = await seedTenantUser({ password, roles: ["tenant-admin"] });
    const { token } = await signIn(user.userName, password);
    const created = await call("POST", "/systems", { token, body: system("不动产登记") });
    const systemId = created.body.systemId as string;
    const first = await call("PUT", `/systems/${systemId}`, {
      token,
      body: system("不动产登记平台", { version: created.body.version }),
    });
    expect(first).toMatchObject({ status: 200, body: { name: "不动产登记平台", version: 2 } });

    const late = await call("PUT", `/systems/${systemId}`, {
      token,
      body: system("不动产登记系统", { version: created.body.version }),
    });
    expect(late).toMatchObject({ status: 409, body: { code: "STALE_VERSION" } });
    expect((await call("GET", `/systems/${systemId}`, { token })).body).toMatchObject({
      name: "不动产登记平台",
      version: 2,
    });
  });

  it("R-CL-08: refuses a priority-5 system's policy without real-time replication and automatic switchover", async () => {
    const { user } = await seedTenantUser({ password, roles: ["tenant-admin"] });
    const { token } = await signIn(user.userName, password);
    const critical = await call("POST", "/systems", {
      token,
      body: system("省级一网通办", { importanceClass: 1, drLevel: 5, recoveryPriority: 5 }),
    });

    const answer = await call("PUT", `/systems/${critical.body.systemId}/policy`, {
      token,
      body: policy({ kind: "continuous" }, "database-replication-or-cdp"),
    });

    expect(answer.status).toBe(400);
    const rules = (answer.body.findings as { rule: string; code: string }[]).map(
      (f) => `${f.rule} ${f.code}`,
    );
    expect(rules).toEqual(
      expect.arrayContaining(["R-CL-08 PRIORITY_SCHEME_NOT_MET", "R-CL-02 POLICY_RPO_UNREACHABLE"]),
    );
  });

  it("keeps systems inside their tenant (404) and lets an auditor read but not write (403)", async () => {
    const a = await seedTenantUser({ password, roles: ["tenant-admin"] });
    const b = await seedTenantUser({ password, roles: ["tenant-admin"] });
    const auditor = await addUser(a.tenant.tenantId, "tenant-auditor", password);
    const adminA = await signIn(a.user.userName, password);
    const adminB = await signIn(b.user.userName, password);
    const auditorA = await signIn(auditor.userName, password);
    const created = await call("POST", "/systems", { token: adminA.token, body: system("不动产登记") });
    const id = created.body.systemId as string;

    expect((await call("GET", `/systems/${id}`, { token: adminB.token })).status).toBe(404);
    expect(
      (
        await call("PUT", `/systems/${id}/policy`, {
          token: adminB.token,
          body: policy({ kind: "every", minutes: 30 }),
        })
      ).status,
    ).toBe(404);
    expect((await call("GET", "/systems", { token: adminB.token })).body.items).toEqual([]);
    expect((await call("GET", `/systems/${id}`, { token: auditorA.token })).status).toBe(200);
    expect((await call("POST", "/systems", { token: auditorA.token, body: system("x") })).status).toBe(403);
  });

  it("runs a retried create with the same Idempotency-Key once, and refuses the key for another body", async () => {
    const { user } = await seedTenantUser({ password, roles: ["tenant-admin"] });
    const { token } = await signIn(user.userName, password);
    const headers = { "Idempotency-Key": uniqueName("create-portal") };

    const first = await call("POST", "/systems", { token, body: system("门户"), headers });
    const retry = await call("POST", "/systems", { token, body: system("门户"), headers });
    const reused = await call("POST", "/systems", { token, body: system("证照"), headers });

    expect(first).toMatchObject({ status: 201, replayed: false });
    expect(retry).toMatchObject({ status: 201, replayed: true, body: first.body });
    expect(reused).toMatchObject({ status: 409, body: { code: "IDEMPOTENCY_KEY_REUSED" } });
    const listed = await call("GET", "/systems", { token });
    expect((listed.body.items as { name: string }[]).map((s) => s.name)).toEqual(["门户"]);
  });
});
