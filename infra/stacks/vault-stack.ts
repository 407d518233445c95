import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type { Bucket } from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import type { DeploymentConfig } from "../config.ts";
import { sandboxBucket } from "../constructs/drill-buckets.ts";
import { ReplicationQueue } from "../constructs/replication-queue.ts";
import { AccessLogBucket, VaultBucket } from "../constructs/vault-bucket.ts";
import { stageSettings } from "./stage-settings.ts";

export interface VaultStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** Set on the primary region's vault: replicate to the DR region's vault. */
  readonly replicateToRegion?: string;
  /** Set on the DR region's vault: the sandbox bucket drills restore into sits beside it. */
  readonly drillSandbox?: boolean;
}

/** One region's vault. Its own stack: vaults outlive every other resource and change rarely. */
export class VaultStack extends Stack {
  readonly vault: VaultBucket;
  readonly sandbox?: Bucket;
  /** The primary vault's new versions, for the managed replicator. */
  readonly replication?: ReplicationQueue;

  constructor(scope: Construct, id: string, props: VaultStackProps) {
    super(scope, id, props);
    const settings = stageSettings(props.config);
    const accessLogs = new AccessLogBucket(this, "AccessLogs", {
      retentionDays: props.config.logRetentionDays,
      removalPolicy: settings.removalPolicy,
    });
    this.vault = new VaultBucket(this, "Vault", {
      retentionDays: props.config.vaultRetentionDays,
      accessLogs: accessLogs.bucket,
      replicateTo: props.replicateToRegion ? { region: props.replicateToRegion } : undefined,
    });
    new CfnOutput(this, "VaultBucketName", { value: this.vault.bucket.bucketName });
    if (props.replicateToRegion) {
      this.replication = new ReplicationQueue(this, "Replication", {
        vault: this.vault.bucket,
        visibilityTimeout: settings.replicator.visibilityTimeout,
        maxReceiveCount: settings.replicator.maxReceiveCount,
        removalPolicy: settings.removalPolicy,
      });
      new CfnOutput(this, "ReplicationQueueUrl", { value: this.replication.queue.queueUrl });
      new CfnOutput(this, "ReplicationDeadLetterQueueUrl", { value: this.replication.deadLetters.queueUrl });
    }
    if (props.drillSandbox) {
      this.sandbox = sandboxBucket(this, {
        accessLogs: accessLogs.bucket,
        removalPolicy: settings.removalPolicy,
      });
      new CfnOutput(this, "SandboxBucketName", { value: this.sandbox.bucketName });
    }
    new CfnOutput(this, "AccessLogBucketName", { value: accessLogs.bucket.bucketName });
  }
}
