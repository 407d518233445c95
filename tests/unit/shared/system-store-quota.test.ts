import { DynamoDBClient, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { DynamoDbSystemStore } from "../../../shared/stores/dynamodb/system-store.ts";
import type { ProtectedSystem } from "../../../shared/systems/system.ts";
import { systemInput } from "../../support/systems.ts";

const db = mockClient(DynamoDBDocumentClient);
const store = () =>
  new DynamoDbSystemStore(
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: "cn-north-1" })),
    "policies",
  );
const at = "2026-11-21T06:00:00.000Z";
const system: ProtectedSystem = {
  ...systemInput(),
  systemId: "s-000000000001",
  tenantId: "t-1",
  policyVersion: 0,
  createdAt: at,
  updatedAt: at,
  version: 1,
};
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: "Transaction cancelled",
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe("DynamoDbSystemStore.create and the unit's quota", () => {
  beforeEach(() => db.reset());

  it("puts the system and counts it in one transaction that may not pass the quota", async () => {
    db.on(TransactWriteCommand).resolves({});

    await store().create(system, { limit: 50, existing: 7 });

    const [put, count] = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(put?.Put?.ConditionExpression).toBe("attribute_not_exists(pk)");
    expect(count?.Update).toMatchObject({
      Key: { pk: "TENANT#t-1", sk: "COUNT#SYSTEMS" },
      UpdateExpression: "SET #count = if_not_exists(#count, :existing) + :one",
      ConditionExpression: "(attribute_not_exists(#count) AND :existing < :limit) OR #count < :limit",
      ExpressionAttributeValues: { ":existing": 7, ":one": 1, ":limit": 50 },
    });
  });

  it("answers QUOTA_EXCEEDED when the count's condition fails", async () => {
    db.on(TransactWriteCommand).rejects(cancelled("None", "ConditionalCheckFailed"));

    await expect(store().create(system, { limit: 2, existing: 1 })).rejects.toMatchObject({
      code: "QUOTA_EXCEEDED",
      httpStatus: 409,
    });
  });

  it("tries again when another create moved the count at the same moment", async () => {
    db.on(TransactWriteCommand)
      .rejectsOnce(cancelled("None", "TransactionConflict"))
      .rejectsOnce(cancelled("TransactionConflict", "None"))
      .resolves({});

    await store().create(system, { limit: 50, existing: 0 });

    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });
});
