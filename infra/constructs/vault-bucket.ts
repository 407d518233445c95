import { ArnFormat, Aws, Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as kms from "aws-cdk-lib/aws-kms";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { acknowledgeNag, nagResource } from "../acknowledge.ts";

export const vaultKeyAlias = "alias/govdr-vault";

/** Vault buckets have predictable names so the primary region can name its DR peer without a lookup. */
export function vaultBucketName(region: string): string {
  return `govdr-vault-${Aws.ACCOUNT_ID}-${region}`;
}

/**
 * What every write-once bucket shares: versioned, Object Lock COMPLIANCE by default, encrypted with a
 * customer-managed key, private, TLS-only, access-logged. Objects are retained on stack deletion
 * whatever the stage: Object Lock forbids early deletion anyway.
 */
export function lockedBucketProps(props: {
  retentionDays: number;
  key: kms.IKey;
  accessLogs: s3.IBucket;
  accessLogPrefix: string;
}): s3.BucketProps {
  return {
    versioned: true,
    objectLockEnabled: true,
    objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(props.retentionDays)),
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: props.key,
    bucketKeyEnabled: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    serverAccessLogsBucket: props.accessLogs,
    serverAccessLogsPrefix: props.accessLogPrefix,
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

export interface VaultReplicationTarget {
  readonly region: string;
}

export interface VaultBucketProps {
  readonly retentionDays: number;
  readonly accessLogs: s3.IBucket;
  /** Native S3 replication to the DR vault (DESIGN.md §Replication, mode "native"). */
  readonly replicateTo?: VaultReplicationTarget;
}

/**
 * An immutable backup vault: a locked bucket (see `lockedBucketProps`) with its own rotating key,
 * optionally replicated to the DR region. Losing a vault must never be one `cdk destroy` away.
 */
export class VaultBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: VaultBucketProps) {
    super(scope, id);
    this.key = new kms.Key(this, "Key", {
      alias: vaultKeyAlias,
      description: "govdr vault bucket default encryption",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const replicationRules = props.replicateTo ? [this.replicationRule(props.replicateTo)] : undefined;
    this.bucket = new s3.Bucket(this, "Bucket", {
      ...lockedBucketProps({
        retentionDays: props.retentionDays,
        key: this.key,
        accessLogs: props.accessLogs,
        accessLogPrefix: "vault/",
      }),
      bucketName: vaultBucketName(Aws.REGION),
      replicationRules,
    });
    if (replicationRules) {
      const anchor = this.bucket.node.defaultChild as s3.CfnBucket;
      const objects = [this.bucket, replicationRules[0]?.destination].map((b) => b?.arnForObjects("*") ?? "");
      const reason =
        "S3 replication reads every object version of the source vault and writes replicas into the DR vault (bucket/* is inherent); the KMS wildcards are CDK's replication grant, scoped to the two vault keys.";
      acknowledgeNag(
        this,
        ...objects.map((arn) => ({ id: `IAM5[${nagResource(anchor, arn)}]`, reason })),
        { id: "IAM5[Action::kms:GenerateDataKey*]", reason },
        { id: "IAM5[Action::kms:ReEncrypt*]", reason },
      );
    }
  }

  private replicationRule(target: VaultReplicationTarget): s3.ReplicationRule {
    const destination = s3.Bucket.fromBucketAttributes(this, "DrVault", {
      bucketName: vaultBucketName(target.region),
      region: target.region,
    });
    // Same partition rendering as the destination bucket's ARN (a literal where the region is known).
    const destinationKeyArn = Stack.of(this).formatArn({
      service: "kms",
      region: target.region,
      resource: vaultKeyAlias,
      arnFormat: ArnFormat.NO_RESOURCE_NAME,
    });
    const destinationKey = kms.Key.fromKeyArn(this, "DrVaultKey", destinationKeyArn);
    return {
      destination,
      priority: 0,
      kmsKey: destinationKey,
      sseKmsEncryptedObjects: true,
      replicationTimeControl: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
      metrics: s3.ReplicationTimeValue.FIFTEEN_MINUTES,
    };
  }
}

/** Server access logs cannot be written to a KMS-encrypted bucket, so this one uses S3-managed keys. */
export class AccessLogBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: { retentionDays: number; removalPolicy: RemovalPolicy }) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, "Bucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [
        { expiration: Duration.days(props.retentionDays), noncurrentVersionExpiration: Duration.days(1) },
      ],
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: false,
    });
  }
}
