import { DynamoDBClient, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { AuditContentionError } from "../../../shared/audit/audit-log.ts";
import { genesisHash } from "../../../shared/audit/chain.ts";
import { DynamoDbAuditLog } from "../../../shared/audit/dynamodb-audit-log.ts";
import { auditEvent } from "../../support/audit-events.ts";

const db = mockClient(DynamoDBDocumentClient);
const log = () =>
  new DynamoDbAuditLog(DynamoDBDocumentClient.from(new DynamoDBClient({ region: "cn-north-1" })), "audit", 3);
const lostRace = () =>
  new TransactionCanceledException({ message: "conditional check failed", $metadata: {} });

describe("DynamoDbAuditLog.append", () => {
  beforeEach(() => db.reset());

  it("writes the first record and the head in one transaction that requires no head yet", async () => {
    db.on(GetCommand).resolves({});
    db.on(TransactWriteCommand).resolves({});

    const record = await log().append("t-1", auditEvent("CreateSystem"));

    expect(record).toMatchObject({ tenantId: "t-1", sequence: 1, previousHash: genesisHash });
    const items = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items.map((i) => [i.Put?.Item?.sk, i.Put?.ConditionExpression])).toEqual([
      ["SEQ#000000000001", "attribute_not_exists(pk)"],
      ["HEAD", "attribute_not_exists(pk)"],
    ]);
    expect(items[0]?.Put?.Item?.pk).toBe("TENANT#t-1#AUDIT");
  });

  it("re-reads the head and retries when another writer moved it first", async () => {
    db.on(GetCommand)
      .resolvesOnce({ Item: { sequence: 4, hash: "a".repeat(64) } })
      .resolves({ Item: { sequence: 5, hash: "b".repeat(64) } });
    db.on(TransactWriteCommand).rejectsOnce(lostRace()).resolves({});

    const record = await log().append("t-1", auditEvent("UpdatePolicy"));

    expect(record).toMatchObject({ sequence: 6, previousHash: "b".repeat(64) });
    const last = db.commandCalls(TransactWriteCommand)[1]?.args[0].input.TransactItems?.[1]?.Put;
    expect(last?.ExpressionAttributeValues).toEqual({ ":previous": "b".repeat(64) });
  });

  it("fails loudly instead of dropping the event when it keeps losing", async () => {
    db.on(GetCommand).resolves({});
    db.on(TransactWriteCommand).rejects(lostRace());

    await expect(log().append("t-1", auditEvent("X"))).rejects.toBeInstanceOf(AuditContentionError);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it("does not retry other errors", async () => {
    db.on(GetCommand).resolves({});
    db.on(TransactWriteCommand).rejects(
      Object.assign(new Error("denied"), { name: "AccessDeniedException" }),
    );

    await expect(log().append("t-1", auditEvent("X"))).rejects.toThrow("denied");
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});
