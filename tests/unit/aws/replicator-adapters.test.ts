import {
  CopyObjectCommand,
  GetBucketReplicationCommand,
  HeadObjectCommand,
  PutBucketReplicationCommand,
  PutObjectRetentionCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { sqsQueueMover } from "../../../shared/aws/replication-replay.ts";
import { s3ReplicaVaults, s3VaultReplicationRules, sqsDeferral } from "../../../shared/aws/replicator.ts";

const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
beforeEach(() => {
  s3.reset();
  sqs.reset();
});

const env = { VAULT_BUCKET: "vault-1", DR_VAULT_BUCKET: "vault-2", DR_REGION: "cn-northwest-1" };
const notFound = () =>
  new S3ServiceException({ name: "NotFound", $fault: "client", $metadata: { httpStatusCode: 404 } });
const until = new Date("2027-12-07T00:00:00Z");

describe("the replicator's S3 adapters (D-42)", () => {
  it("reads the source version's replication status and lock, and answers undefined when it is gone", async () => {
    s3.on(HeadObjectCommand, { Bucket: "vault-1", Key: "tenants/t/a", VersionId: "v1" }).resolves({
      LastModified: new Date("2026-12-07T00:00:00Z"),
      ReplicationStatus: "FAILED",
      ObjectLockMode: "COMPLIANCE",
      ObjectLockRetainUntilDate: until,
      ContentType: "application/octet-stream",
    });
    s3.on(HeadObjectCommand, { Bucket: "vault-1", Key: "tenants/t/gone" }).rejects(notFound());
    const vaults = s3ReplicaVaults(env);
    expect(await vaults.source({ key: "tenants/t/a", versionId: "v1" })).toEqual({
      lastModified: new Date("2026-12-07T00:00:00Z"),
      replicationStatus: "FAILED",
      lock: { mode: "COMPLIANCE", retainUntil: until },
      contentType: "application/octet-stream",
    });
    expect(await vaults.source({ key: "tenants/t/gone", versionId: "v1" })).toBeUndefined();
  });

  it("copies the exact version with its stamp and lock, reads the stamp back, and sets retention on a DR version", async () => {
    s3.on(CopyObjectCommand).resolves({ VersionId: "dr-1" });
    s3.on(HeadObjectCommand, { Bucket: "vault-2", Key: "tenants/t/a b" }).resolves({
      VersionId: "dr-1",
      Metadata: { "govdr-source-version-id": "v1", "govdr-source-last-modified": "2026-12-07T00:00:00.000Z" },
    });
    s3.on(PutObjectRetentionCommand).resolves({});
    const vaults = s3ReplicaVaults(env);
    const version = { key: "tenants/t/a b", versionId: "v1" };
    const source = {
      lastModified: new Date("2026-12-07T00:00:00Z"),
      lock: { mode: "COMPLIANCE" as const, retainUntil: until },
    };

    expect(await vaults.copy(version, source)).toBe("dr-1");
    const copy = s3.commandCalls(CopyObjectCommand)[0]?.args[0].input;
    expect(copy).toMatchObject({
      Bucket: "vault-2",
      Key: "tenants/t/a b",
      CopySource: "vault-1/tenants/t/a%20b?versionId=v1",
      MetadataDirective: "REPLACE",
      Metadata: { "govdr-source-version-id": "v1" },
      ObjectLockMode: "COMPLIANCE",
      ObjectLockRetainUntilDate: until,
    });
    expect(await vaults.drCopy("tenants/t/a b")).toMatchObject({ versionId: "dr-1", sourceVersionId: "v1" });
    await vaults.lock("tenants/t/a b", "dr-1", { mode: "COMPLIANCE", retainUntil: until });
    expect(s3.commandCalls(PutObjectRetentionCommand)[0]?.args[0].input).toMatchObject({
      Bucket: "vault-2",
      VersionId: "dr-1",
      Retention: { Mode: "COMPLIANCE", RetainUntilDate: until },
    });
  });

  it("reads the vault's rules once per 30 s for the question whether S3 was meant to carry a key", async () => {
    s3.on(GetBucketReplicationCommand).resolves({
      ReplicationConfiguration: {
        Role: "role",
        Rules: [{ Status: "Enabled", Filter: { Prefix: "tenants/a/" }, Destination: { Bucket: "dr" } }],
      },
    });
    let clock = 0;
    const vaults = s3ReplicaVaults(env, () => clock);
    expect(await vaults.meantForS3Replication("tenants/a/x")).toBe(true);
    expect(await vaults.meantForS3Replication("tenants/b/x")).toBe(false);
    expect(s3.commandCalls(GetBucketReplicationCommand)).toHaveLength(1);
    clock = 31_000;
    await vaults.meantForS3Replication("tenants/a/x");
    expect(s3.commandCalls(GetBucketReplicationCommand)).toHaveLength(2);
  });

  it("rewrites only the rules, keeping the deployed role, and does nothing on a vault without replication", async () => {
    s3.on(GetBucketReplicationCommand).resolves({
      ReplicationConfiguration: { Role: "arn:role", Rules: [] },
    });
    s3.on(PutBucketReplicationCommand).resolves({});
    const rules = s3VaultReplicationRules("vault-1", new S3Client({}));
    await rules.put([{ ID: "unit-t", Status: "Enabled", Filter: { Prefix: "tenants/t/" } }]);
    expect(s3.commandCalls(PutBucketReplicationCommand)[0]?.args[0].input).toMatchObject({
      Bucket: "vault-1",
      ReplicationConfiguration: { Role: "arn:role", Rules: [{ ID: "unit-t" }] },
    });
    s3.reset();
    s3.on(GetBucketReplicationCommand).rejects(
      new S3ServiceException({
        name: "ReplicationConfigurationNotFoundError",
        $fault: "client",
        $metadata: {},
      }),
    );
    expect(await rules.current()).toBeUndefined();
    await rules.put([]);
    expect(s3.commandCalls(PutBucketReplicationCommand)).toHaveLength(0);
  });
});

describe("the replicator's SQS adapters", () => {
  it("puts a held version back with a delay SQS accepts (at most 900 s)", async () => {
    sqs.on(SendMessageCommand).resolves({});
    await sqsDeferral(new SQSClient({}), "q")({ key: "tenants/t/a", versionId: "v1", deferred: true }, 4000);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: "q",
      MessageBody: JSON.stringify({ govdrReplicate: { key: "tenants/t/a", versionId: "v1" } }),
      DelaySeconds: 900,
    });
  });

  it("moves dead letters: receives from the dead-letter queue, sends to the queue, deletes from the dead-letter queue", async () => {
    sqs
      .on(ReceiveMessageCommand)
      .resolves({ Messages: [{ Body: "m", ReceiptHandle: "r" }, { Body: "no receipt" }] });
    sqs.on(SendMessageCommand).resolves({});
    sqs.on(DeleteMessageCommand).resolves({});
    const mover = sqsQueueMover(new SQSClient({}), "dlq", "q");
    expect(await mover.receive()).toEqual([{ body: "m", receipt: "r" }]);
    await mover.send("m");
    await mover.remove("r");
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: "q",
      MessageBody: "m",
    });
    expect(sqs.commandCalls(DeleteMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: "dlq",
      ReceiptHandle: "r",
    });
  });
});
