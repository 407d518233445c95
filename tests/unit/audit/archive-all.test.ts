import { describe, expect, it } from "vitest";
import { verifyArchive } from "../../../shared/audit/archive.ts";
import { AuditArchiveIncompleteError, archiveAllTrails } from "../../../shared/audit/archive-all.ts";
import { auditEvent } from "../../support/audit-events.ts";
import { makeTenant } from "../../support/identity-fixtures.ts";
import { MemoryArchiveCursors, MemoryArchiveObjects, MemoryAuditLog } from "../../support/memory-audit.ts";
import { MemoryStores } from "../../support/memory-stores.ts";

const settings = { retentionDays: 180, batchSize: 100 };

async function platformWithTenants() {
  const stores = new MemoryStores();
  const at = new Date("2026-11-20T08:00:00.000Z");
  const active = { ...makeTenant(at, "active"), tenantId: "t-active" };
  const exiting = { ...makeTenant(at, "exiting"), tenantId: "t-exiting" };
  for (const tenant of [active, exiting]) stores.tenantMap.set(tenant.tenantId, tenant);
  const deps = {
    tenants: stores.tenants,
    audit: new MemoryAuditLog(),
    cursors: new MemoryArchiveCursors(),
    objects: new MemoryArchiveObjects(),
    now: () => new Date("2026-11-21T08:00:00.000Z"),
  };
  for (const tenantId of ["platform", "t-active", "t-exiting"]) {
    await deps.audit.record(tenantId, auditEvent("CreateSystem"));
  }
  await deps.audit.chainAll();
  return deps;
}

describe("scheduled audit archive pass", () => {
  it("archives the platform trail and every tenant's, exiting tenants included", async () => {
    const deps = await platformWithTenants();

    const runs = await archiveAllTrails(deps, settings);

    expect(runs.map((r) => [r.tenantId, r.records]).sort()).toEqual([
      ["platform", 1],
      ["t-active", 1],
      ["t-exiting", 1],
    ]);
    for (const tenantId of ["platform", "t-active", "t-exiting"]) {
      await expect(verifyArchive(tenantId, deps)).resolves.toMatchObject({ ok: true, checked: 1 });
    }
  });

  it("archives the healthy trails, then fails naming the trail whose chain is broken", async () => {
    const deps = await platformWithTenants();
    const [record] = deps.audit.chains.get("t-active") ?? [];
    if (!record) throw new Error("fixture");
    deps.audit.chains.set("t-active", [{ ...record, hash: "0".repeat(64) }]);

    const pass = archiveAllTrails(deps, settings);

    await expect(pass).rejects.toThrow(AuditArchiveIncompleteError);
    await expect(pass).rejects.toThrow(/t-active: AuditChainBrokenError/);
    expect((await deps.cursors.get("t-exiting"))?.sequence).toBe(1);
  });
});
