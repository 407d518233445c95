import { DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { verifyChain } from "../../shared/audit/chain.ts";
import { verifyTrail } from "../../shared/audit/verify-trail.ts";
import { DynamoDbAuditLog } from "../../shared/stores/dynamodb/audit-log.ts";
import { auditEvent } from "../support/audit-events.ts";
import { chainedRecords } from "./support/audit.ts";
import { clientConfig, localStack, uniqueName } from "./support/emulator.ts";

const dynamodb = () => new DynamoDBClient(clientConfig());
const auditLog = () => new DynamoDbAuditLog(DynamoDBDocumentClient.from(dynamodb()), localStack().auditTable);
const now = () => new Date().toISOString();

describe("audit log in DynamoDB (deployed Audit table and sequencer)", () => {
  it("records 200 concurrent events without contention; the stream-triggered sequencer chains each exactly once", async () => {
    const [a, b] = [uniqueName("tenant"), uniqueName("tenant")];
    const log = auditLog();

    await Promise.all([
      ...Array.from({ length: 160 }, (_, i) => log.record(a, auditEvent(`A${i}`, { eventTime: now() }))),
      ...Array.from({ length: 40 }, (_, i) => log.record(b, auditEvent(`B${i}`, { eventTime: now() }))),
    ]);

    const records = await chainedRecords(log, a);
    expect(records.map((r) => r.sequence)).toEqual(Array.from({ length: 160 }, (_, i) => i + 1));
    expect(new Set(records.map((r) => r.event.eventName)).size).toBe(160);
    expect(await verifyChain(a, records, await log.head(a))).toMatchObject({ ok: true, checked: 160 });
    expect(await chainedRecords(log, b)).toHaveLength(40);
    expect(await verifyTrail(b, log, new Date())).toMatchObject({
      ok: true,
      checked: 40,
      unchained: { count: 0, overdue: 0 },
    });
  });

  it("stays exactly once when sweeps run alongside the stream trigger", async () => {
    const tenant = uniqueName("tenant");
    const log = auditLog();
    const lambda = new LambdaClient(clientConfig());
    const sweep = () =>
      lambda.send(
        new InvokeCommand({
          FunctionName: localStack().auditSequencerFunction,
          Payload: Buffer.from(JSON.stringify({ tenantIds: [tenant] })),
        }),
      );

    const [, ...sweeps] = await Promise.all([
      Promise.all(
        Array.from({ length: 60 }, (_, i) => log.record(tenant, auditEvent(`E${i}`, { eventTime: now() }))),
      ),
      sweep(),
      sweep(),
      sweep(),
    ]);

    for (const answer of sweeps) expect(answer.FunctionError).toBeUndefined();
    const records = await chainedRecords(log, tenant);
    expect(records).toHaveLength(60);
    expect(new Set(records.map((r) => r.event.eventID)).size).toBe(60);
    expect(await verifyChain(tenant, records, await log.head(tenant))).toMatchObject({
      ok: true,
      checked: 60,
    });
  });

  it("names the record an operator edited directly in the table", async () => {
    const tenant = uniqueName("tenant");
    const log = auditLog();
    for (const name of ["Login", "CreateSystem", "UpdatePolicy", "Logout"])
      await log.record(tenant, auditEvent(name, { eventTime: now() }));
    const victim = (await chainedRecords(log, tenant))[2];

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
