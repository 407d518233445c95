import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { awsHeartbeatStores } from "../../shared/aws/heartbeat.ts";
import {
  type HeartbeatSample,
  type HeartbeatTarget,
  initialHeartbeatState,
  nextState,
} from "../../shared/heartbeat/heartbeat.ts";
import { allItems } from "../../shared/stores/page.ts";
import { clientConfig, localStack } from "./support/emulator.ts";

// The heartbeat's DynamoDB adapters on the deployed Policies table. Every test uses random ids, so
// runs and other tests sharing the table never meet.
function deployed() {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig()), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const table = localStack().policiesTable;
  return { db, table, ...awsHeartbeatStores(db, table) };
}

const id = (prefix: "t" | "s") =>
  `${prefix}-${Array.from({ length: 12 }, () => "0123456789abcdefghijklmnopqrstuvwxyz"[Math.floor(Math.random() * 36)]).join("")}`;

const targetOf = (tenantId: string, systemId: string): HeartbeatTarget => ({
  tenantId,
  systemId,
  url: "https://app.example.gov.cn/health",
  intervalSeconds: 10,
  timeoutSeconds: 5,
  failureThreshold: 3,
  policyVersion: 1,
});

describe("the heartbeat's DynamoDB adapters against the emulator", () => {
  it("keeps the registry of targets, listed by a Query of its partition", async () => {
    const { targets } = deployed();
    const tenantId = id("t");
    const systems = [id("s"), id("s"), id("s")];
    for (const systemId of systems) await targets.put(targetOf(tenantId, systemId));
    await targets.put({ ...targetOf(tenantId, systems[0] as string), intervalSeconds: 30, policyVersion: 2 });

    const mine = async () => {
      const listed: HeartbeatTarget[] = [];
      for await (const target of targets.list()) if (target.tenantId === tenantId) listed.push(target);
      return listed;
    };
    const listed = await mine();
    expect(listed.map((t) => t.systemId)).toEqual([...systems].sort());
    expect(listed.find((t) => t.systemId === systems[0])).toMatchObject({
      intervalSeconds: 30,
      policyVersion: 2,
    });
    expect(await targets.get(tenantId, systems[1] as string)).toEqual(
      targetOf(tenantId, systems[1] as string),
    );

    // Pages of one continue from the cursor.
    const paged: HeartbeatTarget[] = [];
    for await (const target of allItems((page) => targets.page(page), 1)) {
      if (target.tenantId === tenantId) paged.push(target);
    }
    expect(paged).toHaveLength(3);

    for (const systemId of systems) await targets.remove(tenantId, systemId);
    expect(await mine()).toEqual([]);
    expect(await targets.get(tenantId, systems[0] as string)).toBeUndefined();
  });

  it("stores the state with optimistic versions and lists a unit's states", async () => {
    const { states } = deployed();
    const tenantId = id("t");
    const systemId = id("s");
    expect(await states.get(tenantId, systemId)).toBeUndefined();

    const first = nextState(
      initialHeartbeatState(tenantId, systemId),
      { at: new Date().toISOString(), ok: false, error: "connection refused" },
      { failureThreshold: 3 },
    ).state;
    await states.put({ ...first, version: 1 });
    await expect(states.put({ ...first, version: 1 })).rejects.toMatchObject({ code: "STALE_VERSION" });
    const stored = await states.get(tenantId, systemId);
    expect(stored).toEqual({ ...first, version: 1 });
    expect(stored).toMatchObject({
      status: "failing",
      consecutiveFailures: 1,
      lastError: "connection refused",
    });

    await states.put({ ...first, consecutiveFailures: 2, version: 2 });
    await expect(states.put({ ...first, version: 2 })).rejects.toMatchObject({ code: "STALE_VERSION" });
    await expect(states.put({ ...first, version: 4 })).rejects.toMatchObject({ code: "STALE_VERSION" });
    // A state cleared of an attribute stores it without it.
    const healthy = nextState(
      { ...first, consecutiveFailures: 2, version: 2 },
      { at: new Date().toISOString(), ok: true },
      { failureThreshold: 3 },
    ).state;
    await states.put({ ...healthy, version: 3 });
    const reread = await states.get(tenantId, systemId);
    expect(reread).toMatchObject({ status: "healthy", consecutiveFailures: 0, version: 3 });
    expect(reread && "firstFailureAt" in reread).toBe(false);

    const other = id("s");
    await states.put({ ...initialHeartbeatState(tenantId, other), version: 1 });
    const { items } = await states.listFor(tenantId, { limit: 10 });
    expect(items.map((s) => s.systemId).sort()).toEqual([systemId, other].sort());
  });

  it("keeps samples newest first for 30 days, a page at a time, apart from other systems' and the state", async () => {
    const { db, table, history, states } = deployed();
    const tenantId = id("t");
    const systemId = id("s");
    const base = Date.now() - 60_000;
    const samples: HeartbeatSample[] = Array.from({ length: 5 }, (_, i) => ({
      tenantId,
      systemId,
      at: new Date(base + i * 5000).toISOString(),
      ok: i % 2 === 0,
      latencyMs: 10 + i,
      ...(i % 2 === 0 ? { httpStatus: 200 } : { error: "no answer within 5000 ms" }),
    }));
    for (const sample of samples) await history.record(sample);
    await history.record({ ...(samples[0] as HeartbeatSample), systemId: id("s") });
    await states.put({ ...initialHeartbeatState(tenantId, systemId), version: 1 });

    const first = await history.list(tenantId, systemId, { limit: 3 });
    expect(first.items).toEqual([...samples].reverse().slice(0, 3));
    expect(first.nextCursor).toBeDefined();
    const second = await history.list(tenantId, systemId, { limit: 3, cursor: first.nextCursor });
    expect(second.items).toEqual([...samples].reverse().slice(3));
    await expect(
      history.list(tenantId, id("s"), { limit: 3, cursor: first.nextCursor }),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });

    const { Item } = await db.send(
      new GetCommand({
        TableName: table,
        Key: { pk: `TENANT#${tenantId}`, sk: `HEARTBEAT#${systemId}#${samples[0]?.at}` },
      }),
    );
    expect(Item?.expiresAt).toBe(Math.ceil(base / 1000) + 30 * 86_400);
  });

  it("refuses a stored item that does not match its schema", async () => {
    const { db, table, states } = deployed();
    const tenantId = id("t");
    const systemId = id("s");
    await db.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: `TENANT#${tenantId}`,
          sk: `HEARTBEAT_STATE#${systemId}`,
          tenantId,
          systemId,
          status: "bad",
          version: 1,
        },
      }),
    );
    await expect(states.get(tenantId, systemId)).rejects.toMatchObject({ code: "STORED_ITEM_INVALID" });
  });
});
