import type { TenantKeys } from "../../shared/tenants/tenant-keys.ts";

/** Tenant keys in memory: which exist, and which are scheduled for deletion and until when. */
export class MemoryTenantKeys implements TenantKeys {
  readonly keys = new Map<string, { tenantId: string; deletionAt?: Date }>();

  async create(tenantId: string): Promise<string> {
    const keyId = `key-${this.keys.size + 1}`;
    this.keys.set(keyId, { tenantId });
    return keyId;
  }

  async scheduleDeletion(keyId: string, pendingDays: number): Promise<Date> {
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`no key ${keyId}`);
    key.deletionAt = new Date(Date.UTC(2026, 0, 1) + pendingDays * 86_400_000);
    return key.deletionAt;
  }
}
