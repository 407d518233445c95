import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import {
  APIGatewayClient,
  CreateAuthorizerCommand,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from "@aws-sdk/client-api-gateway";
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from "@aws-sdk/client-cloudformation";
import { CloudTrailClient, LookupEventsCommand } from "@aws-sdk/client-cloudtrail";
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { CreateKeyCommand, DecryptCommand, GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { AddPermissionCommand, CreateEventSourceMappingCommand } from "@aws-sdk/client-lambda";
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  Route53Client,
} from "@aws-sdk/client-route-53";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  SchedulerClient,
} from "@aws-sdk/client-scheduler";
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  DeleteTopicCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { ministack } from "../../cli/emulator/settings.ts";
import { statePaths } from "../../cli/paths.ts";
import { documentedObservations } from "./support/capability-table.ts";
import {
  anyRoleArn,
  clientConfig,
  createNodeLambda,
  LambdaClient,
  localStack,
  pollUntil,
  uniqueName,
} from "./support/emulator.ts";

const config = () => clientConfig();
const s3 = new S3Client(config());
const dynamodb = new DynamoDBClient(config());
const lambda = new LambdaClient(config());
const sfn = new SFNClient(config());
const kms = new KMSClient(config());
const sns = new SNSClient(config());
const sqs = new SQSClient(config());
const route53 = new Route53Client(config());

/** Runs a call that must fail and returns the error's name (what the emulator refused it with). */
async function refusal(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (error) {
    return (error as Error).name;
  }
  return "allowed";
}

/** Every Lambda below records what it saw here, keyed by `id`, so the test can observe it ran. */
let markerTable: string;
const markerWriterSource = `
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
const db = new DynamoDBClient({});
export const handler = async (event) => {
  const id = event.markerId ?? event.Records?.[0]?.s3?.object?.key ?? event.Records?.[0]?.dynamodb?.Keys?.pk?.S ?? "unknown";
  await db.send(new PutItemCommand({ TableName: process.env.MARKER_TABLE, Item: { pk: { S: id }, event: { S: JSON.stringify(event) } } }));
  return { recorded: id };
};`;
let markerWriterArn: string;

async function marker(id: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const item = await pollUntil(
    async () =>
      (await dynamodb.send(new GetItemCommand({ TableName: markerTable, Key: { pk: { S: id } } }))).Item,
    { timeoutMs, intervalMs: 250, what: `marker ${id}` },
  );
  return JSON.parse(item.event?.S ?? "{}");
}

async function lockedBucket(): Promise<string> {
  const Bucket = uniqueName("cap-lock");
  await s3.send(new CreateBucketCommand({ Bucket, ObjectLockEnabledForBucket: true }));
  return Bucket;
}

const inOneDay = () => new Date(Date.now() + 86_400_000);

/** A one-version object in a fresh Object Lock bucket, locked in `mode` until `until`. */
async function lockedVersion(mode: "COMPLIANCE" | "GOVERNANCE", until = inOneDay()) {
  const Bucket = await lockedBucket();
  const Key = "pack";
  const { VersionId } = await s3.send(
    new PutObjectCommand({ Bucket, Key, Body: "x", ObjectLockMode: mode, ObjectLockRetainUntilDate: until }),
  );
  return { Bucket, Key, VersionId };
}

const deleteVersion = (version: { Bucket: string; Key: string; VersionId?: string }, bypass: boolean) =>
  refusal(() =>
    s3.send(new DeleteObjectCommand({ ...version, BypassGovernanceRetention: bypass || undefined })),
  );

/** A topic for one probe; `remove` unsubscribes everything on it and deletes it. */
async function probeTopic() {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName("cap-topic") }));
  if (!TopicArn) throw new Error("CreateTopic returned no ARN");
  return {
    TopicArn,
    remove: async () => {
      const { Subscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }));
      for (const { SubscriptionArn } of Subscriptions) {
        if (SubscriptionArn?.startsWith("arn:")) await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
      }
      await sns.send(new DeleteTopicCommand({ TopicArn }));
    },
  };
}

/** The installed emulator's source of one service module (the venv `govdr emulator start` made). */
function ministackSource(service: string): string | undefined {
  const lib = path.join(statePaths.venv, "lib");
  try {
    for (const python of readdirSync(lib)) {
      try {
        return readFileSync(
          path.join(lib, python, "site-packages", "ministack", "services", service),
          "utf8",
        );
      } catch {}
    }
  } catch {}
  return undefined;
}

const probes: Record<string, { title: string; probe: () => Promise<string> }> = {
  "S3-VERSIONING": {
    title: "S3 versioning keeps every version of a key",
    probe: async () => {
      const Bucket = uniqueName("cap-ver");
      await s3.send(new CreateBucketCommand({ Bucket }));
      await s3.send(
        new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }),
      );
      const first = await s3.send(new PutObjectCommand({ Bucket, Key: "k", Body: "one" }));
      const second = await s3.send(new PutObjectCommand({ Bucket, Key: "k", Body: "two" }));
      const old = await s3.send(new HeadObjectCommand({ Bucket, Key: "k", VersionId: first.VersionId }));
      return first.VersionId !== second.VersionId && old.ContentLength === 3 ? "supported" : "not supported";
    },
  },
  "S3-OL-COMPLIANCE-DELETE": {
    title: "DeleteObject with VersionId on a COMPLIANCE-locked version",
    probe: async () => {
      const version = await lockedVersion("COMPLIANCE");
      const bypass = await deleteVersion(version, true);
      const plain = await deleteVersion(version, false);
      return `refused (${plain}); with governance bypass too (${bypass})`;
    },
  },
  "S3-OL-GOVERNANCE-BYPASS": {
    title: "DeleteObject on a GOVERNANCE-locked version needs the bypass header",
    probe: async () => {
      const version = await lockedVersion("GOVERNANCE");
      const without = await deleteVersion(version, false);
      const withBypass = await deleteVersion(version, true);
      return `without bypass: refused (${without}); with bypass: ${withBypass}`;
    },
  },
  "S3-OL-COMPLIANCE-RETENTION": {
    title: "COMPLIANCE retention can be extended but not shortened",
    probe: async () => {
      const until = inOneDay();
      const version = await lockedVersion("COMPLIANCE", until);
      const retain = (RetainUntilDate: Date) =>
        refusal(() =>
          s3.send(
            new PutObjectRetentionCommand({ ...version, Retention: { Mode: "COMPLIANCE", RetainUntilDate } }),
          ),
        );
      const extend = await retain(new Date(until.getTime() + 86_400_000));
      const shorten = await retain(new Date(Date.now() + 3_600_000));
      return `extend: ${extend}; shorten: refused (${shorten})`;
    },
  },
  "S3-NOTIFY-SQS": {
    title: "S3 notifies an SQS queue of each new object version",
    probe: async () => {
      const Bucket = await lockedBucket();
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("cap-s3q") }));
      try {
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
        );
        await s3.send(
          new PutBucketNotificationConfigurationCommand({
            Bucket,
            NotificationConfiguration: {
              QueueConfigurations: [{ QueueArn: Attributes?.QueueArn, Events: ["s3:ObjectCreated:*"] }],
            },
          }),
        );
        const { VersionId } = await s3.send(new PutObjectCommand({ Bucket, Key: "a b/pack", Body: "x" }));
        const bodies: string[] = [];
        const record = await pollUntil(
          async () => {
            const { Messages = [] } = await sqs.send(
              new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
            );
            bodies.push(...Messages.map((m) => m.Body ?? ""));
            return bodies.map((b) => JSON.parse(b).Records?.[0]).find(Boolean);
          },
          { timeoutMs: 15_000, what: "the S3 notification" },
        ).catch(() => undefined);
        if (!record) return "not queued";
        const test = bodies.some((b) => JSON.parse(b).Event === "s3:TestEvent")
          ? ", after an s3:TestEvent"
          : "";
        const version =
          record.s3?.object?.versionId === VersionId ? "with its versionId" : "without its versionId";
        return `queued (${record.eventName}, ${version}, key ${record.s3?.object?.key}${test})`;
      } finally {
        await sqs.send(new DeleteQueueCommand({ QueueUrl }));
      }
    },
  },
  "S3-COPY-OBJECT-LOCK": {
    title: "CopyObject into a locked bucket applies the Object Lock headers it is given",
    probe: async () => {
      const source = await lockedVersion("COMPLIANCE", inOneDay());
      const Bucket = await lockedBucket();
      const asked = new Date(Date.now() + 3 * 86_400_000);
      const { VersionId } = await s3.send(
        new CopyObjectCommand({
          Bucket,
          Key: "copy",
          CopySource: `${source.Bucket}/${source.Key}?versionId=${source.VersionId}`,
          ObjectLockMode: "COMPLIANCE",
          ObjectLockRetainUntilDate: asked,
        }),
      );
      const head = await s3.send(new HeadObjectCommand({ Bucket, Key: "copy", VersionId }));
      const until = head.ObjectLockRetainUntilDate?.getTime() ?? 0;
      return Math.abs(until - asked.getTime()) < 2000
        ? "applied"
        : until > 0
          ? "ignored (the copy keeps the source's retention)"
          : "ignored (the copy is not locked)";
    },
  },
  "SQS-MESSAGE-MOVE": {
    title: "StartMessageMoveTask moves a dead-letter queue's messages back",
    probe: async () => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("cap-dlq") }));
      try {
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
        );
        await sqs.send(
          new SetQueueAttributesCommand({ QueueUrl, Attributes: { MessageRetentionPeriod: "60" } }),
        );
        const answer = await refusal(() =>
          sqs.send(new StartMessageMoveTaskCommand({ SourceArn: Attributes?.QueueArn })),
        );
        return answer === "allowed" ? "supported" : `not supported (${answer})`;
      } finally {
        await sqs.send(new DeleteQueueCommand({ QueueUrl }));
      }
    },
  },
  "S3-CFN-OBJECTLOCK": {
    title: "CloudFormation applies a bucket's ObjectLockConfiguration",
    probe: async () => {
      const cfn = new CloudFormationClient(config());
      const StackName = uniqueName("cap-cfn");
      const BucketName = uniqueName("cap-cfn-bucket");
      const template = {
        Resources: {
          B: {
            Type: "AWS::S3::Bucket",
            Properties: {
              BucketName,
              ObjectLockEnabled: true,
              VersioningConfiguration: { Status: "Enabled" },
              ObjectLockConfiguration: {
                ObjectLockEnabled: "Enabled",
                Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: 1 } },
              },
            },
          },
        },
      };
      await cfn.send(new CreateStackCommand({ StackName, TemplateBody: JSON.stringify(template) }));
      await pollUntil(
        async () => {
          const status = (await cfn.send(new DescribeStacksCommand({ StackName }))).Stacks?.[0]?.StackStatus;
          if (status?.endsWith("FAILED")) throw new Error(`stack ${status}`);
          return status === "CREATE_COMPLETE" ? true : undefined;
        },
        { timeoutMs: 30_000, what: "capability stack" },
      );
      const lock = await refusal(() =>
        s3.send(new GetObjectLockConfigurationCommand({ Bucket: BucketName })),
      );
      return lock === "allowed" ? "applied" : `dropped (${lock})`;
    },
  },
  "S3-REPLICATION": {
    title: "S3 replication copies new objects to the destination bucket",
    probe: async () => {
      const [source, destination] = [uniqueName("cap-src"), uniqueName("cap-dst")];
      for (const Bucket of [source, destination]) {
        await s3.send(new CreateBucketCommand({ Bucket }));
        await s3.send(
          new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Enabled" } }),
        );
      }
      await s3.send(
        new PutBucketReplicationCommand({
          Bucket: source,
          ReplicationConfiguration: {
            Role: anyRoleArn,
            Rules: [
              {
                ID: "all",
                Priority: 0,
                Status: "Enabled",
                Filter: { Prefix: "" },
                DeleteMarkerReplication: { Status: "Disabled" },
                Destination: { Bucket: `arn:aws:s3:::${destination}` },
              },
            ],
          },
        }),
      );
      await s3.send(new PutObjectCommand({ Bucket: source, Key: "snap/1", Body: "payload" }));
      const replica = await pollUntil(
        async () => {
          const head = await refusal(() =>
            s3.send(new HeadObjectCommand({ Bucket: destination, Key: "snap/1" })),
          );
          return head === "allowed" ? true : undefined;
        },
        { timeoutMs: 20_000, what: "the replica" },
      ).catch(() => false);
      const status = (await s3.send(new HeadObjectCommand({ Bucket: source, Key: "snap/1" })))
        .ReplicationStatus;
      return replica ? `objects copied (source status ${status})` : "objects not copied";
    },
  },
  "S3-NOTIFY-LAMBDA": {
    title: "S3 event notifications invoke a Lambda",
    probe: async () => {
      const Bucket = uniqueName("cap-notify");
      await s3.send(new CreateBucketCommand({ Bucket }));
      await lambda.send(
        new AddPermissionCommand({
          FunctionName: markerWriterArn,
          StatementId: uniqueName("s3"),
          Action: "lambda:InvokeFunction",
          Principal: "s3.amazonaws.com",
          SourceArn: `arn:aws:s3:::${Bucket}`,
        }),
      );
      await s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket,
          NotificationConfiguration: {
            LambdaFunctionConfigurations: [
              { LambdaFunctionArn: markerWriterArn, Events: ["s3:ObjectCreated:*"] },
            ],
          },
        }),
      );
      const key = uniqueName("notified");
      await s3.send(new PutObjectCommand({ Bucket, Key: key, Body: "x" }));
      const event = (await marker(key)) as { Records: { eventName: string }[] };
      return `Lambda invoked (${event.Records[0]?.eventName})`;
    },
  },
  "DDB-TRANSACT": {
    title: "DynamoDB TransactWriteItems with conditions is all-or-nothing",
    probe: async () => {
      const TableName = await probeTable();
      const put = (pk: string, condition?: string) => ({
        Put: {
          TableName,
          Item: { pk: { S: pk }, sk: { S: "v" } },
          ...(condition ? { ConditionExpression: condition } : {}),
        },
      });
      await dynamodb.send(new TransactWriteItemsCommand({ TransactItems: [put("a"), put("b")] }));
      const refused = await refusal(() =>
        dynamodb.send(
          new TransactWriteItemsCommand({ TransactItems: [put("c"), put("a", "attribute_not_exists(pk)")] }),
        ),
      );
      const cWritten = (
        await dynamodb.send(new GetItemCommand({ TableName, Key: { pk: { S: "c" }, sk: { S: "v" } } }))
      ).Item;
      return `failed condition cancels the whole transaction (${refused}${cWritten ? "; but c was written" : ""})`;
    },
  },
  "DDB-STREAM-LAMBDA": {
    title: "A DynamoDB stream's filtered event source mapping invokes a Lambda",
    probe: async () => {
      const TableName = uniqueName("cap-stream");
      const created = await dynamodb.send(
        new CreateTableCommand({
          TableName,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: ["pk", "sk"].map((AttributeName) => ({ AttributeName, AttributeType: "S" })),
          KeySchema: [
            { AttributeName: "pk", KeyType: "HASH" },
            { AttributeName: "sk", KeyType: "RANGE" },
          ],
          StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" },
        }),
      );
      await lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: markerWriterArn,
          EventSourceArn: created.TableDescription?.LatestStreamArn,
          StartingPosition: "TRIM_HORIZON",
          BatchSize: 100,
          FilterCriteria: {
            Filters: [
              {
                Pattern: JSON.stringify({
                  eventName: ["INSERT"],
                  dynamodb: { Keys: { pk: { S: [{ prefix: "MATCH#" }] } } },
                }),
              },
            ],
          },
        }),
      );
      const id = `MATCH#${uniqueName("stream")}`;
      const put = (pk: string) =>
        dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: pk }, sk: { S: "v" } } }));
      await put(`SKIP#${uniqueName("stream")}`);
      await put(id);
      const event = (await marker(id)) as {
        Records: { eventName: string; dynamodb: { Keys: object; NewImage?: object } }[];
      };
      const keysOnly = event.Records.every((r) => r.dynamodb.NewImage === undefined);
      return `invoked with the matching INSERT only (${event.Records.length} record, ${event.Records[0]?.eventName}${keysOnly ? ", keys only" : ", with images"})`;
    },
  },
  "DDB-GSI-QUERY": {
    title: "DynamoDB Query on a global secondary index",
    probe: async () => {
      const TableName = await probeTable();
      await dynamodb.send(
        new PutItemCommand({
          TableName,
          Item: { pk: { S: "t1" }, sk: { S: "s1" }, gsi1pk: { S: "ACTIVE" }, gsi1sk: { S: "t1" } },
        }),
      );
      const { Items = [] } = await dynamodb.send(
        new QueryCommand({
          TableName,
          IndexName: "gsi1",
          KeyConditionExpression: "gsi1pk = :s",
          ExpressionAttributeValues: { ":s": { S: "ACTIVE" } },
        }),
      );
      return Items.length === 1 && Items[0]?.pk?.S === "t1"
        ? "supported"
        : `unexpected result (${Items.length} items)`;
    },
  },
  "KMS-CONTEXT": {
    title: "KMS GenerateDataKey/Decrypt bound to an encryption context",
    probe: async () => {
      const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: "capability probe" }));
      const context = { tenantId: "t-1", purpose: "vault-master-key" };
      const key = await kms.send(
        new GenerateDataKeyCommand({
          KeyId: KeyMetadata?.KeyId,
          KeySpec: "AES_256",
          EncryptionContext: context,
        }),
      );
      const same = await kms.send(
        new DecryptCommand({ CiphertextBlob: key.CiphertextBlob, EncryptionContext: context }),
      );
      const matches = Buffer.from(same.Plaintext ?? []).equals(Buffer.from(key.Plaintext ?? []));
      const wrong = await refusal(() =>
        kms.send(
          new DecryptCommand({
            CiphertextBlob: key.CiphertextBlob,
            EncryptionContext: { ...context, tenantId: "t-2" },
          }),
        ),
      );
      return `${matches ? "round trip" : "round trip broken"}; wrong context refused (${wrong})`;
    },
  },
  "SFN-LAMBDA-TASK": {
    title: "Step Functions Task invokes a Node.js Lambda",
    probe: async () => {
      const arn = await stateMachine({
        StartAt: "Call",
        States: {
          Call: {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke",
            Parameters: { FunctionName: markerWriterArn, "Payload.$": "$" },
            ResultSelector: { "recorded.$": "$.Payload.recorded" },
            End: true,
          },
        },
      });
      const markerId = uniqueName("sfn");
      const output = await execute(arn, { markerId });
      return output.status === "SUCCEEDED" && JSON.parse(output.output ?? "{}").recorded === markerId
        ? "supported"
        : `failed (${output.status} ${output.error ?? ""})`;
    },
  },
  "SFN-TASK-TOKEN": {
    title: "Step Functions .waitForTaskToken resumes on SendTaskSuccess",
    probe: async () => {
      const arn = await stateMachine({
        StartAt: "Approve",
        States: {
          Approve: {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
            Parameters: {
              FunctionName: markerWriterArn,
              Payload: { "markerId.$": "$.markerId", "token.$": "$$.Task.Token" },
            },
            End: true,
          },
        },
      });
      const markerId = uniqueName("approval");
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify({ markerId }) }),
      );
      const { token } = (await marker(markerId)) as { token: string };
      await sfn.send(
        new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approvedBy: "auditor" }) }),
      );
      const done = await finished(executionArn ?? "");
      return done.status === "SUCCEEDED" && JSON.parse(done.output ?? "{}").approvedBy === "auditor"
        ? "supported"
        : `failed (${done.status})`;
    },
  },
  "SFN-NAMED-ERROR": {
    title: "Error name a Catch sees when a Lambda task throws a named error",
    probe: async () => {
      const thrower = uniqueName("cap-throw");
      const throwerArn = await createNodeLambda(
        lambda,
        thrower,
        `class DependencyUnavailableError extends Error { name = "DependencyUnavailableError"; }
         export const handler = async () => { throw new DependencyUnavailableError("table down"); };`,
      );
      const arn = await stateMachine({
        StartAt: "Call",
        States: {
          Call: {
            Type: "Task",
            Resource: "arn:aws:states:::lambda:invoke",
            Parameters: { FunctionName: throwerArn },
            Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.caught", Next: "Done" }],
            Next: "Done",
          },
          Done: { Type: "Pass", End: true },
        },
      });
      const output = await execute(arn, {});
      return `${JSON.parse(output.output ?? "{}").caught?.Error ?? "no error caught"}`;
    },
  },
  "SCHEDULER-AT": {
    title: "EventBridge Scheduler fires a one-time schedule's Lambda target",
    probe: async () => {
      const scheduler = new SchedulerClient(config());
      const markerId = uniqueName("scheduled");
      const at = new Date(Date.now() + 2_000).toISOString().slice(0, 19);
      await scheduler.send(
        new CreateScheduleCommand({
          Name: markerId,
          ScheduleExpression: `at(${at})`,
          FlexibleTimeWindow: { Mode: "OFF" },
          Target: { Arn: markerWriterArn, RoleArn: anyRoleArn, Input: JSON.stringify({ markerId }) },
        }),
      );
      await marker(markerId, 90_000);
      return "fired";
    },
  },
  "SCHEDULER-CRON-TIMEZONE": {
    title: "EventBridge Scheduler honours ScheduleExpressionTimezone for cron schedules",
    probe: async () => {
      const scheduler = new SchedulerClient(config());
      const Name = uniqueName("cap-cron-tz");
      await scheduler.send(
        new CreateScheduleCommand({
          Name,
          ScheduleExpression: "cron(37 2 * * ? *)",
          ScheduleExpressionTimezone: "Asia/Shanghai",
          FlexibleTimeWindow: { Mode: "OFF" },
          Target: { Arn: markerWriterArn, RoleArn: anyRoleArn, Input: JSON.stringify({ markerId: Name }) },
        }),
      );
      try {
        const stored = (await scheduler.send(new GetScheduleCommand({ Name }))).ScheduleExpressionTimezone;
        // Not waiting for a firing: the ticker that fires cron schedules is read instead.
        const tick = ministackSource("scheduler.py")
          ?.split(/^def _tick_schedules\(/m)[1]
          ?.split(/^def /m)[0];
        const evaluation = !tick
          ? "cron evaluation unknown (no _tick_schedules in the emulator's source)"
          : /ScheduleExpressionTimezone|zoneinfo|ZoneInfo/.test(tick) || !tick.includes("tz=timezone.utc")
            ? "cron evaluation changed in the emulator's source"
            : "cron evaluated in UTC";
        return `timezone stored (${stored}), ${evaluation}`;
      } finally {
        await scheduler.send(new DeleteScheduleCommand({ Name }));
      }
    },
  },
  "SNS-SQS-FILTER": {
    title: "SNS delivers to an SQS subscription, honouring a FilterPolicy on a message attribute",
    probe: async () => {
      const topic = await probeTopic();
      const queues: string[] = [];
      try {
        const queueFor = async (tenantId: string) => {
          const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("cap-sub") }));
          if (!QueueUrl) throw new Error("CreateQueue returned no URL");
          queues.push(QueueUrl);
          const { Attributes } = await sqs.send(
            new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }),
          );
          await sns.send(
            new SubscribeCommand({
              TopicArn: topic.TopicArn,
              Protocol: "sqs",
              Endpoint: Attributes?.QueueArn,
              Attributes: {
                FilterPolicy: JSON.stringify({ tenantId: [tenantId] }),
                RawMessageDelivery: "true",
              },
            }),
          );
          return QueueUrl;
        };
        const [matching, other] = [await queueFor("t-a"), await queueFor("t-b")];
        const Message = JSON.stringify({ tenantId: "t-a", kind: "capability-probe" });
        await sns.send(
          new PublishCommand({
            TopicArn: topic.TopicArn,
            Message,
            MessageAttributes: { tenantId: { DataType: "String", StringValue: "t-a" } },
          }),
        );
        const receive = async (QueueUrl: string) =>
          (
            await sqs.send(
              new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
            )
          ).Messages ?? [];
        const received = await pollUntil(async () => (await receive(matching)).at(0)?.Body ?? undefined, {
          timeoutMs: 15_000,
          what: "the filtered SNS message",
        }).catch(() => undefined);
        // Asked only once the matching queue has its message, so the other one had the same time.
        const leaked = (await receive(other)).length > 0;
        if (received === undefined)
          return leaked ? "delivered to the other subscription only" : "not delivered";
        const body = received === Message ? "raw message body" : "wrapped in the SNS envelope";
        return `${leaked ? "delivered to both subscriptions" : "delivered to the matching subscription only"} (${body})`;
      } finally {
        await topic.remove();
        for (const QueueUrl of queues) await sqs.send(new DeleteQueueCommand({ QueueUrl }));
      }
    },
  },
  "SNS-HTTP-DELIVERY": {
    title: "SNS delivers to an HTTP subscription",
    probe: async () => {
      const posts: { Type?: string; Message?: string; SubscribeURL?: string; Token?: string }[] = [];
      const server = createServer((request, response) => {
        let body = "";
        request.on("data", (chunk) => {
          body += chunk;
        });
        request.on("end", () => {
          try {
            posts.push(JSON.parse(body));
          } catch {
            posts.push({ Type: `unparseable body (${request.headers["x-amz-sns-message-type"]})` });
          }
          response.end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const topic = await probeTopic();
      try {
        const { port } = server.address() as AddressInfo;
        await sns.send(
          new SubscribeCommand({
            TopicArn: topic.TopicArn,
            Protocol: "http",
            Endpoint: `http://127.0.0.1:${port}/sns`,
          }),
        );
        const publish = (Message: string) =>
          sns.send(new PublishCommand({ TopicArn: topic.TopicArn, Message }));
        const arrived = (type: string, message?: string) =>
          pollUntil(
            async () =>
              posts.find((p) => p.Type === type && (message === undefined || p.Message === message)),
            { timeoutMs: 15_000, intervalMs: 100, what: `an SNS ${type} over HTTP` },
          ).catch(() => undefined);
        await publish("before confirming");
        const confirmation = await arrived("SubscriptionConfirmation");
        if (!confirmation) {
          const notification = await arrived("Notification");
          return notification ? "Notification without confirmation" : "not delivered";
        }
        // What a subscriber does: GET the SubscribeURL; the ConfirmSubscription call only if that fails.
        const viaUrl = await fetch(confirmation.SubscribeURL ?? "").then(
          async (r) => (r.ok ? "ok" : `${r.status} ${/<Code>(\w+)<\/Code>/.exec(await r.text())?.[1]}`),
          (error: Error) => error.name,
        );
        if (viaUrl !== "ok") {
          await sns.send(
            new ConfirmSubscriptionCommand({ TopicArn: topic.TopicArn, Token: confirmation.Token }),
          );
        }
        await publish("after confirming");
        const notification = await arrived("Notification", "after confirming");
        // Asked only once the later Notification arrived, so the earlier one had longer to arrive.
        const early = posts.some((p) => p.Type === "Notification" && p.Message === "before confirming");
        const how =
          viaUrl === "ok"
            ? "confirmed through its SubscribeURL"
            : `its SubscribeURL refused (${viaUrl}), confirmed through ConfirmSubscription`;
        return `SubscriptionConfirmation; ${how}; then ${notification ? "Notification" : "no Notification"}, ${early ? "and one published before confirming" : "none before confirming"}`;
      } finally {
        await topic.remove();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  },
  "APIGW-LAMBDA-AUTHORIZER": {
    title: "API Gateway REST: Lambda proxy behind a TOKEN Lambda authorizer",
    probe: async () => {
      const apigw = new APIGatewayClient(config());
      const authorizerArn = await createNodeLambda(
        lambda,
        uniqueName("cap-authz"),
        `export const handler = async (e) => ({
          principalId: "u-1",
          policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke",
            Effect: e.authorizationToken === "Bearer allow" ? "Allow" : "Deny", Resource: e.methodArn }] },
          context: { tenantId: "t-42" } });`,
      );
      const backendArn = await createNodeLambda(
        lambda,
        uniqueName("cap-backend"),
        `export const handler = async (e) => ({ statusCode: 200, body: JSON.stringify({ tenant: e.requestContext.authorizer?.tenantId }) });`,
      );
      const region = localStack().regions.primary;
      const uri = (fn: string) =>
        `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${fn}/invocations`;
      const { id: restApiId } = await apigw.send(new CreateRestApiCommand({ name: uniqueName("cap-api") }));
      const root = (await apigw.send(new GetResourcesCommand({ restApiId }))).items?.find(
        (r) => r.path === "/",
      );
      const { id: resourceId } = await apigw.send(
        new CreateResourceCommand({ restApiId, parentId: root?.id, pathPart: "echo" }),
      );
      const { id: authorizerId } = await apigw.send(
        new CreateAuthorizerCommand({
          restApiId,
          name: "token",
          type: "TOKEN",
          authorizerUri: uri(authorizerArn),
          identitySource: "method.request.header.Authorization",
          authorizerResultTtlInSeconds: 0,
        }),
      );
      await apigw.send(
        new PutMethodCommand({
          restApiId,
          resourceId,
          httpMethod: "GET",
          authorizationType: "CUSTOM",
          authorizerId,
        }),
      );
      await apigw.send(
        new PutIntegrationCommand({
          restApiId,
          resourceId,
          httpMethod: "GET",
          type: "AWS_PROXY",
          integrationHttpMethod: "POST",
          uri: uri(backendArn),
        }),
      );
      await apigw.send(new CreateDeploymentCommand({ restApiId, stageName: "t" }));
      const url = `${localStack().endpoint}/_aws/execute-api/${restApiId}/t/echo`;
      const call = (token?: string) => fetch(url, { headers: token ? { authorization: token } : {} });
      const [none, denied, allowed] = await Promise.all([call(), call("Bearer deny"), call("Bearer allow")]);
      const body = (await allowed.json()) as { tenant?: string };
      return `no token ${none.status}, Deny ${denied.status}, Allow ${allowed.status} with context tenant=${body.tenant}`;
    },
  },
  "ROUTE53-FAILOVER-RECORDS": {
    title:
      "Route 53 failover record sets: UPSERT by SetIdentifier, listed back, and GetChange reaching INSYNC",
    probe: async () => {
      const { HostedZone } = await route53.send(
        new CreateHostedZoneCommand({
          Name: `${uniqueName("cap")}.example.gov.cn`,
          CallerReference: uniqueName("ref"),
        }),
      );
      const HostedZoneId = HostedZone?.Id ?? "";
      const Name = `app.${HostedZone?.Name?.replace(/\.$/, "")}`;
      const set = (Failover: "PRIMARY" | "SECONDARY", Value: string): ResourceRecordSet => ({
        Name,
        Type: "CNAME",
        SetIdentifier: `govdr-cap-${Failover.toLowerCase()}`,
        Failover,
        TTL: 30,
        ResourceRecords: [{ Value }],
      });
      const upsert = (...sets: ResourceRecordSet[]) =>
        route53.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId,
            ChangeBatch: {
              Changes: sets.map((ResourceRecordSet) => ({ Action: "UPSERT", ResourceRecordSet })),
            },
          }),
        );
      const submitted = await upsert(
        set("PRIMARY", "primary.example.gov.cn"),
        set("SECONDARY", "dr.example.gov.cn"),
      );
      const statuses = [];
      for (let i = 0; i < 2; i++) {
        const { ChangeInfo } = await route53.send(new GetChangeCommand({ Id: submitted.ChangeInfo?.Id }));
        statuses.push(ChangeInfo?.Status);
      }
      await upsert(set("PRIMARY", "dr.example.gov.cn"), set("SECONDARY", "primary.example.gov.cn"));
      const { ResourceRecordSets = [] } = await route53.send(
        new ListResourceRecordSetsCommand({ HostedZoneId, StartRecordName: Name, StartRecordType: "CNAME" }),
      );
      const listed = ResourceRecordSets.filter((rs) => rs.Name === `${Name}.` && rs.Type === "CNAME")
        .map((rs) => `${rs.Failover} ${rs.ResourceRecords?.[0]?.Value}`)
        .join(", ");
      const plain = await refusal(() =>
        route53.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId,
            ChangeBatch: {
              Changes: [
                {
                  Action: "CREATE",
                  ResourceRecordSet: {
                    Name,
                    Type: "CNAME",
                    TTL: 30,
                    ResourceRecords: [{ Value: "x.example.gov.cn" }],
                  },
                },
              ],
            },
          }),
        ),
      );
      return `upserted and listed (${listed}); change ${submitted.ChangeInfo?.Status}, then ${statuses.join(", ")} on GetChange; a plain record beside the pair: ${plain}`;
    },
  },
  "CLOUDTRAIL-LOOKUP": {
    title: "CloudTrail LookupEvents returns recorded API calls",
    probe: async () => {
      const cloudtrail = new CloudTrailClient(config());
      const Bucket = uniqueName("cap-trail");
      await s3.send(new CreateBucketCommand({ Bucket }));
      const events = await pollUntil(
        async () => {
          const { Events = [] } = await cloudtrail.send(
            new LookupEventsCommand({
              LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "CreateBucket" }],
            }),
          );
          return Events.some((e) => e.Resources?.some((r) => r.ResourceName === Bucket)) ? Events : undefined;
        },
        { timeoutMs: 10_000, what: "the CreateBucket event" },
      ).catch(() => []);
      return events.length > 0
        ? "records management events (CreateBucket found by EventName)"
        : "nothing recorded";
    },
  },
};

let probeTableName: string | undefined;
async function probeTable(): Promise<string> {
  if (probeTableName) return probeTableName;
  probeTableName = uniqueName("cap-ddb");
  await dynamodb.send(
    new CreateTableCommand({
      TableName: probeTableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: ["pk", "sk", "gsi1pk", "gsi1sk"].map((AttributeName) => ({
        AttributeName,
        AttributeType: "S",
      })),
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: "gsi1",
          KeySchema: [
            { AttributeName: "gsi1pk", KeyType: "HASH" },
            { AttributeName: "gsi1sk", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
    }),
  );
  return probeTableName;
}

async function stateMachine(definition: object): Promise<string> {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({
      name: uniqueName("cap-sm"),
      definition: JSON.stringify(definition),
      roleArn: anyRoleArn,
    }),
  );
  if (!stateMachineArn) throw new Error("no state machine ARN");
  return stateMachineArn;
}

async function finished(executionArn: string) {
  return pollUntil(
    async () => {
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return execution.status === "RUNNING" ? undefined : execution;
    },
    { timeoutMs: 60_000, intervalMs: 250, what: "the execution to finish" },
  );
}

async function execute(stateMachineArn: string, input: object) {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  return finished(executionArn ?? "");
}

describe(`emulator capabilities (ministack ${ministack.version}), as recorded in docs/emulator.md`, () => {
  const documented = documentedObservations();
  const observed = new Map<string, string>();

  beforeAll(async () => {
    markerTable = uniqueName("cap-markers");
    await dynamodb.send(
      new CreateTableCommand({
        TableName: markerTable,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      }),
    );
    markerWriterArn = await createNodeLambda(lambda, uniqueName("cap-marker"), markerWriterSource, {
      MARKER_TABLE: markerTable,
    });
  });

  it("documents exactly the capabilities this test probes", () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(probes).sort());
  });

  for (const [id, { title, probe }] of Object.entries(probes)) {
    it(`${id}: ${title}`, async () => {
      const observation = await probe();
      observed.set(id, observation);
      expect(observation, `observed on the emulator; docs/emulator.md says "${documented.get(id)}"`).toBe(
        documented.get(id),
      );
    });
  }
});
