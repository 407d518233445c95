import { DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { verifyChain } from "../../shared/audit/chain.ts";
import { DynamoDbAuditLog } from "../../shared/audit/dynamodb-audit-log.ts";
import { auditEvent } from "../support/audit-events.ts";
import { clientConfig, localStack, uniqueName } from "./support/emulator.ts";

const dynamodb = () => new DynamoDBClient(clientConfig());
const auditLog = () =>
  new DynamoDbAuditLog(DynamoDBDocumentClient.from(dynamodb()), localStack().auditTable, 50);

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("audit log in DynamoDB (deployed Audit table)", () => {
  it("serialises 25 concurrent appends into one unbroken chain, and keeps tenants apart", async () => {
    const [a, b] = [uniqueName("tenant"), uniqueName("tenant")];
    const log = auditLog();

    await Promise.all([
      ...Array.from({ length: 25 }, (_, i) => log.append(a, auditEvent(`A${i}`))),
      ...Array.from({ length: 5 }, (_, i) => log.append(b, auditEvent(`B${i}`))),
    ]);

    const records = await collect(log.records(a));
    expect(records.map((r) => r.sequence)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(new Set(records.map((r) => r.event.eventName)).size).toBe(25);
    expect(await verifyChain(a, records, await log.head(a))).toMatchObject({ ok: true, checked: 25 });
    expect(await verifyChain(b, log.records(b), await log.head(b))).toMatchObject({ ok: true, checked: 5 });
  });

  it("names the record an operator edited directly in the table", async () => {
    const tenant = uniqueName("tenant");
    const log = auditLog();
    for (const name of ["Login", "CreateSystem", "UpdatePolicy", "Logout"])
      await log.append(tenant, auditEvent(name));
    const victim = (await collect(log.records(tenant)))[2];

    await dynamodb().send(
      new UpdateItemCommand({
        TableName: localStack().auditTable,
        Key: { pk: { S: `TENANT#${tenant}#AUDIT` }, sk: { S: "SEQ#000000000003" } },
        UpdateExpression: "SET #e.#n = :n",
        ExpressionAttributeNames: { "#e": "event", "#n": "eventName" },
        ExpressionAttributeValues: { ":n": { S: "GetPolicy" } },
      }),
    );

    const result = await verifyChain(tenant, log.records(tenant), await log.head(tenant));
    expect(result.firstProblem).toEqual({ kind: "altered", sequence: 3, eventID: victim?.event.eventID });
  });
});
