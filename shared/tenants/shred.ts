import type { AuditLog } from "../audit/audit-log.ts";
import type { AuditEvent } from "../audit/event-schema.ts";
import { serviceAuditEvent } from "../audit/service-event.ts";
import type { TenantStore } from "../stores/stores.ts";
import type { Tenant } from "./tenant.ts";
import { keyDeletionWaitingDays, type TenantKeys } from "./tenant-keys.ts";

export interface ShredDeps {
  tenants: TenantStore;
  keys: TenantKeys;
  audit: Pick<AuditLog, "record">;
  now: () => Date;
  region: string;
}

/** A tenant whose export window is over: its key is due for deletion and not yet scheduled. */
const due = (tenant: Tenant, now: Date) =>
  tenant.status === "exiting" &&
  tenant.exit?.keyDeletionScheduledFor !== undefined &&
  new Date(tenant.exit.keyDeletionScheduledFor) <= now &&
  tenant.exit.keyDeletionRequestedAt === undefined;

/**
 * The crypto-shredder (R-EX-02, R-EX-06): once an exiting tenant's one-month export window has
 * passed, asks KMS to delete the tenant's vault key (after KMS's 7-day waiting period), records when
 * on the tenant, and audits it in the tenant's trail. Run daily; safe to run again.
 */
export async function shredDueKeys(
  deps: ShredDeps,
): Promise<{ tenantId: string; keyDeletedAfter: string }[]> {
  const now = deps.now();
  const shredded: { tenantId: string; keyDeletedAfter: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.tenants.listByStatus("exiting", { limit: 100, cursor });
    for (const tenant of page.items.filter((t) => due(t, now))) {
      const deletedAfter = tenant.vaultKeyId
        ? await deps.keys.scheduleDeletion(tenant.vaultKeyId, keyDeletionWaitingDays)
        : now;
      const keyDeletedAfter = deletedAfter.toISOString();
      const exit = {
        ...tenant.exit,
        keyDeletionRequestedAt: now.toISOString(),
        keyDeletedAfter,
      } as Tenant["exit"];
      await deps.tenants.update({
        ...tenant,
        exit,
        updatedAt: now.toISOString(),
        version: tenant.version + 1,
      });
      await deps.audit.record(tenant.tenantId, shredEvent(tenant, keyDeletedAfter, deps.region, now));
      shredded.push({ tenantId: tenant.tenantId, keyDeletedAfter });
    }
    cursor = page.nextCursor;
  } while (cursor);
  return shredded;
}

function shredEvent(tenant: Tenant, keyDeletedAfter: string, region: string, now: Date): AuditEvent {
  return serviceAuditEvent({
    service: "govdr-key-shredder",
    tenantId: tenant.tenantId,
    eventSource: "shredder.govdr",
    eventName: "ScheduleTenantKeyDeletion",
    at: now,
    region,
    requestParameters: { tenantId: tenant.tenantId, keyId: tenant.vaultKeyId ?? null },
    responseElements: { keyDeletedAfter, exportWindowEnded: tenant.exit?.keyDeletionScheduledFor ?? null },
    resources: [{ type: "govdr::tenant", id: tenant.tenantId }],
  });
}
