/** What the resolver needs to know about a deployed stack. */
export interface DeployedStack {
  region: string;
  account: string;
  partition: string;
  /** Logical id → physical id and type, from DescribeStackResources. */
  resources: Map<string, { physicalId: string; type: string }>;
  /** ARN of a resource whose ARN cannot be derived from its physical id (e.g. a KMS key). */
  arnOf(logicalId: string, type: string, physicalId: string): Promise<string>;
}

const arnTemplates: Record<string, (s: DeployedStack, physicalId: string) => string> = {
  "AWS::S3::Bucket": (s, id) => `arn:${s.partition}:s3:::${id}`,
  "AWS::IAM::Role": (s, id) => `arn:${s.partition}:iam::${s.account}:role/${id}`,
  // A queue's physical id is its URL, which ends in its name.
  "AWS::SQS::Queue": (s, id) => `arn:${s.partition}:sqs:${s.region}:${s.account}:${id.split("/").pop()}`,
};

/**
 * Resolves the CloudFormation intrinsics CDK emits in bucket properties (Ref, Fn::GetAtt …Arn,
 * Fn::Join, pseudo parameters) against a deployed stack. Anything else is refused loudly, so a
 * setting is never applied half-resolved.
 */
export async function resolveIntrinsics(value: unknown, stack: DeployedStack): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((v) => resolveIntrinsics(v, stack)));
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.length === 1 && keys[0] === "Ref") return resolveRef(object.Ref as string, stack);
  if (keys.length === 1 && keys[0] === "Fn::GetAtt") {
    const [logicalId, attribute] = object["Fn::GetAtt"] as [string, string];
    if (attribute !== "Arn") throw new Error(`Unsupported Fn::GetAtt attribute ${logicalId}.${attribute}`);
    const resource = lookup(logicalId, stack);
    const template = arnTemplates[resource.type];
    return template
      ? template(stack, resource.physicalId)
      : stack.arnOf(logicalId, resource.type, resource.physicalId);
  }
  if (keys.length === 1 && keys[0] === "Fn::Join") {
    const [separator, parts] = object["Fn::Join"] as [string, unknown[]];
    const resolved = await Promise.all(parts.map((p) => resolveIntrinsics(p, stack)));
    return resolved.join(separator);
  }
  const intrinsic = keys.find((k) => k.startsWith("Fn::"));
  if (intrinsic) throw new Error(`Unsupported intrinsic ${intrinsic}`);
  const entries = await Promise.all(
    keys.map(async (k) => [k, await resolveIntrinsics(object[k], stack)] as const),
  );
  return Object.fromEntries(entries);
}

function resolveRef(name: string, stack: DeployedStack): string {
  switch (name) {
    case "AWS::Partition":
      return stack.partition;
    case "AWS::AccountId":
      return stack.account;
    case "AWS::Region":
      return stack.region;
    case "AWS::URLSuffix":
      return "amazonaws.com";
    default:
      return lookup(name, stack).physicalId;
  }
}

function lookup(logicalId: string, stack: DeployedStack) {
  const resource = stack.resources.get(logicalId);
  if (!resource) throw new Error(`Stack has no resource ${logicalId}`);
  return resource;
}
