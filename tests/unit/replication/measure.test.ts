import { describe, expect, it } from "vitest";
import {
  type ListedObject,
  measureReplication,
  type VaultListings,
} from "../../../shared/replication/measure.ts";
import { monitorReplication } from "../../../shared/replication/replication-monitor.ts";
import type { SnapshotRecord } from "../../../shared/snapshots/snapshot-record.ts";
import { makeTenant } from "../../support/identity-fixtures.ts";
import { MemoryAuditLog } from "../../support/memory-audit.ts";
import { MemoryStores } from "../../support/memory-stores.ts";
import { snapshotRecord } from "../../support/store-contracts/fixtures.ts";
import { systemInput } from "../../support/systems.ts";

const t0 = Date.parse("2026-12-07T08:00:00.000Z");
const at = (seconds: number) => new Date(t0 + seconds * 1000);
const prefix = "tenants/t-000000000001/";

/** A repository: one snapshot every 10 minutes, each a pack and then its manifest. */
function repository(count: number) {
  const objects: ListedObject[] = [];
  const snapshots: SnapshotRecord[] = [];
  for (let i = 0; i < count; i++) {
    const id = `00000000000000a${i}`;
    objects.push({ key: `${prefix}packs/0${i}/pack${i}`, size: 1000, lastModified: at(i * 600) });
    objects.push({ key: `${prefix}snapshots/2026-${id}`, size: 200, lastModified: at(i * 600 + 2) });
    snapshots.unshift(
      snapshotRecord("t-000000000001", "s-000000000001", {
        snapshotId: id,
        startedAt: at(i * 600 - 30).toISOString(),
        time: at(i * 600 + 2).toISOString(),
        repository: `s3://govdr-vault/${prefix}`,
      }),
    );
  }
  return { objects, snapshots };
}

/** A listing as S3 gives it: by key. */
async function* sorted(objects: ListedObject[]): AsyncGenerator<ListedObject> {
  yield* [...objects].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const listings = (primary: ListedObject[], dr: ListedObject[]): VaultListings => ({
  prefixOf: (record) => (record.repository.startsWith("s3://govdr-vault/") ? prefix : undefined),
  primary: () => sorted(primary),
  dr: () => sorted(dr),
});

const context = {
  tenantId: "t-000000000001",
  systemId: "s-000000000001",
  mode: "native" as const,
  targetRpoSeconds: 3600,
  now: at(1800),
};

describe("achievable RPO from the two vaults (DESIGN.md §Replication)", () => {
  it("is now − the newest snapshot's start when everything is in the DR vault", async () => {
    const { objects, snapshots } = repository(3);

    const check = await measureReplication(listings(objects, objects), snapshots, context);

    expect(check).toMatchObject({
      status: "ok",
      achievableRpoSeconds: 1800 - (1200 - 30),
      newestReplicatedSnapshot: { snapshotId: "00000000000000a2" },
      lagBytes: 0,
      lagObjects: 0,
    });
  });

  it("does not count a snapshot whose manifest arrived before one of its packs", async () => {
    const { objects, snapshots } = repository(3);
    const dr = objects.filter((o) => !o.key.endsWith("pack2"));

    const check = await measureReplication(listings(objects, dr), snapshots, context);

    expect(check.newestReplicatedSnapshot?.snapshotId).toBe("00000000000000a1");
    expect(check.achievableRpoSeconds).toBe(1800 - (600 - 30));
    expect(check).toMatchObject({ lagBytes: 1000, lagObjects: 1 });
  });

  it("bounds the snapshot's time by its manifest's arrival, so an agent's clock running ahead shortens nothing", async () => {
    const { objects, snapshots } = repository(1);
    const ahead = snapshots.map((record) => ({ ...record, startedAt: at(1700).toISOString() }));

    const check = await measureReplication(listings(objects, objects), ahead, context);

    expect(check.achievableRpoSeconds).toBe(1800 - 2);
    expect(check.newestReplicatedSnapshot?.takenAt).toBe(at(2).toISOString());
  });

  it("counts an object of another size in the DR vault as not there", async () => {
    const { objects, snapshots } = repository(2);
    const dr = objects.map((o) => (o.key.endsWith("pack1") ? { ...o, size: 10 } : o));

    const check = await measureReplication(listings(objects, dr), snapshots, context);

    expect(check.newestReplicatedSnapshot?.snapshotId).toBe("00000000000000a0");
  });

  it("breaches when the newest replicated snapshot is older than the target, and when none is replicated", async () => {
    const { objects, snapshots } = repository(2);

    const late = await measureReplication(listings(objects, objects), snapshots, {
      ...context,
      now: at(7200),
    });
    const none = await measureReplication(listings(objects, []), snapshots, context);

    expect(late).toMatchObject({ status: "breach", achievableRpoSeconds: 7200 - 570 });
    expect(none).toMatchObject({
      status: "breach",
      achievableRpoSeconds: null,
      lagObjects: 4,
      lagBytes: 2400,
    });
  });

  it("says no-snapshot without one, and not-replicable for a snapshot outside the platform's vault", async () => {
    const local = snapshotRecord("t-000000000001", "s-000000000001", { repository: "/backup/vault" });

    expect((await measureReplication(listings([], []), [], context)).status).toBe("no-snapshot");
    expect((await measureReplication(listings([], []), [local], context)).status).toBe("not-replicable");
  });
});

/** An active unit with one system whose policy is at version 1. */
function activeUnitWithSystem() {
  const stores = new MemoryStores();
  const tenant = makeTenant(at(0));
  stores.tenantMap.set(tenant.tenantId, tenant);
  const system = {
    ...systemInput(),
    systemId: "s-000000000001",
    tenantId: tenant.tenantId,
    policyVersion: 1,
    createdAt: at(0).toISOString(),
    updatedAt: at(0).toISOString(),
    version: 1,
  };
  stores.systemMap.set(`${tenant.tenantId}/${system.systemId}`, system);
  return { stores, tenant, system };
}

describe("measuring a large repository", () => {
  it("walks both listings side by side, never holding either: 300,000 objects, every 1,000th still in flight", async () => {
    const count = 300_000;
    const key = (i: number) => `${prefix}packs/${String(i).padStart(7, "0")}`;
    async function* primary() {
      for (let i = 0; i < count; i++) yield { key: key(i), size: 10, lastModified: at(i / 1000) };
      yield { key: `${prefix}snapshots/2026-00000000000000a0`, size: 5, lastModified: at(400) };
    }
    async function* dr() {
      for (let i = 0; i < count; i++)
        if (i % 1000 !== 999) yield { key: key(i), size: 10, lastModified: at(0) };
      yield { key: `${prefix}snapshots/2026-00000000000000a0`, size: 5, lastModified: at(0) };
    }
    const record = snapshotRecord("t-000000000001", "s-000000000001", {
      snapshotId: "00000000000000a0",
      startedAt: at(399).toISOString(),
      repository: `s3://govdr-vault/${prefix}`,
    });
    const check = await measureReplication({ prefixOf: () => prefix, primary, dr }, [record], {
      ...context,
      now: at(1000),
    });
    expect(check).toMatchObject({ lagObjects: 300, lagBytes: 3000, status: "breach" });
    // The manifest came after objects that are still missing: not yet a complete snapshot.
    expect(check.newestReplicatedSnapshot).toBeNull();
  });
});

describe("the replication monitor (R-MN-01)", () => {
  it("keeps every check and notifies a breach once, and again when the RPO is back within target", async () => {
    const { stores, tenant, system } = activeUnitWithSystem();
    const { objects, snapshots } = repository(2);
    for (const record of snapshots)
      await stores.snapshots.add({ ...record, tenantId: tenant.tenantId, systemId: system.systemId });
    let now = at(1200);
    const notified: string[] = [];
    const audit = new MemoryAuditLog();
    const deps = {
      tenants: stores.tenants,
      systems: stores.systems,
      catalog: stores.snapshots,
      listings: listings(objects, objects),
      checks: stores.replicationChecks,
      notifier: {
        publish: async (_tenantId: string, message: { kind: string }) => void notified.push(message.kind),
      },
      audit,
      now: () => now,
      region: "cn-north-1",
    };

    await monitorReplication(deps); // ok
    now = at(7200);
    await monitorReplication(deps); // breach
    await monitorReplication(deps); // still a breach: no second notice
    now = at(1300);
    await monitorReplication(deps); // back within target

    expect(notified).toEqual(["rpo-breach", "rpo-restored"]);
    const history = await stores.replicationChecks.history(tenant.tenantId, system.systemId, { limit: 10 });
    // Newest first; the last check's clock went back, so sort by what was recorded, not by time.
    expect(history.items).toHaveLength(4);
    expect(history.items.map((c) => c.status).sort()).toEqual(["breach", "breach", "ok", "ok"]);
    expect([...(audit.pending.get(tenant.tenantId) ?? [])].map((e) => e.eventName).sort()).toEqual([
      "ReplicationRpoBreach",
      "ReplicationRpoRestored",
    ]);
  });

  it("D-42: keeps S3's rules off a unit whose system is managed, and reports the policy's transport", async () => {
    const { stores, tenant, system } = activeUnitWithSystem();
    const policy = {
      backup: {
        sources: [{ type: "directory" as const, path: "/srv", excludes: [] }],
        type: "full" as const,
        schedule: { kind: "every" as const, minutes: 60 },
      },
      retention: { days: 30, objectLockMode: "COMPLIANCE" as const },
      replication: {
        mode: "scheduled-backup" as const,
        site: "remote" as const,
        region: "cn-northwest-1",
        distanceKm: 1200,
        transport: "managed" as const,
      },
      crypto: { suite: "aes-256-gcm" as const },
      failover: { mode: "manual" as const, approvalRequired: true, adapter: "record" as const },
    };
    stores.policyMap.set(`${tenant.tenantId}/${system.systemId}/1`, {
      tenantId: tenant.tenantId,
      systemId: system.systemId,
      version: 1,
      policy,
      findings: [],
      createdAt: at(0).toISOString(),
      createdBy: "u-1",
    });
    const { objects, snapshots } = repository(1);
    for (const record of snapshots)
      await stores.snapshots.add({ ...record, tenantId: tenant.tenantId, systemId: system.systemId });
    let rules = [{ ID: "deployed", Status: "Enabled", Filter: {}, Destination: { Bucket: "dr" } }];
    const deps = {
      tenants: stores.tenants,
      systems: stores.systems,
      catalog: stores.snapshots,
      listings: listings(objects, objects),
      checks: stores.replicationChecks,
      notifier: { publish: async () => {} },
      audit: new MemoryAuditLog(),
      now: () => at(700),
      region: "cn-north-1",
      vaultRules: {
        current: async () => rules,
        put: async (next: typeof rules) => {
          rules = next;
        },
      },
    };

    expect(await monitorReplication(deps)).toMatchObject({ checked: 1, rules: "put" });
    expect(rules.map((r) => [r.ID, r.Status])).toEqual([["idle", "Disabled"]]);
    expect(await monitorReplication(deps)).toMatchObject({ rules: "none" });
    const [check] = (await stores.replicationChecks.history(tenant.tenantId, system.systemId, { limit: 1 }))
      .items;
    expect(check?.mode).toBe("managed");
  });
});
