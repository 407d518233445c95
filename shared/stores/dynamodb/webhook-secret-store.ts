import { randomBytes } from "node:crypto";
import { DecryptCommand, EncryptCommand, type KMSClient } from "@aws-sdk/client-kms";
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import type { WebhookSecrets } from "../../routing/webhook-secrets.ts";
import { storedItem } from "./operations.ts";

const secretKey = (tenantId: string, systemId: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `WEBHOOK_SECRET#${systemId}`,
});

const storedSecretSchema = z.object({
  tenantId: z.string().min(1),
  systemId: z.string().min(1),
  /** The secret encrypted by KMS under the tenant's key, base64. Never stored in the clear. */
  ciphertext: z.string().min(1),
  keyId: z.string().min(1),
  createdAt: z.iso.datetime(),
});

/** KMS binds the ciphertext to this context: another system's, or another tenant's, cannot open it. */
const contextOf = (tenantId: string, systemId: string) => ({
  tenantId,
  systemId,
  purpose: "webhook-signing",
});

/**
 * Webhook signing secrets in the Policies table, each encrypted with KMS under its unit's own key
 * (the tenant record's `vaultKeyId`): a copy of the table alone signs nothing, and shredding the
 * unit's key at exit makes its secrets unreadable with its vault.
 */
export class DynamoDbWebhookSecretStore implements WebhookSecrets {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly kms: KMSClient,
    private readonly tableName: string,
    private readonly tenantKeys: { keyIdOf(tenantId: string): Promise<string> },
    private readonly now: () => Date = () => new Date(),
  ) {}

  async rotate(tenantId: string, systemId: string): Promise<string> {
    const secret = randomBytes(32);
    const keyId = await this.tenantKeys.keyIdOf(tenantId);
    const { CiphertextBlob } = await this.kms.send(
      new EncryptCommand({
        KeyId: keyId,
        Plaintext: secret,
        EncryptionContext: contextOf(tenantId, systemId),
      }),
    );
    if (!CiphertextBlob) throw new Error(`KMS returned no ciphertext for ${keyId}`);
    const item = storedSecretSchema.parse({
      tenantId,
      systemId,
      ciphertext: Buffer.from(CiphertextBlob).toString("base64"),
      keyId,
      createdAt: this.now().toISOString(),
    });
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...secretKey(tenantId, systemId), ...item } }),
    );
    return secret.toString("base64url");
  }

  async get(tenantId: string, systemId: string): Promise<Buffer | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: secretKey(tenantId, systemId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const stored = storedItem(storedSecretSchema, this.tableName, Item);
    const { Plaintext } = await this.kms.send(
      new DecryptCommand({
        KeyId: stored.keyId,
        CiphertextBlob: Buffer.from(stored.ciphertext, "base64"),
        EncryptionContext: contextOf(tenantId, systemId),
      }),
    );
    if (!Plaintext) throw new Error(`KMS returned no plaintext for the webhook secret of ${systemId}`);
    return Buffer.from(Plaintext);
  }
}
