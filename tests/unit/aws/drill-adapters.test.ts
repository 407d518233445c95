import { Readable } from "node:stream";
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
} from "@aws-sdk/client-scheduler";
import {
  CreateTopicCommand,
  NotFoundException,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
} from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { schedulerDrillSchedules } from "../../../shared/aws/drill-schedules.ts";
import { drRepositoryMapping } from "../../../shared/aws/drills.ts";
import { snsNotificationTopic, snsNotifier } from "../../../shared/aws/notifications.ts";
import { s3VaultListings } from "../../../shared/aws/replication.ts";
import { S3Sandbox } from "../../../shared/stores/s3/sandbox.ts";

const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const scheduler = mockClient(SchedulerClient);
beforeEach(() => {
  s3.reset();
  sns.reset();
  scheduler.reset();
});

describe("the DR copy of a snapshot's repository (tenant isolation)", () => {
  const toDr = drRepositoryMapping("govdr-vault-1-cn-north-1", "govdr-vault-1-cn-northwest-1");

  it("follows a repository in the platform's vault under the snapshot's own tenant", () => {
    expect(
      toDr({
        tenantId: "t-000000000001",
        repository: "s3://govdr-vault-1-cn-north-1/tenants/t-000000000001",
      }),
    ).toBe("s3://govdr-vault-1-cn-northwest-1/tenants/t-000000000001/");
  });

  it("follows nothing else: another tenant's prefix, another bucket, a local directory, a climb out", () => {
    for (const repository of [
      "s3://govdr-vault-1-cn-north-1/tenants/t-000000000002/",
      "s3://govdr-vault-1-cn-north-1/tenants/t-0000000000012/",
      "s3://someone-elses-bucket/tenants/t-000000000001/",
      "/backup/vault",
      "s3://govdr-vault-1-cn-north-1/tenants/t-000000000001/../t-000000000002/",
      "s3://govdr-vault-1-cn-north-1/",
    ]) {
      expect(toDr({ tenantId: "t-000000000001", repository }), repository).toBeUndefined();
    }
  });
});

describe("S3Sandbox", () => {
  it("stores a file under its key, and removes a prefix in batches of 1,000", async () => {
    s3.on(PutObjectCommand).resolves({});
    const keys = Array.from({ length: 1500 }, (_, i) => ({ Key: `sandboxes/t/s/d/file-${i}`, Size: 1 }));
    s3.on(ListObjectsV2Command)
      .resolvesOnce({ Contents: keys.slice(0, 1000), NextContinuationToken: "more", IsTruncated: true })
      .resolvesOnce({ Contents: keys.slice(1000) });
    s3.on(DeleteObjectsCommand).resolves({ Errors: [] });
    const sandbox = new S3Sandbox(new S3Client({ region: "cn-northwest-1" }), "govdr-sandbox");

    await sandbox.write("sandboxes/t/s/d/app/a.txt", Readable.from([Buffer.from("hello")]), 5);
    const removed = await sandbox.removeAll("sandboxes/t/s/d/");

    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      Bucket: "govdr-sandbox",
      Key: "sandboxes/t/s/d/app/a.txt",
    });
    expect(removed).toBe(1500);
    expect(s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete?.Objects?.length)).toEqual(
      [1000, 500],
    );
  });

  it("says which objects S3 did not remove instead of reporting them removed", async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: "sandboxes/t/s/d/x", Size: 1 }] });
    s3.on(DeleteObjectsCommand).resolves({
      Errors: [{ Key: "sandboxes/t/s/d/x", Message: "Access Denied" }],
    });
    const sandbox = new S3Sandbox(new S3Client({ region: "cn-northwest-1" }), "govdr-sandbox");

    await expect(sandbox.removeAll("sandboxes/t/s/d/")).rejects.toThrow("sandboxes/t/s/d/x: Access Denied");
  });
});

describe("drill schedules in EventBridge Scheduler", () => {
  const env = {
    DRILL_SCHEDULE_GROUP: "govdr-drills",
    DRILL_SCHEDULER_TARGET_ARN: "arn:aws-cn:lambda:cn-north-1:1:function:govdr-scheduled-drill",
    DRILL_SCHEDULER_ROLE_ARN: "arn:aws-cn:iam::1:role/govdr-drill-scheduler",
  };
  const drill = {
    type: "simulated" as const,
    periodMinutes: 1440,
    startAt: "02:37",
    timezone: "Asia/Shanghai",
  };

  it("replaces the system's schedules with the policy's, in its time zone, targeting the drill starter", async () => {
    scheduler.on(ListSchedulesCommand).resolves({ Schedules: [{ Name: "drill-s-000000000001-0" }] });
    scheduler.on(DeleteScheduleCommand).resolves({});
    scheduler.on(CreateScheduleCommand).resolves({});

    await schedulerDrillSchedules(env, new SchedulerClient({})).apply(
      "t-000000000001",
      "s-000000000001",
      drill,
    );

    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]?.args[0].input.Name).toBe(
      "drill-s-000000000001-0",
    );
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toMatchObject({
      GroupName: "govdr-drills",
      Name: "drill-s-000000000001-0",
      ScheduleExpression: "cron(37 2 * * ? *)",
      ScheduleExpressionTimezone: "Asia/Shanghai",
      Target: {
        Arn: env.DRILL_SCHEDULER_TARGET_ARN,
        RoleArn: env.DRILL_SCHEDULER_ROLE_ARN,
        Input: '{"tenantId":"t-000000000001","systemId":"s-000000000001"}',
      },
    });
  });

  it("removes the schedules of a policy without a drill, and converts the time to UTC for the emulator", async () => {
    scheduler.on(ListSchedulesCommand).resolves({ Schedules: [{ Name: "drill-s-000000000001-0" }] });
    scheduler.on(DeleteScheduleCommand).resolves({});
    scheduler.on(CreateScheduleCommand).resolves({});
    const schedules = schedulerDrillSchedules(
      { ...env, DRILL_SCHEDULES_IN_UTC: true },
      new SchedulerClient({}),
    );

    await schedules.apply("t-000000000001", "s-000000000001", undefined);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
    await schedules.apply("t-000000000001", "s-000000000001", drill);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toMatchObject({
      ScheduleExpression: "cron(37 18 * * ? *)",
      ScheduleExpressionTimezone: "UTC",
    });
  });
});

describe("notifications through SNS", () => {
  const platform = "arn:aws-cn:sns:cn-north-1:1:govdr-notifications";

  it("subscribes an endpoint to the unit's own topic, made encrypted if new, filtered to its kinds", async () => {
    sns
      .on(CreateTopicCommand)
      .resolves({ TopicArn: "arn:aws-cn:sns:cn-north-1:1:govdr-tenant-t-000000000001" });
    sns
      .on(SubscribeCommand)
      .resolves({ SubscriptionArn: "arn:aws-cn:sns:cn-north-1:1:govdr-tenant-t-000000000001:abc" });
    const topic = snsNotificationTopic({
      NOTIFICATIONS_TOPIC_ARN: platform,
      NOTIFICATIONS_KEY_ID: "alias/govdr-notifications",
    });

    const arn = await topic.subscribe("t-000000000001", {
      protocol: "sms",
      endpoint: "+8613800138000",
      kinds: ["rpo-breach"],
    });

    expect(arn).toMatch(/:abc$/);
    expect(sns.commandCalls(CreateTopicCommand)[0]?.args[0].input).toMatchObject({
      Name: "govdr-tenant-t-000000000001",
      Attributes: { KmsMasterKeyId: "alias/govdr-notifications" },
    });
    expect(sns.commandCalls(SubscribeCommand)[0]?.args[0].input).toMatchObject({
      TopicArn: "arn:aws-cn:sns:cn-north-1:1:govdr-tenant-t-000000000001",
      Attributes: { FilterPolicy: '{"kind":["rpo-breach"]}' },
    });
  });

  it("publishes to the platform's topic and the unit's; a unit without a topic has no one to tell, other failures are errors", async () => {
    sns.on(PublishCommand, { TopicArn: platform }).resolves({ MessageId: "1" });
    sns
      .on(PublishCommand, { TopicArn: "arn:aws-cn:sns:cn-north-1:1:govdr-tenant-t-000000000001" })
      .rejectsOnce(new NotFoundException({ message: "Topic does not exist", $metadata: {} }))
      .rejectsOnce(Object.assign(new Error("throttled"), { name: "Throttling" }));
    const notifier = snsNotifier(platform);
    const message = { kind: "drill-result", subject: "PASS", text: "ok", data: {} };

    await notifier.publish("t-000000000001", message);
    await expect(notifier.publish("t-000000000001", message)).rejects.toThrow("throttled");
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes?.tenantId?.StringValue).toBe(
      "t-000000000001",
    );
  });
});

describe("vault listings for the replication monitor", () => {
  it("lists every page of both vaults, and maps a snapshot's repository to its prefix", async () => {
    s3.on(ListObjectsV2Command)
      .resolvesOnce({
        Contents: [{ Key: "tenants/t-000000000001/a", Size: 3, LastModified: new Date(0) }],
        NextContinuationToken: "n",
        IsTruncated: true,
      })
      .resolvesOnce({
        Contents: [{ Key: "tenants/t-000000000001/b", Size: 4, LastModified: new Date(1000) }],
      });
    const listings = s3VaultListings({
      VAULT_BUCKET: "vault-1",
      DR_VAULT_BUCKET: "vault-2",
      DR_REGION: "cn-northwest-1",
    });

    const objects = [];
    for await (const object of listings.primary("tenants/t-000000000001/")) objects.push(object);

    expect(objects.map((o) => [o.key, o.size])).toEqual([
      ["tenants/t-000000000001/a", 3],
      ["tenants/t-000000000001/b", 4],
    ]);
    expect(
      listings.prefixOf({
        tenantId: "t-000000000001",
        repository: "s3://vault-1/tenants/t-000000000001/",
      } as never),
    ).toBe("tenants/t-000000000001/");
  });
});
