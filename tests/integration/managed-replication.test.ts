import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from "@aws-sdk/client-lambda";
import {
  GetBucketReplicationCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollUntil } from "../../cli/poll.ts";
import { call } from "./support/api.ts";
import { policy } from "./support/bodies.ts";
import { backUp, replicated, unitWithSystem } from "./support/dr-unit.ts";
import { clientConfig, localStack } from "./support/emulator.ts";

const managed = { transport: "managed" };
const lambda = () => new LambdaClient(clientConfig());

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-managed-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function invoke(functionName: string, payload: object = {}) {
  const { Payload, FunctionError } = await lambda().send(
    new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(payload)) }),
  );
  const result = JSON.parse(Buffer.from(Payload ?? new Uint8Array()).toString("utf8"));
  expect(FunctionError, JSON.stringify(result)).toBeUndefined();
  return result;
}

const runMonitor = () => invoke(localStack().replicationMonitorFunction);

/** Every object of a prefix in the primary vault, with its current version. */
async function primaryObjects(prefix: string) {
  const s3 = new S3Client(clientConfig());
  const { Versions = [] } = await s3.send(
    new ListObjectVersionsCommand({ Bucket: localStack().vaultBucket, Prefix: prefix }),
  );
  return Versions.filter((v) => v.IsLatest).map((v) => ({
    key: v.Key as string,
    versionId: v.VersionId as string,
  }));
}

/** Waits until every object of the prefix is in the DR vault (a replay, a retry, a late message). */
async function allInDrVault(prefix: string) {
  const stack = localStack();
  const dr = new S3Client(clientConfig(stack.regions.dr));
  const wanted = (await primaryObjects(prefix)).map((o) => o.key).sort();
  await pollUntil(
    async () => {
      const { Contents = [] } = await dr.send(
        new ListObjectsV2Command({ Bucket: stack.drVaultBucket, Prefix: prefix }),
      );
      const there = new Set(Contents.map((o) => o.Key));
      return wanted.every((key) => there.has(key)) ? true : undefined;
    },
    {
      timeoutMs: 120_000,
      intervalMs: 1000,
      what: `all ${wanted.length} objects of ${prefix} in the DR vault`,
    },
  );
  return wanted;
}

/** Turns the unit's system back to the native transport and lets the monitor put S3's rule back. */
async function backToNative(unit: Awaited<ReturnType<typeof unitWithSystem>>) {
  const body = policy({ kind: "every", minutes: 30 }, "database-replication-or-cdp");
  const set = await call("PUT", `/systems/${unit.systemId}/policy`, { token: unit.token, body });
  expect(set.status, JSON.stringify(set.body)).toBe(200);
  await runMonitor();
}

describe("managed replication (issue #18 item 3, D-42)", () => {
  it("copies a managed unit's versions to the DR vault with their locks, once each, while S3 replication leaves the unit out", async () => {
    const stack = localStack();
    const unit = await unitWithSystem({}, "database-replication-or-cdp", managed);
    try {
      await runMonitor();
      const s3 = new S3Client(clientConfig());
      const { ReplicationConfiguration } = await s3.send(
        new GetBucketReplicationCommand({ Bucket: stack.vaultBucket }),
      );
      const prefixes = (ReplicationConfiguration?.Rules ?? [])
        .filter((r) => r.Status === "Enabled")
        .map((r) => r.Filter?.Prefix ?? r.Prefix ?? "");
      expect(prefixes.some((p) => `tenants/${unit.tenant.tenantId}/`.startsWith(p))).toBe(false);

      const { snapshotId, prefix } = await backUp(unit, work);
      await replicated(prefix, snapshotId);
      const keys = await allInDrVault(prefix);
      expect(keys.length).toBeGreaterThan(2);

      const dr = new S3Client(clientConfig(stack.regions.dr));
      for (const object of await primaryObjects(prefix)) {
        const source = await s3.send(
          new HeadObjectCommand({ Bucket: stack.vaultBucket, Key: object.key, VersionId: object.versionId }),
        );
        expect(source.ReplicationStatus, `${object.key} went through S3 replication`).toBeUndefined();
        const copy = await dr.send(new HeadObjectCommand({ Bucket: stack.drVaultBucket, Key: object.key }));
        expect(copy.Metadata?.["govdr-source-version-id"]).toBe(object.versionId);
        expect(copy.ObjectLockMode).toBe(source.ObjectLockMode);
        expect(copy.ObjectLockRetainUntilDate?.getTime()).toBeGreaterThanOrEqual(
          source.ObjectLockRetainUntilDate?.getTime() ?? Number.POSITIVE_INFINITY,
        );
        expect(copy.ContentLength).toBe(source.ContentLength);
      }

      // A repeated delivery (SQS is at least once) adds no version to the DR vault.
      const [first] = await primaryObjects(prefix);
      const message = { govdrReplicate: first };
      await invoke(stack.replicatorFunction, {
        Records: [{ messageId: "again", body: JSON.stringify(message) }],
      });
      const { Versions = [] } = await dr.send(
        new ListObjectVersionsCommand({ Bucket: stack.drVaultBucket, Prefix: first?.key }),
      );
      expect(Versions.filter((v) => v.Key === first?.key)).toHaveLength(1);

      const answer = await call("GET", `/systems/${unit.systemId}/replication`, { token: unit.token });
      expect(answer.body).toMatchObject({
        mode: "managed",
        status: "ok",
        newestReplicatedSnapshot: { snapshotId },
        lagObjects: 0,
      });
    } finally {
      await backToNative(unit);
    }
    const { ReplicationConfiguration } = await new S3Client(clientConfig()).send(
      new GetBucketReplicationCommand({ Bucket: stack.vaultBucket }),
    );
    expect(ReplicationConfiguration?.Rules?.map((r) => r.Filter?.Prefix ?? r.Prefix ?? "")).toEqual([""]);
  });

  it("000 §7.5.10(3): holds a managed unit's copies back while its transfer window is closed", async () => {
    const stack = localStack();
    const hhmm = (hoursFromNow: number) =>
      new Date(Date.now() + hoursFromNow * 3_600_000).toISOString().slice(11, 16);
    const closedNow = { start: hhmm(2), end: hhmm(3), timezone: "UTC" };
    // The window's wait (up to 23 h) must fit the RPO: one agreed for the system (R-CL-06).
    const agreedDay = {
      targetOverride: {
        rpoSeconds: 2 * 86_400,
        agreement: {
          provider: "govdr",
          tenant: "测试单位",
          managementUnit: "大数据局",
          agreedOn: "2026-12-01",
          reference: "DR-2026-002",
        },
      },
    };
    const unit = await unitWithSystem(agreedDay, "scheduled-backup", {
      ...managed,
      transferWindow: closedNow,
    });
    try {
      await runMonitor();
      const sqs = new SQSClient(clientConfig());
      const delayed = async () =>
        Number(
          (
            await sqs.send(
              new GetQueueAttributesCommand({
                QueueUrl: stack.replicationQueueUrl,
                AttributeNames: ["ApproximateNumberOfMessagesDelayed"],
              }),
            )
          ).Attributes?.ApproximateNumberOfMessagesDelayed ?? 0,
        );
      const before = await delayed();
      const { prefix } = await backUp(unit, work);
      const written = (await primaryObjects(prefix)).length;
      await pollUntil(async () => ((await delayed()) >= before + written ? true : undefined), {
        timeoutMs: 60_000,
        intervalMs: 1000,
        what: `the unit's ${written} versions put back until the window opens`,
      });
      const dr = new S3Client(clientConfig(stack.regions.dr));
      const { KeyCount } = await dr.send(
        new ListObjectsV2Command({ Bucket: stack.drVaultBucket, Prefix: prefix }),
      );
      expect(KeyCount ?? 0).toBe(0);
      const answer = await call("GET", `/systems/${unit.systemId}/replication`, { token: unit.token });
      expect(answer.body).toMatchObject({
        mode: "managed",
        lagObjects: written,
        newestReplicatedSnapshot: null,
      });
    } finally {
      // The held versions come back within 15 min and, no longer held, are copied.
      await backToNative(unit);
    }
  });

  it("lands a replicator that keeps failing in the dead-letter queue, alarmed, and a replay completes the DR vault", async () => {
    const stack = localStack();
    const unit = await unitWithSystem({}, "database-replication-or-cdp", managed);
    const replicator = stack.replicatorFunction;
    const { Environment } = await lambda().send(
      new GetFunctionConfigurationCommand({ FunctionName: replicator }),
    );
    const working = Environment?.Variables ?? {};
    const setEnvironment = async (variables: Record<string, string>) => {
      await lambda().send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: replicator,
          Environment: { Variables: variables },
        }),
      );
    };
    const sqs = new SQSClient(clientConfig());
    const depth = async (queueUrl: string) => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        }),
      );
      return (
        Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
      );
    };
    try {
      await runMonitor();
      // The DR vault out of reach: every copy fails.
      await setEnvironment({ ...working, DR_VAULT_BUCKET: "govdr-vault-missing" });
      const { snapshotId, prefix } = await backUp(unit, work);
      const written = (await primaryObjects(prefix)).length;
      await pollUntil(
        async () =>
          (await depth(stack.replicationDeadLetterQueueUrl)) >= 1 &&
          (await depth(stack.replicationQueueUrl)) === 0
            ? true
            : undefined,
        { timeoutMs: 180_000, intervalMs: 2000, what: "the failing copies in the dead-letter queue" },
      );
      const dr = new S3Client(clientConfig(stack.regions.dr));
      const { KeyCount } = await dr.send(
        new ListObjectsV2Command({ Bucket: stack.drVaultBucket, Prefix: prefix }),
      );
      expect(KeyCount ?? 0).toBeLessThan(written);

      const { MetricAlarms = [] } = await new CloudWatchClient(clientConfig()).send(
        new DescribeAlarmsCommand({ AlarmNames: [stack.replicationDeadLetterAlarm] }),
      );
      expect(MetricAlarms[0]).toMatchObject({
        Namespace: "AWS/SQS",
        MetricName: "ApproximateNumberOfMessagesVisible",
        Dimensions: [{ Name: "QueueName", Value: "govdr-replication-dlq" }],
        Threshold: 1,
        AlarmActions: [stack.notificationsTopicArn],
      });

      await setEnvironment(working);
      const replay = await invoke(stack.replicationReplayFunction);
      expect(replay).toMatchObject({ finished: true });
      expect(replay.replayed).toBeGreaterThanOrEqual(1);
      await replicated(prefix, snapshotId);
      expect(await allInDrVault(prefix)).toHaveLength(written);
      expect(await depth(stack.replicationDeadLetterQueueUrl)).toBe(0);
    } finally {
      await setEnvironment(working);
      await backToNative(unit);
    }
  });
});
