import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { newId } from "../../../shared/stores/ids.ts";
import type { SystemStore } from "../../../shared/stores/stores.ts";
import type { ProtectedSystem } from "../../../shared/systems/system.ts";
import { allPages, at, itemsOf, policyRecord, sorted, systemRecord } from "./fixtures.ts";
import { versioningContract } from "./versioning.ts";

const stale = { name: "ConflictError", code: "STALE_VERSION" };
const quotaExceeded = { name: "ConflictError", code: "QUOTA_EXCEEDED" };
const roomy = { limit: 50, existing: 0 };

export function systemStoreContract(name: string, make: () => Promise<{ store: SystemStore }>): void {
  const created = async () => {
    const { store } = await make();
    const system = systemRecord(newId("t"));
    await store.create(system, roomy);
    return { store, system };
  };
  /** The system as setPolicy stores it when `record` becomes its policy. */
  const withPolicy = (system: ProtectedSystem, policyVersion: number): ProtectedSystem => ({
    ...system,
    policyVersion,
    updatedAt: at(policyVersion),
    version: system.version + 1,
  });

  describe(`SystemStore contract: ${name}`, () => {
    it("creates a system and reads it back", async () => {
      const { store, system } = await created();

      expect(await store.get(system.tenantId, system.systemId)).toEqual(system);
    });

    it("answers undefined for a system that does not exist, or that belongs to another tenant", async () => {
      const { store, system } = await created();

      expect(await store.get(system.tenantId, newId("s"))).toBeUndefined();
      expect(await store.get(newId("t"), system.systemId)).toBeUndefined();
    });

    it("keeps the same system id in two tenants as two systems", async () => {
      const { store, system } = await created();
      const other = { ...systemRecord(newId("t"), { systemId: system.systemId }), name: "另一个系统" };

      await store.create(other, roomy);

      expect(await store.get(system.tenantId, system.systemId)).toEqual(system);
      expect(await store.get(other.tenantId, other.systemId)).toEqual(other);
    });

    it("refuses to create a system id twice, as DynamoDB's cancelled transaction, and keeps the first", async () => {
      const { store, system } = await created();

      await expect(store.create({ ...system, name: "重复" }, roomy)).rejects.toMatchObject({
        name: "TransactionCanceledException",
      });
      expect(await store.get(system.tenantId, system.systemId)).toEqual(system);
    });

    it("refuses a system record that does not match the schema, and stores nothing", async () => {
      const { store } = await make();
      const system = systemRecord(newId("t"), { systemId: "not-a-system-id" });

      await expect(store.create(system, roomy)).rejects.toBeInstanceOf(ZodError);
      expect(await store.list(system.tenantId, { limit: 10 })).toEqual({ items: [] });
    });

    it("creates systems up to the quota and refuses the next (QUOTA_EXCEEDED) without storing it", async () => {
      const { store } = await make();
      const tenantId = newId("t");
      const quota = { limit: 2, existing: 0 };
      await store.create(systemRecord(tenantId), quota);
      await store.create(systemRecord(tenantId), quota);
      const third = systemRecord(tenantId);

      await expect(store.create(third, quota)).rejects.toMatchObject(quotaExceeded);
      expect(await store.get(tenantId, third.systemId)).toBeUndefined();
      expect((await store.list(tenantId, { limit: 10 })).items).toHaveLength(2);
    });

    it("starts the count from the systems the caller counted, where no count is stored yet", async () => {
      const { store } = await make();
      const tenantId = newId("t");
      await store.create(systemRecord(tenantId), { limit: 3, existing: 2 });

      await expect(store.create(systemRecord(tenantId), { limit: 3, existing: 2 })).rejects.toMatchObject(
        quotaExceeded,
      );
    });

    it("refuses the first counted create when the systems the caller counted already fill the quota", async () => {
      const { store } = await make();
      const tenantId = newId("t");
      const system = systemRecord(tenantId);

      await expect(store.create(system, { limit: 2, existing: 2 })).rejects.toMatchObject(quotaExceeded);
      expect(await store.get(tenantId, system.systemId)).toBeUndefined();
    });

    it("counts from the stored count once there is one, whatever the caller counted", async () => {
      const { store } = await make();
      const tenantId = newId("t");
      await store.create(systemRecord(tenantId), { limit: 2, existing: 0 });

      await store.create(systemRecord(tenantId), { limit: 2, existing: 7 });
      await expect(store.create(systemRecord(tenantId), { limit: 2, existing: 0 })).rejects.toMatchObject(
        quotaExceeded,
      );
    });

    it("does not count a refused duplicate against the quota", async () => {
      const { store } = await make();
      const tenantId = newId("t");
      const quota = { limit: 2, existing: 0 };
      const first = systemRecord(tenantId);
      await store.create(first, quota);
      await expect(store.create(first, quota)).rejects.toThrow();

      await expect(store.create(systemRecord(tenantId), quota)).resolves.toBeUndefined();
    });

    it("counts each tenant's systems on their own", async () => {
      const { store } = await make();
      const [a, b] = [newId("t"), newId("t")];
      await store.create(systemRecord(a), { limit: 1, existing: 0 });

      await expect(store.create(systemRecord(b), { limit: 1, existing: 0 })).resolves.toBeUndefined();
      await expect(store.create(systemRecord(a), { limit: 1, existing: 0 })).rejects.toMatchObject(
        quotaExceeded,
      );
    });

    it("holds the quota however many create at once", async () => {
      const { store } = await make();
      const tenantId = newId("t");
      const quota = { limit: 3, existing: 0 };

      const results = await Promise.allSettled(
        Array.from({ length: 6 }, () => store.create(systemRecord(tenantId), quota)),
      );

      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
      for (const refused of results.filter((r) => r.status === "rejected")) {
        expect(refused.reason).toMatchObject(quotaExceeded);
      }
      expect(itemsOf(await allPages((page) => store.list(tenantId, page), 10))).toHaveLength(3);
    });

    it("updates a system whose stored version is the one before", async () => {
      const { store, system } = await created();
      const next = { ...system, name: "社保查询（新）", updatedAt: at(1), version: 2 };

      await store.update(next);

      expect(await store.get(system.tenantId, system.systemId)).toEqual(next);
    });

    versioningContract("system", async () => {
      const { store, system } = await created();
      return {
        stored: system,
        unstored: systemRecord(newId("t"), { version: 2 }),
        update: (item) => store.update(item),
        get: (item) => store.get(item.tenantId, item.systemId),
        edit: (item, name) => ({ ...item, name }),
      };
    });

    it("lists a tenant's systems by system id, in pages, each once, and none of another tenant's", async () => {
      const { store } = await make();
      const tenantId = newId("t");
      const systems = Array.from({ length: 5 }, () => systemRecord(tenantId));
      for (const system of [...systems].reverse()) await store.create(system, roomy);
      await store.create(systemRecord(newId("t")), roomy);

      const pages = await allPages((page) => store.list(tenantId, page), 2);

      expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
      const order = sorted(systems.map((s) => s.systemId));
      expect(itemsOf(pages)).toEqual(order.map((id) => systems.find((s) => s.systemId === id)));
    });

    it("gives a full last page a cursor, like a DynamoDB query, and then an empty page without one", async () => {
      const { store } = await make();
      const tenantId = newId("t");
      for (let i = 0; i < 2; i++) await store.create(systemRecord(tenantId), roomy);

      const pages = await allPages((page) => store.list(tenantId, page), 2);

      expect(pages.map((page) => [page.items.length, page.nextCursor === undefined])).toEqual([
        [2, false],
        [0, true],
      ]);
    });

    it("refuses another tenant's cursor, or one it never returned (VALIDATION_FAILED)", async () => {
      const { store } = await make();
      const tenantId = newId("t");
      for (let i = 0; i < 2; i++) await store.create(systemRecord(tenantId), roomy);
      const { nextCursor } = await store.list(tenantId, { limit: 1 });

      expect(nextCursor).toBeDefined();
      await expect(store.list(newId("t"), { limit: 1, cursor: nextCursor })).rejects.toMatchObject({
        code: "VALIDATION_FAILED",
      });
      await expect(store.list(tenantId, { limit: 1, cursor: "garbage" })).rejects.toMatchObject({
        code: "VALIDATION_FAILED",
      });
    });

    it("stores a policy version and points the system at it", async () => {
      const { store, system } = await created();
      const record = policyRecord(system, 1);
      const next = withPolicy(system, 1);

      await store.setPolicy(next, record);

      expect(await store.get(system.tenantId, system.systemId)).toEqual(next);
      expect(await store.getPolicy(system.tenantId, system.systemId, 1)).toEqual(record);
    });

    it("answers undefined for a policy version that does not exist, or of another tenant", async () => {
      const { store, system } = await created();
      await store.setPolicy(withPolicy(system, 1), policyRecord(system, 1));

      expect(await store.getPolicy(system.tenantId, system.systemId, 2)).toBeUndefined();
      expect(await store.getPolicy(newId("t"), system.systemId, 1)).toBeUndefined();
      expect(await store.getPolicy(system.tenantId, newId("s"), 1)).toBeUndefined();
    });

    it("refuses a policy for a stale system (STALE_VERSION) and stores neither", async () => {
      const { store, system } = await created();
      await store.update({ ...system, name: "别人先改了", version: 2 });

      await expect(store.setPolicy(withPolicy(system, 1), policyRecord(system, 1))).rejects.toMatchObject(
        stale,
      );
      expect(await store.getPolicy(system.tenantId, system.systemId, 1)).toBeUndefined();
      expect(await store.get(system.tenantId, system.systemId)).toMatchObject({
        name: "别人先改了",
        policyVersion: 0,
      });
    });

    it("never overwrites a policy version (STALE_VERSION) and leaves the system as it was", async () => {
      const { store, system } = await created();
      const first = withPolicy(system, 1);
      await store.setPolicy(first, policyRecord(system, 1));

      const again = { ...policyRecord(system, 1), createdBy: "u-someoneelse1" };
      await expect(store.setPolicy(withPolicy(first, 1), again)).rejects.toMatchObject(stale);
      expect(await store.getPolicy(system.tenantId, system.systemId, 1)).toEqual(policyRecord(system, 1));
      expect(await store.get(system.tenantId, system.systemId)).toEqual(first);
    });

    it("lists a system's policy versions oldest first in number order (v10 after v9), in pages", async () => {
      const { store, system } = await created();
      let current = system;
      for (let version = 1; version <= 11; version++) {
        const next = withPolicy(current, version);
        await store.setPolicy(next, policyRecord(system, version));
        current = next;
      }
      const other = systemRecord(system.tenantId);
      await store.create(other, roomy);
      await store.setPolicy(withPolicy(other, 1), policyRecord(other, 1));

      const pages = await allPages(
        (page) => store.listPolicyVersions(system.tenantId, system.systemId, page),
        5,
      );

      expect(pages.map((page) => page.items.map((p) => p.version))).toEqual([
        [1, 2, 3, 4, 5],
        [6, 7, 8, 9, 10],
        [11],
      ]);
      expect(itemsOf(pages).every((p) => p.systemId === system.systemId)).toBe(true);
      expect(itemsOf(pages)[9]).toEqual(policyRecord(system, 10));
    });

    it("lists no policy versions of another tenant's system with the same id", async () => {
      const { store, system } = await created();
      await store.setPolicy(withPolicy(system, 1), policyRecord(system, 1));

      expect(await store.listPolicyVersions(newId("t"), system.systemId, { limit: 10 })).toEqual({
        items: [],
      });
    });

    it("refuses a policy-version cursor of another system (VALIDATION_FAILED)", async () => {
      const { store, system } = await created();
      await store.setPolicy(withPolicy(system, 1), policyRecord(system, 1));
      await store.setPolicy(withPolicy(withPolicy(system, 1), 2), policyRecord(system, 2));
      const { nextCursor } = await store.listPolicyVersions(system.tenantId, system.systemId, { limit: 1 });

      expect(nextCursor).toBeDefined();
      await expect(
        store.listPolicyVersions(system.tenantId, newId("s"), { limit: 1, cursor: nextCursor }),
      ).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      await expect(store.list(system.tenantId, { limit: 1, cursor: nextCursor })).rejects.toMatchObject({
        code: "VALIDATION_FAILED",
      });
    });
  });
}
