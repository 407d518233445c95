import { CfnOutput, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import { Key } from "aws-cdk-lib/aws-kms";
import { Bucket } from "aws-cdk-lib/aws-s3";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";
import { acknowledgeNag } from "../acknowledge.ts";
import type { DeploymentConfig } from "../config.ts";
import { auditArchiveBucketName } from "../constructs/archive-access.ts";
import { reportsBucketName } from "../constructs/drill-buckets.ts";
import { AccessLogBucket, lockedBucketProps } from "../constructs/vault-bucket.ts";
import { stageSettings } from "./stage-settings.ts";

export interface DataStackProps extends StackProps {
  readonly config: DeploymentConfig;
}

/**
 * Control-plane tables. Every table has a generic key (pk/sk) and one generic index (gsi1) so that
 * every list is a Query; items carry their tenant in the partition key (tenant isolation by key).
 */
export class DataStack extends Stack {
  readonly tenants: Table;
  readonly policies: Table;
  /**
   * Hash-chained audit records per tenant (shared/audit); never updated or deleted by any API. Its
   * stream (keys only) triggers the sequencer that chains recorded events (docs/decisions.md D-32).
   */
  readonly audit: Table;
  /** Remembered answers to requests with an Idempotency-Key, expiring after 24 h (TTL). */
  readonly idempotency: Table;
  /** Batches of audit records and their digest files, under Object Lock COMPLIANCE (shared/audit/archive). */
  readonly auditArchive: Bucket;
  /** Drill reports (JSON and HTML) under Object Lock COMPLIANCE, per tenant and system (R-RPT-02). */
  readonly reports: Bucket;
  /** Encrypts identity secrets (TOTP seeds) with the tenant and user as encryption context. */
  readonly identityKey: Key;
  /** HMAC key that signs session tokens; read only by the identity functions and the authorizer. */
  readonly signingSecret: Secret;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.tenants = this.table("Tenants", props.config);
    this.policies = this.table("Policies", props.config);
    this.audit = this.table("Audit", props.config, StreamViewType.KEYS_ONLY);
    this.idempotency = new Table(this, "Idempotency", {
      partitionKey: { name: "id", type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: stageSettings(props.config).deletionProtection,
      removalPolicy: stageSettings(props.config).removalPolicy,
      timeToLiveAttribute: "expiration",
    });
    new CfnOutput(this, "TenantsTableName", { value: this.tenants.tableName });
    new CfnOutput(this, "PoliciesTableName", { value: this.policies.tableName });
    new CfnOutput(this, "AuditTableName", { value: this.audit.tableName });
    this.auditArchive = this.auditArchiveBucket(props.config);
    new CfnOutput(this, "AuditArchiveBucketName", { value: this.auditArchive.bucketName });
    this.reports = this.lockedBucket(
      "Reports",
      reportsBucketName(),
      "reports/",
      props.config.auditRetentionDays,
      props.config,
    );
    new CfnOutput(this, "ReportsBucketName", { value: this.reports.bucketName });

    this.identityKey = new Key(this, "IdentityKey", {
      alias: "alias/govdr-identity",
      description: "govdr identity secrets (TOTP seeds)",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.signingSecret = new Secret(this, "SessionSigningKey", {
      description: "govdr session token signing key (HS256)",
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: stageSettings(props.config).removalPolicy,
    });
    acknowledgeNag(this.signingSecret, {
      id: "SMG4",
      reason:
        "Rotating the signing key needs the verifiers to accept the previous key during the overlap; until that exists, rotate by redeploying (docs/decisions.md D-15).",
    });
  }

  private accessLogs?: AccessLogBucket;

  private auditArchiveBucket(config: DeploymentConfig): Bucket {
    return this.lockedBucket(
      "AuditArchive",
      auditArchiveBucketName(),
      "audit-archive/",
      config.auditRetentionDays,
      config,
      "audit archive",
    );
  }

  /** A write-once bucket with its own key, logging into the stack's access-log bucket. */
  private lockedBucket(
    id: string,
    bucketName: string,
    accessLogPrefix: string,
    retentionDays: number,
    config: DeploymentConfig,
    what = id.toLowerCase(),
  ): Bucket {
    this.accessLogs ??= new AccessLogBucket(this, "AccessLogs", {
      retentionDays: config.logRetentionDays,
      removalPolicy: stageSettings(config).removalPolicy,
    });
    const key = new Key(this, `${id}Key`, {
      alias: `alias/govdr-${what.replace(/ /g, "-")}`,
      description: `govdr ${what} bucket default encryption`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    return new Bucket(this, id, {
      bucketName,
      ...lockedBucketProps({ retentionDays, key, accessLogs: this.accessLogs.bucket, accessLogPrefix }),
    });
  }

  private table(id: string, config: DeploymentConfig, stream?: StreamViewType): Table {
    const settings = stageSettings(config);
    const table = new Table(this, id, {
      stream,
      partitionKey: { name: "pk", type: AttributeType.STRING },
      sortKey: { name: "sk", type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: settings.deletionProtection,
      removalPolicy: settings.removalPolicy,
      timeToLiveAttribute: "expiresAt",
    });
    table.addGlobalSecondaryIndex({
      indexName: "gsi1",
      partitionKey: { name: "gsi1pk", type: AttributeType.STRING },
      sortKey: { name: "gsi1sk", type: AttributeType.STRING },
    });
    return table;
  }
}
