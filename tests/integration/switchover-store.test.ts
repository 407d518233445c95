import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { DynamoDbSwitchoverStore } from "../../shared/stores/dynamodb/switchover-store.ts";
import { newId } from "../../shared/stores/ids.ts";
import { switchoverRecord } from "../support/store-contracts/switchover.ts";
import { clientConfig, localStack } from "./support/emulator.ts";

const store = () =>
  new DynamoDbSwitchoverStore(
    DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig()), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    localStack().policiesTable,
  );

describe("the DynamoDB switchover store on the emulator (issue #20)", () => {
  it("lets exactly one of 12 concurrent switchovers of one system take it; the others get 409 FAILOVER_RUNNING naming the winner", async () => {
    const switchovers = store();
    const tenantId = newId("t");
    const systemId = newId("s");
    const attempts = Array.from({ length: 12 }, () => switchoverRecord(tenantId, systemId));

    const outcomes = await Promise.allSettled(
      attempts.map((s) => switchovers.start(s, new Date(Date.now() + 3_600_000))),
    );

    const won = outcomes.flatMap((o, i) => (o.status === "fulfilled" ? [attempts[i]?.switchId] : []));
    expect(won).toHaveLength(1);
    const refusals = outcomes.flatMap((o) =>
      o.status === "rejected" ? [o.reason as { code: string; message: string }] : [],
    );
    expect(refusals.map((r) => r.code)).toEqual(Array(11).fill("FAILOVER_RUNNING"));
    for (const refusal of refusals) expect(refusal.message).toContain(won[0]);
  });

  it("gives the slots back when a switchover ends, and keeps them while it runs", async () => {
    const switchovers = store();
    const tenantId = newId("t");
    const systemId = newId("s");
    const first = switchoverRecord(tenantId, systemId);
    await switchovers.start(first, new Date(Date.now() + 3_600_000));
    await switchovers.update({ ...first, status: "running", version: 2 });
    await expect(
      switchovers.start(switchoverRecord(tenantId, systemId), new Date(Date.now() + 3_600_000)),
    ).rejects.toMatchObject({
      code: "FAILOVER_RUNNING",
    });

    await switchovers.update({ ...first, status: "completed", phase: "done", version: 3 });

    await expect(
      switchovers.start(switchoverRecord(tenantId, systemId), new Date(Date.now() + 3_600_000)),
    ).resolves.toBeUndefined();
    const listed = await switchovers.list(tenantId, { limit: 10 });
    expect(listed.items).toHaveLength(2);
  });

  it("of 8 concurrent writers of one version, one wins and the others get STALE_VERSION", async () => {
    const switchovers = store();
    const record = switchoverRecord(newId("t"), newId("s"));
    await switchovers.start(record, new Date(Date.now() + 3_600_000));

    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        switchovers.update({ ...record, reason: `writer ${i}`, version: 2 }),
      ),
    );

    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect(
      outcomes.flatMap((o) => (o.status === "rejected" ? [(o.reason as { code: string }).code] : [])),
    ).toEqual(Array(7).fill("STALE_VERSION"));
  });

  it("lists an open approval gate once its deadline passed, and no more once it is closed", async () => {
    const switchovers = store();
    const record = switchoverRecord(newId("t"), newId("s"));
    await switchovers.start(record, new Date(Date.now() + 3_600_000));
    const deadline = new Date(Date.now() - 1000).toISOString();
    await switchovers.putApprovalToken(record.tenantId, record.switchId, "token-x", deadline);

    const due = await switchovers.dueApprovals(new Date());
    expect(due).toContainEqual({ tenantId: record.tenantId, switchId: record.switchId });
    expect(await switchovers.approvalToken(record.tenantId, record.switchId)).toBe("token-x");

    await switchovers.closeApproval(record.tenantId, record.switchId);
    expect(await switchovers.dueApprovals(new Date())).not.toContainEqual({
      tenantId: record.tenantId,
      switchId: record.switchId,
    });
    expect((await switchovers.get(record.tenantId, record.switchId))?.switchId).toBe(record.switchId);
  });

  it("remembers that a switchover's end was announced", async () => {
    const switchovers = store();
    const record = switchoverRecord(newId("t"), newId("s"));
    await switchovers.start(record, new Date(Date.now() + 3_600_000));

    expect(await switchovers.announced(record.tenantId, record.switchId)).toBe(false);
    await switchovers.markAnnounced(record.tenantId, record.switchId);
    expect(await switchovers.announced(record.tenantId, record.switchId)).toBe(true);
    expect(await switchovers.announced(record.tenantId, newId("f"))).toBe(false);
  });
});
