import { beforeEach, describe, expect, it } from "vitest";
import { type DrPolicy, drPolicySchema } from "../../../shared/policies/policy-schema.ts";
import { dependencyCycle } from "../../../shared/systems/system.ts";
import { describeSystem, SystemService } from "../../../shared/systems/system-service.ts";
import type { Tenant } from "../../../shared/tenants/tenant.ts";
import { makeTenant } from "../../support/identity-fixtures.ts";
import { MemoryStores } from "../../support/memory-stores.ts";
import { systemInput } from "../../support/systems.ts";

const now = new Date("2026-11-21T08:00:00Z");
const input = systemInput;
const policy = (mode: string, schedule: object): DrPolicy =>
  drPolicySchema.parse({
    backup: { sources: [{ type: "stdin", name: "pg_dump" }], type: "incremental", schedule },
    retention: { days: 90, objectLockMode: "COMPLIANCE" },
    replication: { mode, site: "remote", region: "cn-northwest-1", distanceKm: 1200 },
    crypto: { suite: "aes-256-gcm" },
    failover: { mode: "manual", approvalRequired: true, adapter: "record" },
  });

let stores: MemoryStores;
let service: SystemService;
let tenant: Tenant;
beforeEach(() => {
  stores = new MemoryStores();
  service = new SystemService({
    systems: stores.systems,
    now: () => now,
    primaryRegion: "cn-north-1",
    drillSchedules: stores.drillSchedules,
  });
  tenant = { ...makeTenant(now), quotas: { storageGiB: 10, systems: 2 } };
});

describe("SystemService", () => {
  it("R-CL-05: shows the proposed DR level and explains the chosen one", async () => {
    const system = await service.create(tenant, input({ importanceClass: 2, drLevel: 4 }));

    const shown = describeSystem(system);
    expect(shown.proposedDrLevel).toBe(4);
    expect(shown.drLevelFindings.map((f) => f.code)).toEqual(["LEVEL_RPO_APPROXIMATE"]);
  });

  it("R-CL-12: accepts dependencies on the unit's own systems and refuses unknown ones and cycles", async () => {
    const a = await service.create(tenant, input({ name: "A" }));
    const b = await service.create(
      { ...tenant, quotas: { ...tenant.quotas, systems: 5 } },
      input({ name: "B", dependsOn: [a.systemId] }),
    );

    await expect(
      service.create(
        { ...tenant, quotas: { ...tenant.quotas, systems: 5 } },
        input({ dependsOn: ["s-zzzzzzzzzzzz"] }),
      ),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      fieldErrors: [{ path: "dependsOn", message: "unknown or self: s-zzzzzzzzzzzz" }],
    });
    await expect(
      service.update(tenant, a, input({ name: "A", dependsOn: [b.systemId] })),
    ).rejects.toMatchObject({
      // The cycle is named from the system the unit's listing gives first (by system id).
      fieldErrors: [
        {
          path: "dependsOn",
          message: expect.toBeOneOf([
            `cycle: ${a.systemId} → ${b.systemId} → ${a.systemId}`,
            `cycle: ${b.systemId} → ${a.systemId} → ${b.systemId}`,
          ]),
        },
      ],
    });
  });

  it("refuses a replacement made from an older version than the one stored, and keeps the stored one", async () => {
    const created = await service.create(tenant, input({ name: "门户" }));
    const renamed = await service.update(tenant, created, input({ name: "政务门户" }), created.version);
    expect(renamed.version).toBe(created.version + 1);

    // A second editor who read the first version saves afterwards: refused, nothing overwritten.
    await expect(
      service.update(tenant, renamed, input({ name: "门户网站" }), created.version),
    ).rejects.toMatchObject({
      code: "STALE_VERSION",
      httpStatus: 409,
    });
    expect((await stores.systems.get(tenant.tenantId, created.systemId))?.name).toBe("政务门户");
  });

  it("enforces the unit's system quota", async () => {
    await service.create(tenant, input());
    await service.create(tenant, input());

    await expect(service.create(tenant, input())).rejects.toMatchObject({
      code: "QUOTA_EXCEEDED",
      httpStatus: 409,
    });
  });

  it("keeps the quota when creates race: of 6 at once with room for 2, exactly 2 succeed", async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () =>
        service.create(tenant, input()).then(
          () => "created",
          (error) => error.code as string,
        ),
      ),
    );

    expect(outcomes.sort()).toEqual([
      "QUOTA_EXCEEDED",
      "QUOTA_EXCEEDED",
      "QUOTA_EXCEEDED",
      "QUOTA_EXCEEDED",
      "created",
      "created",
    ]);
    expect((await stores.systems.list(tenant.tenantId, { limit: 10 })).items).toHaveLength(2);
  });

  it("R-CL-02: refuses a daily backup for an RPO ≤1 h system, naming the rule, and stores nothing", async () => {
    const system = await service.create(tenant, input({ recoveryPriority: 2 }));

    const refused = service.setPolicy(
      tenant,
      system,
      policy("scheduled-backup", { kind: "daily", at: "01:00", timezone: "Asia/Shanghai" }),
      "u-1",
    );

    await expect(refused).rejects.toMatchObject({
      code: "POLICY_REJECTED",
      findings: [expect.objectContaining({ rule: "R-CL-02", code: "POLICY_RPO_UNREACHABLE" })],
    });
    expect(stores.policyMap.size).toBe(0);
  });

  it("keeps every accepted policy version and points the system at the newest", async () => {
    const system = await service.create(tenant, input());

    const v1 = await service.setPolicy(
      tenant,
      system,
      policy("database-replication-or-cdp", { kind: "every", minutes: 30 }),
      "u-1",
    );
    const current = await stores.systems.get(tenant.tenantId, system.systemId);
    const v2 = await service.setPolicy(
      tenant,
      current ?? system,
      policy("real-time", { kind: "continuous" }),
      "u-2",
    );

    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect((await stores.systems.get(tenant.tenantId, system.systemId))?.policyVersion).toBe(2);
    expect(
      (await stores.systems.listPolicyVersions(tenant.tenantId, system.systemId, { limit: 10 })).items.map(
        (p) => p.createdBy,
      ),
    ).toEqual(["u-1", "u-2"]);
  });

  it("R-EX: blocks changes while the unit is exiting or suspended", async () => {
    await expect(service.create({ ...tenant, status: "exiting" }, input())).rejects.toMatchObject({
      code: "TENANT_NOT_ACTIVE",
    });
  });
});

describe("dependencyCycle", () => {
  it("finds cycles of any length and accepts DAGs", () => {
    expect(
      dependencyCycle(
        new Map([
          ["a", ["b"]],
          ["b", ["c"]],
          ["c", []],
        ]),
      ),
    ).toBeUndefined();
    expect(
      dependencyCycle(
        new Map([
          ["a", ["b"]],
          ["b", ["c"]],
          ["c", ["a"]],
        ]),
      ),
    ).toEqual(["a", "b", "c", "a"]);
    expect(dependencyCycle(new Map([["a", ["a"]]]))).toEqual(["a", "a"]);
    expect(
      dependencyCycle(
        new Map([
          ["x", ["y"]],
          ["y", []],
          ["a", ["b"]],
          ["b", ["a"]],
        ]),
      ),
    ).toEqual(["a", "b", "a"]);
  });
});
