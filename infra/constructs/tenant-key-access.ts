import { Aws, type CfnResource } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import type { Construct } from "constructs";
import { tenantKeyTag } from "../../shared/tenants/kms-tenant-keys.ts";
import { acknowledgeNag, nagResource } from "../acknowledge.ts";

const keys = `arn:${Aws.PARTITION}:kms:${Aws.REGION}:${Aws.ACCOUNT_ID}:key/*`;
const aliases = `arn:${Aws.PARTITION}:kms:${Aws.REGION}:${Aws.ACCOUNT_ID}:alias/govdr-tenant-*`;
const reason =
  "Tenant vault keys are created per tenant at approval, so their ARNs are not known at deploy time; every grant is limited to keys tagged govdr:tenant.";

/**
 * Per-tenant KMS keys (shared/tenants/tenant-keys.ts). `create`: the tenants function creates a
 * tagged key and its alias at approval. `shred`: the shredder schedules deletion of tagged keys only.
 * `unwrap`: drill tasks open a tenant's repository (the master key is wrapped by the tenant's key),
 * and switchover tasks read a webhook signing secret; `encrypt`: the API seals a new one.
 */
export function grantTenantKeyAccess(
  govdrFunction: Construct & { function: LambdaFunction },
  access: "create" | "shred" | "unwrap" | "encrypt",
): void {
  const fn = govdrFunction.function;
  const tagged = { Null: { [`aws:ResourceTag/${tenantKeyTag}`]: "false" } };
  if (access === "create") {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ["kms:CreateKey", "kms:TagResource"],
        resources: ["*"],
        conditions: { Null: { [`aws:RequestTag/${tenantKeyTag}`]: "false" } },
      }),
    );
    fn.addToRolePolicy(new PolicyStatement({ actions: ["kms:CreateAlias"], resources: [aliases] }));
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ["kms:CreateAlias"], resources: [keys], conditions: tagged }),
    );
  } else {
    const action = { shred: "kms:ScheduleKeyDeletion", unwrap: "kms:Decrypt", encrypt: "kms:Encrypt" }[
      access
    ];
    fn.addToRolePolicy(new PolicyStatement({ actions: [action], resources: [keys], conditions: tagged }));
  }
  const anchor = fn.node.defaultChild as CfnResource;
  const findings = access === "create" ? ["*", aliases, keys] : [keys];
  acknowledgeNag(
    govdrFunction,
    ...findings.map((arn) => ({
      id: `IAM5[${arn === "*" ? "Resource::*" : nagResource(anchor, arn)}]`,
      reason,
    })),
  );
}
