import { describe, expect, it } from "vitest";
import { type DeployedStack, resolveIntrinsics } from "../../../cli/local-stack/intrinsics.ts";

const stack: DeployedStack = {
  region: "cn-north-1",
  account: "000000000000",
  partition: "aws",
  resources: new Map([
    ["VaultBucket", { physicalId: "govdr-vault-000000000000-cn-north-1", type: "AWS::S3::Bucket" }],
    ["ReplicationRole", { physicalId: "Govdr-Vault-ReplicationRole-ABC", type: "AWS::IAM::Role" }],
    ["VaultKey", { physicalId: "1234-abcd", type: "AWS::KMS::Key" }],
    [
      "Queue",
      { physicalId: "http://localhost:4566/000000000000/govdr-replication", type: "AWS::SQS::Queue" },
    ],
    ["Topic", { physicalId: "t", type: "AWS::SNS::Topic" }],
  ]),
  arnOf: async (_logicalId, type, physicalId) => {
    if (type !== "AWS::KMS::Key") throw new Error(`no ARN rule for ${type}`);
    return `arn:aws:kms:cn-north-1:000000000000:key/${physicalId}`;
  },
};

describe("resolveIntrinsics", () => {
  it("resolves Ref, pseudo parameters, Fn::GetAtt Arn and Fn::Join inside nested properties", async () => {
    const props = {
      Role: { "Fn::GetAtt": ["ReplicationRole", "Arn"] },
      Rules: [
        {
          Destination: {
            Bucket: {
              "Fn::Join": [
                "",
                ["arn:aws-cn:s3:::govdr-vault-", { Ref: "AWS::AccountId" }, "-cn-northwest-1"],
              ],
            },
          },
          Key: { "Fn::GetAtt": ["VaultKey", "Arn"] },
          Logs: { Ref: "VaultBucket" },
          Region: { Ref: "AWS::Region" },
          Priority: 0,
        },
      ],
    };

    expect(await resolveIntrinsics(props, stack)).toEqual({
      Role: "arn:aws:iam::000000000000:role/Govdr-Vault-ReplicationRole-ABC",
      Rules: [
        {
          Destination: { Bucket: "arn:aws-cn:s3:::govdr-vault-000000000000-cn-northwest-1" },
          Key: "arn:aws:kms:cn-north-1:000000000000:key/1234-abcd",
          Logs: "govdr-vault-000000000000-cn-north-1",
          Region: "cn-north-1",
          Priority: 0,
        },
      ],
    });
  });

  it("refuses intrinsics it cannot resolve instead of applying them half-resolved", async () => {
    await expect(resolveIntrinsics({ X: { "Fn::Sub": "${AWS::Region}" } }, stack)).rejects.toThrow(
      "Unsupported intrinsic Fn::Sub",
    );
    await expect(resolveIntrinsics({ "Fn::GetAtt": ["VaultBucket", "DomainName"] }, stack)).rejects.toThrow(
      "Unsupported Fn::GetAtt attribute VaultBucket.DomainName",
    );
    await expect(resolveIntrinsics({ Ref: "Missing" }, stack)).rejects.toThrow(
      "Stack has no resource Missing",
    );
    await expect(resolveIntrinsics({ "Fn::GetAtt": ["Topic", "Arn"] }, stack)).rejects.toThrow("no ARN rule");
  });

  it("derives a queue's ARN from its URL, as a bucket notification names it", async () => {
    await expect(resolveIntrinsics({ "Fn::GetAtt": ["Queue", "Arn"] }, stack)).resolves.toBe(
      "arn:aws:sqs:cn-north-1:000000000000:govdr-replication",
    );
  });
});
