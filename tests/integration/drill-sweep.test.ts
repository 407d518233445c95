import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SFNClient, StopExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollUntil } from "../../cli/poll.ts";
import { call } from "./support/api.ts";
import { backUp, replicated, unitWithSystem } from "./support/dr-unit.ts";
import { clientConfig, localStack } from "./support/emulator.ts";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-drill-sweep-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
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
  it("ends a drill whose execution was aborted mid-way as failed, with a report, and leaves no sandbox", async () => {
    const unit = await unitWithSystem();
    const { snapshotId, prefix } = await backUp(unit, work);
    await replicated(prefix, snapshotId);
    const started = await call("POST", `/systems/${unit.systemId}/drills`, { token: unit.token, body: {} });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const drillId = started.body.drillId as string;
    await new SFNClient(clientConfig()).send(
      new StopExecutionCommand({
        executionArn: started.body.executionArn as string,
        cause: "test: operator abort",
      }),
    );
    // What a restore stopped mid-way leaves: part of the recovery point in the drill's sandbox.
    const stack = localStack();
    const sandbox = new S3Client(clientConfig(stack.regions.dr));
    const sandboxPrefix = `sandboxes/${unit.tenant.tenantId}/${unit.systemId}/${drillId}/`;
    await sandbox.send(
      new PutObjectCommand({
        Bucket: stack.sandboxBucket,
        Key: `${sandboxPrefix}app/half-restored.db`,
        Body: "partial",
      }),
    );

    const swept = await runSweep();

    const drill = await pollUntil(
      async () => {
        const answer = await call("GET", `/systems/${unit.systemId}/drills/${drillId}`, {
          token: unit.token,
        });
        return answer.body.status === "running" ? undefined : answer.body;
      },
      { timeoutMs: 30_000, what: `drill ${drillId} to end` },
    );
    // The execution may have finished its cleanup before the abort reached it; either way nothing is left.
    if (swept.ended.includes(drillId)) {
      expect(drill).toMatchObject({ status: "failed", error: { code: "DRILL_ABORTED" } });
      expect(drill.report).toBeDefined();
    }
    expect(swept.sandboxesRemoved.includes(drillId) || swept.ended.includes(drillId)).toBe(true);
    const { KeyCount = 0 } = await sandbox.send(
      new ListObjectsV2Command({ Bucket: stack.sandboxBucket, Prefix: sandboxPrefix }),
    );
    expect(KeyCount).toBe(0);
    const next = await call("POST", `/systems/${unit.systemId}/drills`, { token: unit.token, body: {} });
    expect(next.status, JSON.stringify(next.body)).toBe(202);
  });
});
