import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbDrillStore } from "../../shared/stores/dynamodb/drill-store.ts";
import { drillRecord } from "../support/store-contracts/fixtures.ts";
import { call } from "./support/api.ts";
import { unitWithSystem } from "./support/dr-unit.ts";
import { clientConfig, localStack } from "./support/emulator.ts";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-drill-sweep-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const deployedDb = () =>
  DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig()), {
    marshallOptions: { removeUndefinedValues: true },
  });

async function runSweep() {
  const { Payload, FunctionError } = await new LambdaClient(clientConfig()).send(
    new InvokeCommand({ FunctionName: localStack().drillSweepFunction, Payload: Buffer.from("{}") }),
  );
  const result = JSON.parse(Buffer.from(Payload ?? new Uint8Array()).toString("utf8"));
  expect(FunctionError, JSON.stringify(result)).toBeUndefined();
  return result as { ended: string[]; sandboxesRemoved: string[] };
}

describe("the drill sweep (issue #18, faults)", () => {
  it("ends a drill whose execution stopped mid-way as failed (DRILL_ABORTED), with a report, and leaves no sandbox", async () => {
    const unit = await unitWithSystem();
    const stack = localStack();
    // A drill stranded in its restore: its execution is gone, part of the data is in its sandbox.
    const drill = drillRecord(unit.tenant.tenantId, unit.systemId, {
      startedAt: new Date().toISOString(),
      incidentAt: new Date().toISOString(),
      currentStep: "restore",
      steps: [{ name: "restore", status: "running", startedAt: new Date().toISOString() }],
      executionArn: `${stack.drillStateMachineArn.replace(":stateMachine:", ":execution:")}:never-started`,
    });
    await new DynamoDbDrillStore(deployedDb(), stack.policiesTable).start(
      drill,
      new Date(Date.now() + 3_600_000),
    );
    const sandbox = new S3Client(clientConfig(stack.regions.dr));
    const sandboxPrefix = `sandboxes/${unit.tenant.tenantId}/${unit.systemId}/${drill.drillId}/`;
    await sandbox.send(
      new PutObjectCommand({
        Bucket: stack.sandboxBucket,
        Key: `${sandboxPrefix}app/half-restored.db`,
        Body: "partial",
      }),
    );

    const swept = await runSweep();

    expect(swept.ended).toContain(drill.drillId);
    const answer = await call("GET", `/systems/${unit.systemId}/drills/${drill.drillId}`, {
      token: unit.token,
    });
    expect(answer.body).toMatchObject({ status: "failed", error: { code: "DRILL_ABORTED" } });
    expect((answer.body.steps as { status: string }[])[0]?.status).toBe("failed");
    expect(answer.body.report).toBeDefined();
    const { KeyCount = 0 } = await sandbox.send(
      new ListObjectsV2Command({ Bucket: stack.sandboxBucket, Prefix: sandboxPrefix }),
    );
    expect(KeyCount).toBe(0);
    const next = await call("POST", `/systems/${unit.systemId}/drills`, { token: unit.token, body: {} });
    expect(next.status, JSON.stringify(next.body)).not.toBe(409);
  });
});
