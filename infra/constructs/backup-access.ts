import { ArnFormat, Aws, type CfnResource, Stack } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import type { Construct } from "constructs";
import { tenantKeyTag } from "../../shared/tenants/kms-tenant-keys.ts";
import { acknowledgeNag, nagResource } from "../acknowledge.ts";
import { vaultBucketName } from "./vault-bucket.ts";

type GovdrFunctionLike = Construct & { function: LambdaFunction };

/** The backup state machine by its fixed name (govdr-backup), so the API starts it without a stack import. */
export function backupStateMachineArn(scope: Construct): string {
  return Stack.of(scope).formatArn({
    partition: Aws.PARTITION,
    service: "states",
    resource: "stateMachine",
    resourceName: "govdr-backup",
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** Backup schedules: their group, the function they start and the role they start it with, by name. */
export const backupScheduling = {
  group: "govdr-backups",
  functionName: "govdr-scheduled-backup",
  roleName: "govdr-backup-scheduler",
  targetArn: () =>
    `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:govdr-scheduled-backup`,
  roleArn: () => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/govdr-backup-scheduler`,
};

/**
 * What a server-side backup task needs beyond the tables (D-43): the primary vault's tenant
 * prefixes (write once, extend retention, never delete), the tenants' vault keys (to create and
 * open their repositories), and assuming the units' `govdr-source-*` roles, the only credentials a
 * source is ever read with.
 */
export function grantServerBackupAccess(govdrFunction: GovdrFunctionLike, primaryRegion: string) {
  const fn = govdrFunction.function;
  const anchor = fn.node.defaultChild as CfnResource;
  const bucketArn = `arn:${Aws.PARTITION}:s3:::${vaultBucketName(primaryRegion)}`;
  const objects = `${bucketArn}/tenants/*`;
  fn.addToRolePolicy(new PolicyStatement({ actions: ["s3:ListBucket"], resources: [bucketArn] }));
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ["s3:GetObject", "s3:PutObject", "s3:GetObjectRetention", "s3:PutObjectRetention"],
      resources: [objects],
    }),
  );
  const tenantKeys = `arn:${Aws.PARTITION}:kms:${Aws.REGION}:${Aws.ACCOUNT_ID}:key/*`;
  // The vault bucket's own key (alias/govdr-vault, made in the vault stack), through S3 only.
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [tenantKeys],
      conditions: { StringEquals: { "kms:ViaService": `s3.${primaryRegion}.amazonaws.com` } },
    }),
  );
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [tenantKeys],
      conditions: { Null: { [`aws:ResourceTag/${tenantKeyTag}`]: "false" } },
    }),
  );
  const sourceRoles = [
    `arn:${Aws.PARTITION}:iam::*:role/govdr-source-*`,
    `arn:${Aws.PARTITION}:iam::*:role/*/govdr-source-*`,
  ];
  fn.addToRolePolicy(new PolicyStatement({ actions: ["sts:AssumeRole"], resources: sourceRoles }));
  acknowledgeNag(
    govdrFunction,
    {
      id: `IAM5[${nagResource(anchor, objects)}]`,
      reason:
        "A server-side backup writes the packs, indexes and manifest of one tenant's repository under tenants/<tenantId>/; their names are content hashes. No delete is granted.",
    },
    {
      id: `IAM5[${nagResource(anchor, tenantKeys)}]`,
      reason:
        "Tenant vault keys are created per tenant at approval (the grant is limited to keys tagged govdr:tenant); the vault bucket's key is made in the vault stack and is used only through S3 in its region.",
    },
    ...sourceRoles.map((arn) => ({
      id: `IAM5[${nagResource(anchor, arn)}]`,
      reason:
        "Units name their own source roles (govdr-source-<name>) in their accounts; each trusts the platform only with ExternalId = the unit's id, so no unit can have another's role assumed for it.",
    })),
  );
}

/** The systems function keeps each policy's backup schedule: only in the backups group, only its role. */
export function grantBackupScheduling(govdrFunction: GovdrFunctionLike) {
  const fn = govdrFunction.function;
  const schedules = `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${backupScheduling.group}/backup-*`;
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ["scheduler:CreateSchedule", "scheduler:DeleteSchedule"],
      resources: [schedules],
    }),
  );
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ["iam:PassRole"],
      resources: [backupScheduling.roleArn()],
      conditions: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
    }),
  );
  acknowledgeNag(govdrFunction, {
    id: `IAM5[${nagResource(fn.node.defaultChild as CfnResource, schedules)}]`,
    reason:
      "Each system's backup schedule is named backup-<systemId> in the govdr-backups group; systems are created at run time.",
  });
}
