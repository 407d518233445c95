import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DecryptCommand, EncryptCommand, KMSClient } from "@aws-sdk/client-kms";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { StoredItemInvalidError } from "../../../shared/errors.ts";
import { DynamoDbWebhookSecretStore } from "../../../shared/stores/dynamodb/webhook-secret-store.ts";

const db = mockClient(DynamoDBDocumentClient);
const kms = mockClient(KMSClient);
const store = () =>
  new DynamoDbWebhookSecretStore(
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: "cn-north-1" })),
    new KMSClient({ region: "cn-north-1" }),
    "policies",
    { keyIdOf: async (tenantId) => `key-of-${tenantId}` },
    () => new Date("2026-12-07T06:00:00.000Z"),
  );
const context = { tenantId: "t-1", systemId: "s-000000000001", purpose: "webhook-signing" };

describe("the DynamoDB webhook secret store", () => {
  beforeEach(() => {
    db.reset();
    kms.reset();
  });

  it("rotates to 32 random bytes, encrypted under the tenant's key with the system's context", async () => {
    kms.on(EncryptCommand).resolves({ CiphertextBlob: Buffer.from("sealed") });
    db.on(PutCommand).resolves({});

    const shown = await store().rotate("t-1", "s-000000000001");

    expect(Buffer.from(shown, "base64url")).toHaveLength(32);
    const encrypt = kms.commandCalls(EncryptCommand)[0]?.args[0].input;
    expect(encrypt?.KeyId).toBe("key-of-t-1");
    expect(encrypt?.EncryptionContext).toEqual(context);
    expect(Buffer.from(encrypt?.Plaintext ?? []).toString("base64url")).toBe(shown);
    expect(db.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: "policies",
      Item: {
        pk: "TENANT#t-1",
        sk: "WEBHOOK_SECRET#s-000000000001",
        tenantId: "t-1",
        systemId: "s-000000000001",
        ciphertext: Buffer.from("sealed").toString("base64"),
        keyId: "key-of-t-1",
        createdAt: "2026-12-07T06:00:00.000Z",
      },
    });
  });

  it("stores no secret in the clear", async () => {
    kms.on(EncryptCommand).resolves({ CiphertextBlob: Buffer.from("sealed") });
    db.on(PutCommand).resolves({});

    const shown = await store().rotate("t-1", "s-000000000001");

    const item = JSON.stringify(db.commandCalls(PutCommand)[0]?.args[0].input.Item);
    expect(item).not.toContain(shown);
    expect(item).not.toContain(Buffer.from(shown, "base64url").toString("base64"));
  });

  it("decrypts the stored secret with the same context", async () => {
    db.on(GetCommand).resolves({
      Item: {
        pk: "TENANT#t-1",
        sk: "WEBHOOK_SECRET#s-000000000001",
        tenantId: "t-1",
        systemId: "s-000000000001",
        ciphertext: Buffer.from("sealed").toString("base64"),
        keyId: "key-of-t-1",
        createdAt: "2026-12-07T06:00:00.000Z",
      },
    });
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.alloc(32, 9) });

    expect(await store().get("t-1", "s-000000000001")).toEqual(Buffer.alloc(32, 9));
    const decrypt = kms.commandCalls(DecryptCommand)[0]?.args[0].input;
    expect(decrypt?.EncryptionContext).toEqual(context);
    expect(Buffer.from(decrypt?.CiphertextBlob ?? []).toString()).toBe("sealed");
  });

  it("answers undefined while the system has no secret", async () => {
    db.on(GetCommand).resolves({});

    expect(await store().get("t-1", "s-000000000001")).toBeUndefined();
    expect(kms.calls()).toHaveLength(0);
  });

  it("refuses a stored item that does not match its schema", async () => {
    db.on(GetCommand).resolves({ Item: { pk: "TENANT#t-1", sk: "WEBHOOK_SECRET#s-1", ciphertext: "" } });

    await expect(store().get("t-1", "s-1")).rejects.toBeInstanceOf(StoredItemInvalidError);
  });
});
