import { readFileSync } from "node:fs";
import path from "node:path";
import { CloudFormationClient, DescribeStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { DescribeKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { S3Client } from "@aws-sdk/client-s3";
import { localAccount } from "../emulator/settings.ts";
import { emulatorClientConfig } from "./aws-clients.ts";
import { bucketSettings, satisfies } from "./bucket-settings.ts";
import { type DeployedStack, resolveIntrinsics } from "./intrinsics.ts";

interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

/**
 * Emulator targets only: compares every bucket in a deployed stack with its template and applies,
 * through the S3 API, each setting the emulator's CloudFormation dropped (Object Lock default
 * retention, replication, KMS default encryption, access logging). Returns one line per change.
 */
export async function applyDroppedBucketSettings(options: {
  endpoint: string;
  stackName: string;
  region: string;
  cloudAssemblyDir: string;
}): Promise<string[]> {
  const config = emulatorClientConfig(options.endpoint, options.region);
  const template = JSON.parse(
    readFileSync(path.join(options.cloudAssemblyDir, `${options.stackName}.template.json`), "utf8"),
  ) as { Resources: Record<string, TemplateResource> };
  const buckets = Object.entries(template.Resources).filter(([, r]) => r.Type === "AWS::S3::Bucket");
  if (buckets.length === 0) return [];

  const cfn = new CloudFormationClient(config);
  const kms = new KMSClient(config);
  const s3 = new S3Client(config);
  const { StackResources = [] } = await cfn.send(
    new DescribeStackResourcesCommand({ StackName: options.stackName }),
  );
  const stack: DeployedStack = {
    region: options.region,
    account: localAccount,
    partition: "aws",
    resources: new Map(
      StackResources.map((r) => [
        r.LogicalResourceId ?? "",
        { physicalId: r.PhysicalResourceId ?? "", type: r.ResourceType ?? "" },
      ]),
    ),
    async arnOf(logicalId, type, physicalId) {
      if (type !== "AWS::KMS::Key") throw new Error(`No ARN rule for ${logicalId} (${type})`);
      const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: physicalId }));
      if (!KeyMetadata?.Arn) throw new Error(`KMS key ${physicalId} has no ARN`);
      return KeyMetadata.Arn;
    },
  };

  const applied: string[] = [];
  for (const [logicalId, resource] of buckets) {
    const bucket = stack.resources.get(logicalId)?.physicalId;
    if (!bucket) throw new Error(`${options.stackName}: bucket ${logicalId} was not deployed`);
    const props = (await resolveIntrinsics(resource.Properties ?? {}, stack)) as Record<string, unknown>;
    for (const setting of bucketSettings) {
      const desired = setting.desired(props);
      if (desired === undefined) continue;
      if (satisfies(desired, await setting.actual(s3, bucket))) continue;
      await setting.apply(s3, bucket, desired);
      if (!satisfies(desired, await setting.actual(s3, bucket))) {
        throw new Error(`${bucket}: ${setting.name} was applied but does not read back as configured`);
      }
      applied.push(`${options.stackName}: applied ${setting.name} to ${bucket} through the S3 API`);
    }
  }
  return applied;
}
