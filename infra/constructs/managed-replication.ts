import { Aws, type CfnResource, Duration, type RemovalPolicy } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { replicationReplayFunctionEnv, replicatorFunctionEnv } from "../../shared/config/function-env.ts";
import { acknowledgeNag, nagResource } from "../acknowledge.ts";
import { GovdrFunction } from "./govdr-function.ts";
import { grantTableAccess } from "./table-access.ts";
import { vaultBucketName } from "./vault-bucket.ts";

export interface ManagedReplicationProps {
  readonly stage: "local" | "prod";
  readonly primaryRegion: string;
  readonly drRegion: string;
  readonly policies: ITable;
  readonly queue: IQueue;
  readonly deadLetters: IQueue;
  /** Where the alarms go: the platform's operators. */
  readonly alarmTopic: ITopic;
  readonly timeout: Duration;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

export const replicationReplayFunctionName = "govdr-replication-replay";

/**
 * The managed replicator (DESIGN.md §Replication, D-42): a function on the vault's queue that copies
 * each new version to the DR vault with its lock; the dead-letter queue's alarm; the replay that
 * puts dead letters back. It may read the primary vault and add to the DR vault, never delete.
 */
export class ManagedReplication extends Construct {
  readonly replicator: GovdrFunction<typeof replicatorFunctionEnv>;
  readonly replay: GovdrFunction<typeof replicationReplayFunctionEnv>;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: ManagedReplicationProps) {
    super(scope, id);
    const primaryVault = `arn:${Aws.PARTITION}:s3:::${vaultBucketName(props.primaryRegion)}`;
    const drVault = `arn:${Aws.PARTITION}:s3:::${vaultBucketName(props.drRegion)}`;
    this.replicator = new GovdrFunction(this, "Replicator", {
      entry: "events/replicator.ts",
      description: "Copies each new vault version to the DR vault with its Object Lock (managed replication)",
      envSchema: replicatorFunctionEnv,
      environment: {
        GOVDR_STAGE: props.stage,
        POWERTOOLS_SERVICE_NAME: "govdr-replicator",
        POLICIES_TABLE: props.policies.tableName,
        VAULT_BUCKET: vaultBucketName(props.primaryRegion),
        DR_VAULT_BUCKET: vaultBucketName(props.drRegion),
        DR_REGION: props.drRegion,
        REPLICATION_QUEUE_URL: props.queue.queueUrl,
      },
      timeout: props.timeout,
      memorySize: 512,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const fn = this.replicator.function;
    fn.addEventSource(new SqsEventSource(props.queue, { batchSize: 10, reportBatchItemFailures: true }));
    props.queue.grantSendMessages(fn);
    grantTableAccess(fn, props.policies, "read-only");
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: [
          "s3:GetObject",
          "s3:GetObjectVersion",
          "s3:GetObjectRetention",
          "s3:GetObjectVersionTagging",
        ],
        resources: [`${primaryVault}/tenants/*`],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ["s3:GetReplicationConfiguration"], resources: [primaryVault] }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ["s3:GetObject", "s3:PutObject", "s3:GetObjectRetention", "s3:PutObjectRetention"],
        resources: [`${drVault}/tenants/*`],
      }),
    );
    const keys = [props.primaryRegion, props.drRegion].map(
      (region) => `arn:${Aws.PARTITION}:kms:${region}:${Aws.ACCOUNT_ID}:key/*`,
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: keys,
        conditions: {
          StringEquals: {
            "kms:ViaService": [props.primaryRegion, props.drRegion].map((r) => `s3.${r}.amazonaws.com`),
          },
        },
      }),
    );
    const anchor = fn.node.defaultChild as CfnResource;
    acknowledgeNag(
      this.replicator,
      ...[`${primaryVault}/tenants/*`, `${drVault}/tenants/*`].map((arn) => ({
        id: `IAM5[${nagResource(anchor, arn)}]`,
        reason:
          "The replicator copies any unit's new vault objects (content-hashed names under tenants/<tenantId>/) to the same key in the DR vault; it has no delete action.",
      })),
      ...keys.map((arn) => ({
        id: `IAM5[${nagResource(anchor, arn)}]`,
        reason:
          "The vault keys are made by each region's vault stack; the replicator may use them only through S3 in those regions.",
      })),
    );

    this.replay = new GovdrFunction(this, "Replay", {
      entry: "tasks/replication-replay.ts",
      functionName: replicationReplayFunctionName,
      description: "Puts the replicator's dead letters back on its queue once their cause is fixed",
      envSchema: replicationReplayFunctionEnv,
      environment: {
        GOVDR_STAGE: props.stage,
        POWERTOOLS_SERVICE_NAME: "govdr-replication-replay",
        REPLICATION_QUEUE_URL: props.queue.queueUrl,
        REPLICATION_DLQ_URL: props.deadLetters.queueUrl,
      },
      timeout: Duration.minutes(5),
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    props.deadLetters.grantConsumeMessages(this.replay.function);
    props.queue.grantSendMessages(this.replay.function);

    this.deadLetterAlarm = new Alarm(this, "DeadLetterAlarm", {
      alarmName: "govdr-replication-dead-letters",
      alarmDescription:
        "The managed replicator gave up on vault versions: they are not in the DR vault. Fix the cause, then invoke govdr-replication-replay (docs/operations.md in the govdr repository).",
      metric: props.deadLetters.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: "Maximum",
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const backlogAlarm = new Alarm(this, "BacklogAlarm", {
      alarmName: "govdr-replication-backlog",
      alarmDescription:
        "A vault version has waited more than a day for the managed replicator (longer than any transfer window can hold it).",
      metric: props.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: "Maximum",
      }),
      threshold: 24 * 3600,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.deadLetterAlarm, backlogAlarm]) {
      alarm.addAlarmAction(new SnsAction(props.alarmTopic));
      alarm.addOkAction(new SnsAction(props.alarmTopic));
    }
  }
}
