import { beforeAll, describe, expect, it } from "vitest";
import { verifyTrail } from "../../shared/audit/verify-trail.ts";
import { call, signIn } from "./support/api.ts";
import { chainedRecords } from "./support/audit.ts";
import { system } from "./support/bodies.ts";
import { uniqueName } from "./support/emulator.ts";
import { runLoad, send, userAgentPrefix } from "./support/load.ts";
import { loadTenant, realisticMix } from "./support/load-tenant.ts";
import { addUser, platformUser } from "./support/seed.ts";

let unit: Awaited<ReturnType<typeof loadTenant>>;

beforeAll(async () => {
  unit = await loadTenant(4);
}, 120_000);

const serverErrors = (results: { status: number; kind: string }[]) =>
  results.filter((r) => r.status >= 500).map((r) => `${r.kind} ${r.status}`);

describe("the API under concurrent load (issue #17)", () => {
  it("answers 16 concurrent clients of one unit on a mix of reads, racing writes and sign-ins without a 5xx; the chain then holds every request", async () => {
    const runId = uniqueName("load");

    const { results } = await runLoad({ clients: 16, requestsPerClient: 10, mix: realisticMix(unit), runId });

    expect(serverErrors(results)).toEqual([]);
    expect(results.filter((r) => r.kind === "sign-in").every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.kind === "update").every((r) => [200, 409].includes(r.status))).toBe(true);
    const records = await chainedRecords(unit.stores.audit, unit.tenant.tenantId, 60_000);
    const agents = new Set(records.map((r) => r.event.userAgent));
    expect(results.filter((r) => !agents.has(r.userAgent))).toEqual([]);
    const handled = records.filter(
      (r) =>
        r.event.userAgent.startsWith(userAgentPrefix(runId)) && r.event.eventSource !== "authorizer.govdr",
    );
    expect(handled).toHaveLength(results.length);
    expect(await verifyTrail(unit.tenant.tenantId, unit.stores.audit, new Date())).toMatchObject({
      ok: true,
      unchained: { count: 0, overdue: 0 },
    });
  }, 180_000);

  it("answers a burst of 48 concurrent session and tenant reads by one platform administrator without a 5xx", async () => {
    const admin = await platformUser("platform-admin");

    const burst = await Promise.all(
      Array.from({ length: 48 }, (_, i) =>
        send(
          {
            kind: i % 2 ? "tenants" : "session",
            method: "GET",
            path: i % 2 ? "/tenants?status=active" : "/auth/session",
            token: admin.token,
          },
          `govdr-burst/${i}`,
        ),
      ),
    );

    expect(serverErrors(burst)).toEqual([]);
    expect(burst.every((r) => r.status === 200)).toBe(true);
  }, 180_000);

  it("runs 8 concurrent creates with one Idempotency-Key once: one system, the others replayed or told to retry (409)", async () => {
    const key = uniqueName("idem-key");
    const name = uniqueName("并发系统");

    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        call("POST", "/systems", {
          token: unit.adminToken,
          body: system(name),
          headers: { "Idempotency-Key": key },
        }),
      ),
    );

    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((a) => a.body.systemId)).size).toBe(1);
    expect(created.filter((a) => !a.replayed)).toHaveLength(1);
    for (const other of answers.filter((a) => a.status !== 201)) {
      expect(other).toMatchObject({ status: 409, body: { code: "IDEMPOTENCY_IN_PROGRESS" } });
    }
    const listed = await call("GET", "/systems?limit=100", { token: unit.adminToken });
    expect((listed.body.items as { name: string }[]).filter((s) => s.name === name)).toHaveLength(1);
  });

  it("refuses text with a lone surrogate with 400, and still records the call, naming the replaced field", async () => {
    const userAgent = uniqueName("surrogate");

    const answer = await send(
      {
        kind: "create",
        method: "POST",
        path: "/systems",
        token: unit.adminToken,
        body: { name: "\ud800", note: "ok" },
      },
      userAgent,
    );

    expect(answer.status).toBe(400);
    const records = await chainedRecords(unit.stores.audit, unit.tenant.tenantId);
    const event = records.find(
      (r) => r.event.userAgent === userAgent && r.event.eventSource === "systems.govdr",
    )?.event;
    expect(event).toMatchObject({
      eventName: "CreateSystem",
      errorCode: "VALIDATION_FAILED",
      requestParameters: { name: "\uFFFD", note: "ok" },
      additionalEventData: { illFormedTextReplaced: ["requestParameters.name"] },
    });
  });

  it("GET /audit/verify covers the events still waiting for the sequencer", async () => {
    const auditor = await addUser(unit.tenant.tenantId, "tenant-auditor", unit.operator.password);
    const { token } = await signIn(auditor.userName, unit.operator.password);

    const verified = await call("GET", "/audit/verify", { token });

    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true, source: "index", unchained: { overdue: 0 } });
    expect(typeof (verified.body.unchained as { count: number }).count).toBe("number");
  });

  it("keeps the unit's system quota when creates race: exactly the room left is created, the rest refused 409", async () => {
    const listed = await call("GET", "/systems?limit=100", { token: unit.adminToken });
    const room = unit.tenant.quotas.systems - (listed.body.items as unknown[]).length;

    const answers = await Promise.all(
      Array.from({ length: room + 6 }, (_, i) =>
        call("POST", "/systems", { token: unit.adminToken, body: system(`配额系统${i}`) }),
      ),
    );

    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(room);
    expect(answers.filter((a) => a.status !== 201).map((a) => a.body.code)).toEqual(
      Array(6).fill("QUOTA_EXCEEDED"),
    );
    const after = await call("GET", "/systems?limit=100", { token: unit.adminToken });
    expect(after.body.items as unknown[]).toHaveLength(unit.tenant.quotas.systems);
  }, 120_000);
});
