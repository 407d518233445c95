import { Aws, Duration, type RemovalPolicy } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";

/** Predictable names, so the primary region's drill tasks can address the DR region's buckets. */
export const sandboxBucketName = (region: string) => `govdr-sandbox-${Aws.ACCOUNT_ID}-${region}`;
export const reportsBucketName = () => `govdr-reports-${Aws.ACCOUNT_ID}-${Aws.REGION}`;

/**
 * Where drills restore to, in the DR region: isolated from production (nothing else reads it),
 * unversioned so cleanup really removes what a drill wrote, and expiring after two days in case a
 * drill's cleanup and the sweep both missed something. S3-managed keys: the drill tasks run in the
 * primary region, and the restored data is the tenant's own plaintext only for the drill's duration.
 */
export function sandboxBucket(
  scope: Construct,
  props: { accessLogs: s3.IBucket; removalPolicy: RemovalPolicy },
): s3.Bucket {
  return new s3.Bucket(scope, "DrillSandbox", {
    bucketName: sandboxBucketName(Aws.REGION),
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    serverAccessLogsBucket: props.accessLogs,
    serverAccessLogsPrefix: "sandbox/",
    lifecycleRules: [{ expiration: Duration.days(2), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    removalPolicy: props.removalPolicy,
  });
}
