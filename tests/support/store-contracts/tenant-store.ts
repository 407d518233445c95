import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import type { TenantStore, UserStore } from "../../../shared/stores/stores.ts";
import { allPages, at, itemsOf, tenantRecord, userRecord } from "./fixtures.ts";
import { versioningContract } from "./versioning.ts";

const alreadyRegistered = { name: "ConflictError", code: "ALREADY_REGISTERED" };

/** The TenantStore contract; `users` reads the same data, to see the first administrator. */
export function tenantStoreContract(
  name: string,
  make: () => Promise<{ store: TenantStore; users: UserStore }>,
): void {
  const registered = async (overrides: Parameters<typeof tenantRecord>[0] = {}) => {
    const stores = await make();
    const tenant = tenantRecord(overrides);
    const admin = userRecord(tenant.tenantId);
    await stores.store.register(tenant, admin);
    return { ...stores, tenant, admin };
  };

  describe(`TenantStore contract: ${name}`, () => {
    it("registers a tenant with its first administrator, both readable afterwards", async () => {
      const { store, users, tenant, admin } = await registered({ status: "pending" });

      expect(await store.get(tenant.tenantId)).toEqual(tenant);
      expect(await users.get(tenant.tenantId, admin.userId)).toEqual(admin);
      expect(await users.findByUserName(admin.userName.toUpperCase())).toEqual(admin);
    });

    it("answers undefined for a tenant that does not exist", async () => {
      const { store } = await make();

      expect(await store.get(tenantRecord().tenantId)).toBeUndefined();
    });

    it("refuses a second unit with a registered credit code, whatever its letter case, and stores none of it", async () => {
      const { store, users, tenant } = await registered();
      const second = tenantRecord({ unifiedSocialCreditCode: tenant.unifiedSocialCreditCode.toLowerCase() });
      const secondAdmin = userRecord(second.tenantId);

      await expect(store.register(second, secondAdmin)).rejects.toMatchObject(alreadyRegistered);
      expect(await store.get(second.tenantId)).toBeUndefined();
      expect(await users.findByUserName(secondAdmin.userName)).toBeUndefined();
    });

    it("refuses a unit whose administrator's user name is taken, ignoring letter case, and stores none of it", async () => {
      const { store, users, admin } = await registered();
      const second = tenantRecord();
      const secondAdmin = userRecord(second.tenantId, { userName: admin.userName.toUpperCase() });

      await expect(store.register(second, secondAdmin)).rejects.toMatchObject(alreadyRegistered);
      expect(await store.get(second.tenantId)).toBeUndefined();
      expect(await users.get(second.tenantId, secondAdmin.userId)).toBeUndefined();
      expect(await users.findByUserName(admin.userName)).toEqual(admin);
    });

    it("refuses to register a tenant id twice and keeps the first registration", async () => {
      const { store, users, tenant } = await registered();
      const again = tenantRecord({ tenantId: tenant.tenantId, name: "另一个单位" });
      const againAdmin = userRecord(tenant.tenantId);

      await expect(store.register(again, againAdmin)).rejects.toMatchObject(alreadyRegistered);
      expect(await store.get(tenant.tenantId)).toEqual(tenant);
      expect(await users.findByUserName(againAdmin.userName)).toBeUndefined();
      // The refused unit's credit code stays free.
      await expect(
        store.register(
          tenantRecord({ unifiedSocialCreditCode: again.unifiedSocialCreditCode }),
          userRecord(again.tenantId),
        ),
      ).resolves.toBeUndefined();
    });

    it("refuses a tenant record that does not match the schema, and stores nothing", async () => {
      const { store, users } = await make();
      const tenant = tenantRecord({ tenantId: "not-a-tenant-id" });
      const admin = userRecord(tenant.tenantId);

      await expect(store.register(tenant, admin)).rejects.toBeInstanceOf(ZodError);
      expect(await store.get(tenant.tenantId)).toBeUndefined();
      expect(await users.findByUserName(admin.userName)).toBeUndefined();
    });

    it("updates a tenant whose stored version is the one before", async () => {
      const { store, tenant } = await registered({ status: "pending" });
      const approved = { ...tenant, status: "active" as const, approvedBy: "u-platform0001", version: 2 };

      await store.update(approved);

      expect(await store.get(tenant.tenantId)).toEqual(approved);
    });

    versioningContract("tenant", async () => {
      const { store, tenant } = await registered();
      return {
        stored: tenant,
        unstored: tenantRecord({ version: 2 }),
        update: (item) => store.update(item),
        get: (item) => store.get(item.tenantId),
        edit: (item, name) => ({ ...item, name }),
      };
    });

    it("returns copies: changing a returned tenant changes nothing stored", async () => {
      const { store, tenant } = await registered();
      const read = await store.get(tenant.tenantId);
      if (read) read.quotas.systems = 1;

      expect((await store.get(tenant.tenantId))?.quotas.systems).toBe(tenant.quotas.systems);
    });

    // listByStatus is platform-wide: on a shared table other runs' tenants share the listing, so
    // these tests check their own tenants' place in it and what holds for every page.
    it("lists the tenants of one status, oldest first, each once across pages; the last page has no cursor", async () => {
      const { store } = await make();
      const base = 60 * 24 * Math.floor(Math.random() * 3650);
      const mine = [3, 1, 2].map((minutes) =>
        tenantRecord({ status: "rejected", createdAt: at(base + minutes) }),
      );
      for (const tenant of mine) await store.register(tenant, userRecord(tenant.tenantId));
      const active = tenantRecord({ status: "active" });
      await store.register(active, userRecord(active.tenantId));

      const pages = await allPages((page) => store.listByStatus("rejected", page), 2);
      const listed = itemsOf(pages);

      expect(listed.every((t) => t.status === "rejected")).toBe(true);
      expect(new Set(listed.map((t) => t.tenantId)).size).toBe(listed.length);
      const ids = new Set(mine.map((t) => t.tenantId));
      expect(listed.filter((t) => ids.has(t.tenantId))).toEqual(
        [...mine].sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
      );
      expect(listed.map((t) => t.tenantId)).not.toContain(active.tenantId);
      expect(pages.at(-1)?.nextCursor).toBeUndefined();
      for (const page of pages.slice(0, -1)) expect(page.items).toHaveLength(2);
    });

    it("moves a tenant to the listing of its new status when an update changes it", async () => {
      const { store, tenant } = await registered({ status: "pending" });
      await store.update({ ...tenant, status: "exiting", version: 2 });

      const exiting = itemsOf(await allPages((page) => store.listByStatus("exiting", page), 100));
      const pending = itemsOf(await allPages((page) => store.listByStatus("pending", page), 100));

      expect(exiting.map((t) => t.tenantId)).toContain(tenant.tenantId);
      expect(pending.map((t) => t.tenantId)).not.toContain(tenant.tenantId);
    });

    it("refuses a cursor from another status's listing, or one it never returned (VALIDATION_FAILED)", async () => {
      const { store } = await registered({ status: "suspended" });
      await registered({ status: "suspended" });
      const { nextCursor } = await store.listByStatus("suspended", { limit: 1 });

      expect(nextCursor).toBeDefined();
      await expect(store.listByStatus("active", { limit: 1, cursor: nextCursor })).rejects.toMatchObject({
        code: "VALIDATION_FAILED",
      });
      await expect(store.listByStatus("suspended", { limit: 1, cursor: "garbage" })).rejects.toMatchObject({
        code: "VALIDATION_FAILED",
      });
    });
  });
}
