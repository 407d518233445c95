import { DynamoDBClient, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { ChainMovedError } from "../../../shared/audit/audit-log.ts";
import { chainRecord } from "../../../shared/audit/chain.ts";
import { chainAfter } from "../../../shared/audit/sequencer.ts";
import { DynamoDbAuditLog } from "../../../shared/stores/dynamodb/audit-log.ts";
import { auditEvent } from "../../support/audit-events.ts";

const db = mockClient(DynamoDBDocumentClient);
const log = () =>
  new DynamoDbAuditLog(DynamoDBDocumentClient.from(new DynamoDBClient({ region: "cn-north-1" })), "audit");
const conditionFailed = () =>
  Object.assign(new Error("The conditional request failed"), { name: "ConditionalCheckFailedException" });
const pendingOf = (count: number, extra: object = {}) =>
  Array.from({ length: count }, (_, i) => ({ tenantId: "t-1", event: auditEvent(`E${i}`, extra) }));

describe("DynamoDbAuditLog.record (the request path)", () => {
  beforeEach(() => db.reset());

  it("puts the event under its own key in the tenant's pending partition, reading nothing first", async () => {
    db.on(PutCommand).resolves({});
    const event = auditEvent("CreateSystem");

    await log().record("t-1", event);

    const put = db.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put).toMatchObject({
      Item: {
        pk: "AUDIT_PENDING#t-1",
        sk: `${event.eventTime}#${event.eventID}`,
        gsi1pk: "AUDIT#t-1#2026-11-21",
        gsi1sk: `${event.eventTime}#${event.eventID}`,
        resourceIds: ["s-1"],
        tenantId: "t-1",
        event,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    });
    expect(db.commandCalls(GetCommand)).toHaveLength(0);
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it("takes an existing item with the same event id as its own write retried by the SDK", async () => {
    db.on(PutCommand).rejects(conditionFailed());

    await expect(log().record("t-1", auditEvent("X"))).resolves.toBeUndefined();
  });

  it("passes every other error on, so the request answers 500 instead of an unprovable success", async () => {
    db.on(PutCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));

    await expect(log().record("t-1", auditEvent("X"))).rejects.toThrow("denied");
  });
});

describe("DynamoDbAuditLog.extend (the sequencer's step)", () => {
  beforeEach(() => db.reset());

  it("puts each record, deletes its pending item and moves the head, in one conditional transaction", async () => {
    db.on(TransactWriteCommand).resolves({});
    const head = { sequence: 4, hash: "a".repeat(64) };
    const records = chainAfter("t-1", head, pendingOf(2));

    expect(await log().extend("t-1", head, records)).toBe(2);

    const items = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(
      items.map((i) => [
        i.Put ? "Put" : "Delete",
        i.Put?.Item?.sk ?? i.Delete?.Key?.sk,
        i.Put?.ConditionExpression ?? i.Delete?.ConditionExpression,
      ]),
    ).toEqual([
      ["Put", "SEQ#000000000005", "attribute_not_exists(pk)"],
      ["Delete", `${records[0]?.event.eventTime}#${records[0]?.event.eventID}`, "attribute_exists(pk)"],
      ["Put", "SEQ#000000000006", "attribute_not_exists(pk)"],
      ["Delete", `${records[1]?.event.eventTime}#${records[1]?.event.eventID}`, "attribute_exists(pk)"],
      ["Put", "HEAD", "#hash = :previous"],
    ]);
    expect(items[0]?.Put?.Item).toMatchObject({ pk: "TENANT#t-1#AUDIT", ...records[0] });
    expect(items[1]?.Delete?.Key?.pk).toBe("AUDIT_PENDING#t-1");
    expect(items[4]?.Put?.Item).toMatchObject({ sequence: 6, hash: records[1]?.hash });
    expect(items[4]?.Put?.ExpressionAttributeValues).toEqual({ ":previous": "a".repeat(64) });
  });

  it("starts a chain only where no head exists yet", async () => {
    db.on(TransactWriteCommand).resolves({});

    await log().extend("t-1", undefined, [chainRecord("t-1", undefined, auditEvent("First"))]);

    const items = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items.at(-1)?.Put?.ConditionExpression).toBe("attribute_not_exists(pk)");
  });

  it("writes at most 49 events a transaction (DynamoDB's 100 items), and fewer when they are large", async () => {
    db.on(TransactWriteCommand).resolves({});

    expect(await log().extend("t-1", undefined, chainAfter("t-1", undefined, pendingOf(120)))).toBe(49);
    const large = pendingOf(40, { requestParameters: { note: "x".repeat(100_000) } });
    const written = await log().extend("t-1", undefined, chainAfter("t-1", undefined, large));
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(40);
    const sent = db.commandCalls(TransactWriteCommand)[1]?.args[0].input;
    expect(Buffer.byteLength(JSON.stringify(sent))).toBeLessThan(4_000_000);
  });

  it("reports a cancelled or conflicting transaction as a moved chain, to be re-read", async () => {
    db.on(TransactWriteCommand)
      .rejectsOnce(new TransactionCanceledException({ message: "ConditionalCheckFailed", $metadata: {} }))
      .rejectsOnce(Object.assign(new Error("conflict"), { name: "TransactionConflictException" }))
      .rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    const records = chainAfter("t-1", undefined, pendingOf(1));

    await expect(log().extend("t-1", undefined, records)).rejects.toBeInstanceOf(ChainMovedError);
    await expect(log().extend("t-1", undefined, records)).rejects.toBeInstanceOf(ChainMovedError);
    await expect(log().extend("t-1", undefined, records)).rejects.toThrow("denied");
  });
});

describe("DynamoDbAuditLog.pendingSummary", () => {
  beforeEach(() => db.reset());

  it("counts waiting events page by page and those older than the promise, naming the oldest", async () => {
    const key = (time: string, id: string) => ({ sk: `${time}#${id}` });
    db.on(QueryCommand)
      .resolvesOnce({
        Items: [key("2026-11-21T05:58:00.000Z", "e-1"), key("2026-11-21T05:59:30.000Z", "e-2")],
        LastEvaluatedKey: { pk: "p", sk: "s" },
      })
      .resolves({ Items: [key("2026-11-21T05:59:59.000Z", "e-3")] });

    const summary = await log().pendingSummary("t-1", new Date("2026-11-21T06:00:00.000Z"), 60);

    expect(summary).toEqual({
      count: 3,
      overdue: 1,
      oldest: { eventID: "e-1", eventTime: "2026-11-21T05:58:00.000Z" },
    });
    expect(db.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      ExpressionAttributeValues: { ":pk": "AUDIT_PENDING#t-1" },
      ProjectionExpression: "sk",
      ConsistentRead: true,
    });
  });
});
