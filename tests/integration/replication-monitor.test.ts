import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  DeleteBucketReplicationCommand,
  GetBucketReplicationCommand,
  PutBucketReplicationCommand,
  type ReplicationConfiguration,
  S3Client,
} from "@aws-sdk/client-s3";
import { SNSClient, SubscribeCommand, UnsubscribeCommand } from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollUntil } from "../../cli/poll.ts";
import { call } from "./support/api.ts";
import { backUp, replicated, unitWithSystem } from "./support/dr-unit.ts";
import { clientConfig, localStack, uniqueName } from "./support/emulator.ts";

const targetRpoSeconds = 20;
/** An RPO agreed for the system (R-CL-06), short enough to pass within the test. */
const agreedRpo = {
  targetOverride: {
    rpoSeconds: targetRpoSeconds,
    agreement: {
      provider: "govdr",
      tenant: "测试单位",
      managementUnit: "大数据局",
      agreedOn: "2026-12-01",
      reference: "DR-2026-001",
    },
  },
};

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-replication-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function runMonitor() {
  const { Payload, FunctionError } = await new LambdaClient(clientConfig()).send(
    new InvokeCommand({ FunctionName: localStack().replicationMonitorFunction, Payload: Buffer.from("{}") }),
  );
  const result = JSON.parse(Buffer.from(Payload ?? new Uint8Array()).toString("utf8"));
  expect(FunctionError, JSON.stringify(result)).toBeUndefined();
  return result as { checked: number; breaches: number };
}

/** An SQS queue subscribed to the notifications topic for one unit only (a filter on its tenant id). */
async function subscribe(tenantId: string) {
  const sqs = new SQSClient(clientConfig());
  const sns = new SNSClient(clientConfig());
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("notify") }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
  );
  const { SubscriptionArn } = await sns.send(
    new SubscribeCommand({
      TopicArn: localStack().notificationsTopicArn,
      Protocol: "sqs",
      Endpoint: Attributes?.QueueArn,
      Attributes: { FilterPolicy: JSON.stringify({ tenantId: [tenantId] }), RawMessageDelivery: "true" },
    }),
  );
  return {
    next: (kind: string) =>
      pollUntil(
        async () => {
          const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
          );
          return Messages.map((m) => JSON.parse(m.Body ?? "{}")).find((m) => m.kind === kind);
        },
        { timeoutMs: 30_000, what: `a ${kind} notification` },
      ),
    close: async () => {
      await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
      await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    },
  };
}

describe("replication monitor (issue #18 item 3, R-MN-01)", () => {
  it("measures a numeric RPO, and when replication stops the RPO passes the target and the unit is notified", async () => {
    const unit = await unitWithSystem(agreedRpo, "real-time");
    const notifications = await subscribe(unit.tenant.tenantId);
    const first = await backUp(unit, work);
    await replicated(first.prefix, first.snapshotId);

    const current = await call("GET", `/systems/${unit.systemId}/replication`, { token: unit.token });
    expect(current.status, JSON.stringify(current.body)).toBe(200);
    expect(current.body).toMatchObject({
      mode: "native",
      targetRpoSeconds,
      newestReplicatedSnapshot: { snapshotId: first.snapshotId },
    });
    expect(current.body.achievableRpoSeconds).toEqual(expect.any(Number));

    const s3 = new S3Client(clientConfig());
    const vault = localStack().vaultBucket;
    const { ReplicationConfiguration: saved } = await s3.send(
      new GetBucketReplicationCommand({ Bucket: vault }),
    );
    await s3.send(new DeleteBucketReplicationCommand({ Bucket: vault }));
    try {
      const second = await backUp(unit, work);
      const breach = await pollUntil(
        async () => {
          const answer = await call("GET", `/systems/${unit.systemId}/replication`, { token: unit.token });
          return answer.body.status === "breach" ? answer.body : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 2000, what: "the RPO to pass its target" },
      );
      expect(breach).toMatchObject({
        newestReplicatedSnapshot: { snapshotId: first.snapshotId },
        newestSnapshot: { snapshotId: second.snapshotId },
      });
      expect(breach.achievableRpoSeconds as number).toBeGreaterThan(targetRpoSeconds);
      expect(breach.lagBytes as number).toBeGreaterThan(0);

      await runMonitor();
      const notice = await notifications.next("rpo-breach");
      expect(notice).toMatchObject({
        tenantId: unit.tenant.tenantId,
        data: { systemId: unit.systemId, status: "breach" },
      });
      const history = await call("GET", `/systems/${unit.systemId}/replication/history`, {
        token: unit.token,
      });
      expect((history.body.items as { status: string }[])[0]?.status).toBe("breach");
    } finally {
      await s3.send(
        new PutBucketReplicationCommand({
          Bucket: vault,
          ReplicationConfiguration: saved as ReplicationConfiguration,
        }),
      );
      await notifications.close();
    }
  });
});
