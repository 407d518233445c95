import { ArnFormat, Aws, type CfnResource, Stack } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import { drillScheduleGroup } from "../../shared/aws/drill-schedules.ts";
import { acknowledgeNag, nagResource } from "../acknowledge.ts";
import { reportsBucketName, sandboxBucketName } from "./drill-buckets.ts";
import { vaultBucketName } from "./vault-bucket.ts";

/**
 * The drill state machine by its fixed name (govdr-drill), so the API starts it without a stack
 * import. The partition is the deployment's own (a pseudo parameter, not a literal): emulators
 * answer `aws` even in cn-* regions.
 */
export function drillStateMachineArn(scope: Construct): string {
  return Stack.of(scope).formatArn({
    partition: Aws.PARTITION,
    service: "states",
    resource: "stateMachine",
    resourceName: "govdr-drill",
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

type GovdrFunctionLike = Construct & { function: LambdaFunction };

const reportObjectsReason =
  "Reports are one object per drill under tenants/<tenant>/systems/<system>/drills/<drill>/; the keys are not known in advance, and no delete action is granted.";

/** `read`: the API serves reports. `write`: the drill tasks add locked reports (never delete or shorten). */
export function grantReportsAccess(
  govdrFunction: GovdrFunctionLike,
  bucket: IBucket,
  access: "read" | "write",
) {
  const fn = govdrFunction.function;
  const objects = `arn:${Aws.PARTITION}:s3:::${reportsBucketName()}/tenants/*`;
  const actions =
    access === "read" ? ["s3:GetObject"] : ["s3:GetObject", "s3:PutObject", "s3:PutObjectRetention"];
  fn.addToRolePolicy(new PolicyStatement({ actions, resources: [objects] }));
  const key = bucket.encryptionKey;
  if (!key) throw new Error("The reports bucket must be encrypted with a customer-managed key");
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: access === "read" ? ["kms:Decrypt"] : ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [key.keyArn],
    }),
  );
  acknowledgeNag(govdrFunction, {
    id: `IAM5[${nagResource(fn.node.defaultChild as CfnResource, objects)}]`,
    reason: reportObjectsReason,
  });
}

/** Drill schedules: their group, the function they start and the role they start it with, by name. */
export const drillScheduling = {
  group: drillScheduleGroup,
  functionName: "govdr-scheduled-drill",
  roleName: "govdr-drill-scheduler",
  targetArn: () =>
    `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:${Aws.ACCOUNT_ID}:function:govdr-scheduled-drill`,
  roleArn: () => `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/govdr-drill-scheduler`,
};

/** The systems function keeps each policy's drill schedules: only in the drills group, only its role. */
export function grantDrillScheduling(govdrFunction: GovdrFunctionLike) {
  const fn = govdrFunction.function;
  const schedules = `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${drillScheduling.group}/drill-*`;
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ["scheduler:CreateSchedule", "scheduler:DeleteSchedule"],
      resources: [schedules],
    }),
  );
  fn.addToRolePolicy(new PolicyStatement({ actions: ["scheduler:ListSchedules"], resources: ["*"] }));
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ["iam:PassRole"],
      resources: [drillScheduling.roleArn()],
      conditions: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
    }),
  );
  const anchor = fn.node.defaultChild as CfnResource;
  acknowledgeNag(
    govdrFunction,
    {
      id: `IAM5[${nagResource(anchor, schedules)}]`,
      reason:
        "Each system's drill schedules are named drill-<systemId>-<n> in the govdr-drills group; systems are created at run time.",
    },
    {
      id: "IAM5[Resource::*]",
      reason: "scheduler:ListSchedules is not resource-scoped; the call filters by group and name prefix.",
    },
  );
}

/** Listing both vaults (names and sizes only): what the replication monitor compares. */
export function grantVaultListing(fn: LambdaFunction, config: { primaryRegion: string; drRegion: string }) {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ["s3:ListBucket"],
      resources: [config.primaryRegion, config.drRegion].map(
        (region) => `arn:${Aws.PARTITION}:s3:::${vaultBucketName(region)}`,
      ),
    }),
  );
}

/** What a drill step may do in the DR region and beyond; each step gets only what it does (D-38). */
export type DrillAccess =
  | "read-dr-vault"
  | "list-dr-vault"
  | "sandbox-write"
  | "sandbox-list"
  | "sandbox-clean";

/**
 * Drill access in the DR region. `read-dr-vault`: the DR copy of a tenant's repository (objects, and
 * its key through S3 only); `list-dr-vault`: only the listing (the plan looks for manifests);
 * `sandbox-write`: put and list what a restore writes; `sandbox-list`: only list it (verify);
 * `sandbox-clean`: list and remove it.
 */
export function grantDrillRegionAccess(
  govdrFunction: GovdrFunctionLike,
  drRegion: string,
  access: DrillAccess[],
) {
  const fn = govdrFunction.function;
  const vault = `arn:${Aws.PARTITION}:s3:::${vaultBucketName(drRegion)}`;
  const sandbox = `arn:${Aws.PARTITION}:s3:::${sandboxBucketName(drRegion)}`;
  const drKeys = `arn:${Aws.PARTITION}:kms:${drRegion}:${Aws.ACCOUNT_ID}:key/*`;
  const anchor = fn.node.defaultChild as CfnResource;
  const has = (a: DrillAccess) => access.includes(a);
  const listed = [
    ...(has("read-dr-vault") || has("list-dr-vault") ? [vault] : []),
    ...(has("sandbox-write") || has("sandbox-list") || has("sandbox-clean") ? [sandbox] : []),
  ];
  if (listed.length > 0)
    fn.addToRolePolicy(new PolicyStatement({ actions: ["s3:ListBucket"], resources: listed }));
  if (has("read-dr-vault")) {
    fn.addToRolePolicy(new PolicyStatement({ actions: ["s3:GetObject"], resources: [`${vault}/tenants/*`] }));
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ["kms:Decrypt"],
        resources: [drKeys],
        conditions: { StringEquals: { "kms:ViaService": `s3.${drRegion}.amazonaws.com` } },
      }),
    );
    acknowledgeNag(
      govdrFunction,
      {
        id: `IAM5[${nagResource(anchor, `${vault}/tenants/*`)}]`,
        reason:
          "A drill reads the packs, indexes and manifests of one tenant's repository in the DR vault; their names are content hashes.",
      },
      {
        id: `IAM5[${nagResource(anchor, drKeys)}]`,
        reason:
          "The DR vault's key is created in the DR region's stack; Decrypt is allowed only through S3 in that region.",
      },
    );
  }
  const sandboxActions = [
    ...(has("sandbox-write") ? ["s3:PutObject", "s3:AbortMultipartUpload"] : []),
    ...(has("sandbox-clean") ? ["s3:DeleteObject"] : []),
  ];
  if (sandboxActions.length > 0) {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: sandboxActions, resources: [`${sandbox}/sandboxes/*`] }),
    );
    acknowledgeNag(govdrFunction, {
      id: `IAM5[${nagResource(anchor, `${sandbox}/sandboxes/*`)}]`,
      reason:
        "Each drill restores its recovery point under sandboxes/<tenant>/<system>/<drill>/ and removes it again.",
    });
  }
}
