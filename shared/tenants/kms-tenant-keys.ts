import {
  CreateAliasCommand,
  CreateKeyCommand,
  type KMSClient,
  ScheduleKeyDeletionCommand,
} from "@aws-sdk/client-kms";
import type { TenantKeys } from "./tenant-keys.ts";

/** Tag every tenant key carries; IAM lets the shredder delete only keys with it. */
export const tenantKeyTag = "govdr:tenant";

export class KmsTenantKeys implements TenantKeys {
  constructor(private readonly kms: KMSClient) {}

  async create(tenantId: string): Promise<string> {
    const { KeyMetadata } = await this.kms.send(
      new CreateKeyCommand({
        Description: `govdr vault key of tenant ${tenantId}`,
        KeyUsage: "ENCRYPT_DECRYPT",
        KeySpec: "SYMMETRIC_DEFAULT",
        Tags: [{ TagKey: tenantKeyTag, TagValue: tenantId }],
      }),
    );
    const keyId = KeyMetadata?.KeyId;
    if (!keyId) throw new Error(`KMS created no key for tenant ${tenantId}`);
    await this.kms.send(
      new CreateAliasCommand({ AliasName: `alias/govdr-tenant-${tenantId}`, TargetKeyId: keyId }),
    );
    return keyId;
  }

  async scheduleDeletion(keyId: string, pendingDays: number): Promise<Date> {
    const { DeletionDate } = await this.kms.send(
      new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: pendingDays }),
    );
    return DeletionDate ?? new Date(Date.now() + pendingDays * 86_400_000);
  }
}
