import { DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { call } from "./support/api.ts";
import { clientConfig, localStack } from "./support/emulator.ts";
import { tenantWithAuditor } from "./support/seed.ts";

const text = async (path: string, token: string) => {
  const response = await fetch(`${localStack().apiUrl}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
};

describe("auditor API on the local stack", () => {
  it("looks up the unit's own events by name, user and errors, page by page, and exports them", async () => {
    const { tenant, user, admin, auditor } = await tenantWithAuditor();
    await call("POST", "/systems", { token: admin.token, body: { name: "x" } });
    for (const name of ["门户", "证照"]) {
      await call("POST", "/systems", {
        token: admin.token,
        body: {
          name,
          importanceClass: 4,
          drLevel: 2,
          recoveryPriority: 1,
          architecture: "remote-active-standby",
          assessedOn: "2026-10-01",
        },
      });
    }

    const created = await call("GET", `/audit/events?eventName=CreateSystem&userId=${user.userId}`, {
      token: auditor.token,
    });
    expect(created.status).toBe(200);
    const events = created.body.items as {
      tenantId: string;
      event: { eventName: string; errorCode?: string };
    }[];
    expect(events.map((r) => r.event.errorCode ?? "ok")).toEqual(["VALIDATION_FAILED", "ok", "ok"]);
    expect(events.every((r) => r.tenantId === tenant.tenantId)).toBe(true);

    const errors = await call("GET", "/audit/events?errorsOnly=true&eventName=CreateSystem", {
      token: auditor.token,
    });
    expect((errors.body.items as unknown[]).length).toBe(1);

    const first = await call("GET", "/audit/events?limit=2", { token: auditor.token });
    const second = await call("GET", `/audit/events?limit=2&cursor=${first.body.nextCursor}`, {
      token: auditor.token,
    });
    const seqs = [
      ...(first.body.items as { sequence: number }[]),
      ...(second.body.items as { sequence: number }[]),
    ].map((r) => r.sequence);
    expect(seqs).toEqual([...new Set(seqs)]);
    expect(seqs).toHaveLength(4);

    const csv = await text("/audit/export?format=csv&eventName=CreateSystem", auditor.token);
    expect(csv.type).toMatch(/^text\/csv/);
    expect(csv.body.split("\r\n").filter(Boolean)).toHaveLength(4);
    const jsonl = await text("/audit/export?eventName=CreateSystem", auditor.token);
    expect(
      jsonl.body
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).event.eventName),
    ).toEqual(Array(3).fill("CreateSystem"));
  });

  it("keeps trails apart and read-only: other unit 404, admin 403, no route alters or deletes", async () => {
    const a = await tenantWithAuditor();
    const b = await tenantWithAuditor();

    expect(
      (await call("GET", `/audit/events?tenantId=${b.tenant.tenantId}`, { token: a.auditor.token })).status,
    ).toBe(404);
    expect(
      (await call("GET", `/audit/verify?tenantId=${b.tenant.tenantId}`, { token: a.auditor.token })).status,
    ).toBe(404);
    expect((await call("GET", "/audit/events", { token: a.admin.token })).status).toBe(403);
    for (const method of ["DELETE", "PUT", "POST", "PATCH"]) {
      expect(
        (await call(method, "/audit/events", { token: a.auditor.token, body: {} })).status,
        method,
      ).toBeGreaterThanOrEqual(403);
    }
  });

  it("verifies the unit's chain, then names the record an operator edited in the table", async () => {
    const { tenant, auditor } = await tenantWithAuditor();
    const intact = await call("GET", "/audit/verify", { token: auditor.token });
    expect(intact).toMatchObject({ status: 200, body: { tenantId: tenant.tenantId, ok: true } });

    await new DynamoDBClient(clientConfig()).send(
      new UpdateItemCommand({
        TableName: localStack().auditTable,
        Key: { pk: { S: `TENANT#${tenant.tenantId}#AUDIT` }, sk: { S: "SEQ#000000000002" } },
        UpdateExpression: "SET #e.#s = :ip",
        ExpressionAttributeNames: { "#e": "event", "#s": "sourceIPAddress" },
        ExpressionAttributeValues: { ":ip": { S: "203.0.113.7" } },
      }),
    );

    const broken = await call("GET", "/audit/verify", { token: auditor.token });
    expect(broken).toMatchObject({
      status: 200,
      body: { ok: false, firstProblem: { kind: "altered", sequence: 2 } },
    });
  });
});
