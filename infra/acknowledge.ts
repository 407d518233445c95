import { type CfnResource, Stack, Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";

/**
 * Acknowledges cdk-nag findings on a construct and everything below it. Every acknowledgement
 * needs a reason an auditor can read; the rule ids are the ones cdk-nag prints.
 */
export function acknowledgeNag(scope: IConstruct, ...rules: { id: string; reason: string }[]): void {
  for (const rule of rules) {
    if (rule.reason.trim().length < 20)
      throw new Error(`cdk-nag acknowledgement ${rule.id} needs a real reason`);
    Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-${rule.id}`, reason: rule.reason });
  }
}

export const xrayWildcardReason =
  "X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; '*' is the only valid resource.";

/** How cdk-nag spells a resource in a granular finding id, e.g. `Resource::<VaultBucket0925C477.Arn>/*`. */
export function nagResource(anchor: CfnResource, arn: string): string {
  return `Resource::${renderIntrinsic(Stack.of(anchor).resolve(arn))}`;
}

function renderIntrinsic(value: unknown): string {
  if (typeof value === "string") return value;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === "string") return `<${v.Ref}>`;
  const getAtt = v["Fn::GetAtt"];
  if (Array.isArray(getAtt)) return `<${getAtt.join(".")}>`;
  const join = v["Fn::Join"];
  if (Array.isArray(join)) return (join[1] as unknown[]).map(renderIntrinsic).join(join[0] as string);
  throw new Error(`Cannot render ${JSON.stringify(value)} as a cdk-nag finding id`);
}
