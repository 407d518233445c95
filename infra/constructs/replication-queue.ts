import { Aws, type CfnResource, Duration, type RemovalPolicy } from "aws-cdk-lib";
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { CfnBucket, IBucket } from "aws-cdk-lib/aws-s3";
import { Queue, QueueEncryption, QueuePolicy } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { acknowledgeNag } from "../acknowledge.ts";
import { vaultBucketName } from "./vault-bucket.ts";

export const replicationQueueNames = {
  queue: "govdr-replication",
  deadLetters: "govdr-replication-dlq",
} as const;

export interface ReplicationQueueProps {
  readonly vault: IBucket;
  /** How long a delivery stays hidden while the replicator works on it: at least its timeout. */
  readonly visibilityTimeout: Duration;
  /** Deliveries before a message goes to the dead-letter queue. */
  readonly maxReceiveCount: number;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Every new version in the primary vault, as an S3 notification on a queue the managed replicator
 * reads (D-42), and the dead-letter queue for what it gave up on. The notification is set on the
 * bucket itself (not CDK's notifications custom resource): it is one setting, applied by
 * CloudFormation and by emulators alike, after the queue policy that lets S3 send.
 */
export class ReplicationQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: ReplicationQueueProps) {
    super(scope, id);
    this.deadLetters = new Queue(this, "DeadLetters", {
      queueName: replicationQueueNames.deadLetters,
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
    });
    this.queue = new Queue(this, "Queue", {
      queueName: replicationQueueNames.queue,
      retentionPeriod: Duration.days(14),
      visibilityTimeout: props.visibilityTimeout,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: props.maxReceiveCount },
      removalPolicy: props.removalPolicy,
    });
    acknowledgeNag(this.deadLetters, {
      id: "AwsSolutions-SQS3",
      reason: "This is the replication queue's dead-letter queue.",
    });
    const policy = new QueuePolicy(this, "S3Sends", { queues: [this.queue] });
    policy.document.addStatements(
      new PolicyStatement({
        actions: ["sqs:SendMessage"],
        principals: [new ServicePrincipal("s3.amazonaws.com")],
        resources: [this.queue.queueArn],
        conditions: {
          // By name: the bucket's own ARN would make the bucket and this policy wait for each other.
          ArnLike: { "aws:SourceArn": `arn:${Aws.PARTITION}:s3:::${vaultBucketName(Aws.REGION)}` },
          StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID },
        },
      }),
    );
    const bucket = props.vault.node.defaultChild as CfnBucket;
    bucket.notificationConfiguration = {
      queueConfigurations: [{ event: "s3:ObjectCreated:*", queue: this.queue.queueArn }],
    };
    bucket.addDependency(policy.node.defaultChild as CfnResource);
  }
}
