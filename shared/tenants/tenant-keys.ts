/**
 * Each tenant's vault key (DESIGN.md §Vault engine): created when the tenant is approved, it wraps
 * the master keys of the tenant's repositories. Destroying it after a service exit makes every
 * backup of the tenant unreadable though Object Lock keeps the bytes (crypto-shredding, R-EX-06).
 */
export interface TenantKeys {
  create(tenantId: string): Promise<string>;
  /** Schedules the key's deletion after KMS's waiting period; returns when it will be gone. */
  scheduleDeletion(keyId: string, pendingDays: number): Promise<Date>;
}

/** KMS's shortest waiting period: a mistaken deletion can still be cancelled for a week. */
export const keyDeletionWaitingDays = 7;
