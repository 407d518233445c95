import { Aws, type CfnResource } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import { archiveRoot } from "../../shared/audit/archive.ts";
import { acknowledgeNag, nagResource } from "../acknowledge.ts";

const actions = {
  /** Verification reads the current version of each batch and digest. */
  read: ["s3:GetObject"],
  /** The archiver adds locked versions; it can neither delete nor shorten a retention. */
  write: ["s3:GetObject", "s3:PutObject", "s3:PutObjectRetention"],
} as const;

/**
 * The audit archive has a predictable name, so grants in other stacks spell its ARN from pseudo
 * parameters (readable, and matched exactly by the cdk-nag acknowledgement) rather than an import.
 */
export function auditArchiveBucketName(): string {
  return `govdr-audit-archive-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/** Access to the audit archive's objects (keys `audit/<tenant>/…`), nothing else of the bucket. */
export function grantAuditArchiveAccess(
  /** A GovdrFunction: acknowledgements must reach its role, a sibling of the function. */
  govdrFunction: Construct & { function: LambdaFunction },
  bucket: IBucket,
  access: keyof typeof actions,
) {
  const fn = govdrFunction.function;
  const objects = `arn:${Aws.PARTITION}:s3:::${auditArchiveBucketName()}/${archiveRoot}*`;
  fn.addToRolePolicy(new PolicyStatement({ actions: [...actions[access]], resources: [objects] }));
  const key = bucket.encryptionKey;
  if (!key) throw new Error("The audit archive bucket must be encrypted with a customer-managed key");
  const keyActions = access === "write" ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"];
  fn.addToRolePolicy(new PolicyStatement({ actions: keyActions, resources: [key.keyArn] }));
  acknowledgeNag(govdrFunction, {
    id: `IAM5[${nagResource(fn.node.defaultChild as CfnResource, objects)}]`,
    reason:
      "The audit archive holds one object per batch and digest of every tenant's trail (audit/<tenant>/...); the keys are not known in advance, and no delete action is granted.",
  });
}
