import {
  GetBucketReplicationCommand,
  GetObjectLockConfigurationCommand,
  PutBucketEncryptionCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { bucketSettings, satisfies } from "../../../cli/local-stack/bucket-settings.ts";

const setting = (name: string) => {
  const found = bucketSettings.find((s) => s.name === name);
  if (!found) throw new Error(name);
  return found;
};

describe("bucket settings the emulator's CloudFormation drops", () => {
  const s3mock = mockClient(S3Client);
  const s3 = new S3Client({ region: "cn-north-1" });
  beforeEach(() => s3mock.reset());

  it("converts CloudFormation encryption properties to the S3 API shape", () => {
    const desired = setting("BucketEncryption").desired({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: "k" },
            BucketKeyEnabled: true,
          },
        ],
      },
    });

    expect(desired).toEqual({
      Rules: [
        {
          ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: "k" },
          BucketKeyEnabled: true,
        },
      ],
    });
  });

  it("renames replication rule Id to the API's ID and access logging to BucketLoggingStatus", () => {
    expect(
      setting("ReplicationConfiguration").desired({ ReplicationConfiguration: { Rules: [{ Id: "r1" }] } }),
    ).toEqual({
      Rules: [{ ID: "r1" }],
    });
    expect(
      setting("LoggingConfiguration").desired({ LoggingConfiguration: { DestinationBucketName: "logs" } }),
    ).toEqual({
      LoggingEnabled: { TargetBucket: "logs", TargetPrefix: "" },
    });
  });

  it("ignores settings the template does not ask for", () => {
    for (const s of bucketSettings) expect(s.desired({})).toBeUndefined();
  });

  it("reads a 'not configured' answer as absent, but lets other errors through", async () => {
    s3mock
      .on(GetObjectLockConfigurationCommand)
      .rejects(Object.assign(new Error("none"), { name: "ObjectLockConfigurationNotFoundError" }));
    s3mock
      .on(GetBucketReplicationCommand)
      .rejects(Object.assign(new Error("denied"), { name: "AccessDenied" }));

    await expect(setting("ObjectLockConfiguration").actual(s3, "b")).resolves.toBeUndefined();
    await expect(setting("ReplicationConfiguration").actual(s3, "b")).rejects.toThrow("denied");
  });

  it("applies each setting through its own S3 call", async () => {
    s3mock.on(PutObjectLockConfigurationCommand).resolves({});
    s3mock.on(PutBucketEncryptionCommand).resolves({});
    const lock = {
      ObjectLockEnabled: "Enabled",
      Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: 30 } },
    };

    await setting("ObjectLockConfiguration").apply(s3, "vault", lock);
    await setting("BucketEncryption").apply(s3, "vault", { Rules: [] });

    expect(s3mock.commandCalls(PutObjectLockConfigurationCommand)[0]?.args[0].input).toEqual({
      Bucket: "vault",
      ObjectLockConfiguration: lock,
    });
    expect(s3mock.commandCalls(PutBucketEncryptionCommand)).toHaveLength(1);
  });
});

describe("satisfies", () => {
  it("accepts an actual value that carries every desired field, extra fields allowed", () => {
    expect(satisfies({ a: 1, b: { c: "x" } }, { a: 1, b: { c: "x", d: 2 }, e: 3 })).toBe(true);
    expect(satisfies({ Days: 30 }, { Days: "30" })).toBe(true);
  });

  it("rejects missing fields, different values and arrays of another length", () => {
    expect(satisfies({ a: 1 }, {})).toBe(false);
    expect(satisfies({ a: 1 }, { a: 2 })).toBe(false);
    expect(satisfies([1, 2], [1])).toBe(false);
    expect(satisfies({ a: { b: 1 } }, { a: "x" })).toBe(false);
  });
});
