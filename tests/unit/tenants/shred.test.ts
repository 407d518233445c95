import { describe, expect, it } from "vitest";
import { defaultIdentitySettings } from "../../../shared/identity/settings.ts";
import { shredDueKeys } from "../../../shared/tenants/shred.ts";
import { TenantService } from "../../../shared/tenants/tenant-service.ts";
import { makeTenant } from "../../support/identity-fixtures.ts";
import { MemoryAuditLog } from "../../support/memory-audit.ts";
import { MemoryStores } from "../../support/memory-stores.ts";
import { MemoryTenantKeys } from "../../support/memory-tenant-keys.ts";

const requested = new Date("2026-11-21T08:00:00.000Z");

async function exitingTenant() {
  const stores = new MemoryStores();
  const keys = new MemoryTenantKeys();
  let now = requested;
  const service = new TenantService({
    ...stores,
    keys,
    settings: async () => defaultIdentitySettings,
    now: () => now,
  });
  const pending = { ...makeTenant(requested, "pending") };
  stores.tenantMap.set(pending.tenantId, pending);
  const active = await service.transition(pending, "approve", "u-platform");
  const exiting = await service.transition(active, "exit", "u-admin");
  const audit = new MemoryAuditLog();
  const run = (at: Date) => {
    now = at;
    return shredDueKeys({ tenants: stores.tenants, keys, audit, now: () => at, region: "cn-north-1" });
  };
  return { stores, keys, audit, exiting, run };
}

describe("crypto-shredding after service exit (R-EX-02, R-EX-06)", () => {
  it("gives every approved tenant its own vault key", async () => {
    const { exiting, keys } = await exitingTenant();

    expect(exiting.vaultKeyId).toBe("key-1");
    expect(keys.keys.get("key-1")?.tenantId).toBe(exiting.tenantId);
  });

  it("leaves the key alone during the one-month export window", async () => {
    const { keys, run } = await exitingTenant();

    expect(await run(new Date("2026-12-21T07:59:59.000Z"))).toEqual([]);
    expect(keys.keys.get("key-1")?.deletionAt).toBeUndefined();
  });

  it("schedules the key's deletion once the window is over, records it and audits it, once", async () => {
    const { stores, keys, audit, exiting, run } = await exitingTenant();
    const after = new Date("2026-12-21T08:00:00.000Z");

    const first = await run(after);
    const second = await run(new Date("2026-12-22T08:00:00.000Z"));

    expect(first).toEqual([{ tenantId: exiting.tenantId, keyDeletedAfter: expect.any(String) }]);
    expect(second).toEqual([]);
    expect(keys.keys.get("key-1")?.deletionAt).toBeInstanceOf(Date);
    expect((await stores.tenants.get(exiting.tenantId))?.exit).toMatchObject({
      keyDeletionRequestedAt: after.toISOString(),
      keyDeletedAfter: first[0]?.keyDeletedAfter,
    });
    await audit.chainAll();
    const [record] = audit.chains.get(exiting.tenantId) ?? [];
    expect(record?.event).toMatchObject({
      eventName: "ScheduleTenantKeyDeletion",
      userIdentity: { type: "Service" },
      requestParameters: { keyId: "key-1" },
    });
  });
});
