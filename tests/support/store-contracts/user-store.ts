import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { newId } from "../../../shared/stores/ids.ts";
import type { UserStore } from "../../../shared/stores/stores.ts";
import { allPages, itemsOf, sorted, userRecord } from "./fixtures.ts";
import { versioningContract } from "./versioning.ts";

const nameTaken = { name: "ConflictError", code: "USER_NAME_TAKEN" };

export function userStoreContract(name: string, make: () => Promise<{ store: UserStore }>): void {
  describe(`UserStore contract: ${name}`, () => {
    it("creates a user, readable by tenant and id and by user name in any letter case", async () => {
      const { store } = await make();
      const user = userRecord(newId("t"));

      await store.create(user);

      expect(await store.get(user.tenantId, user.userId)).toEqual(user);
      expect(await store.findByUserName(user.userName)).toEqual(user);
      expect(await store.findByUserName(user.userName.toUpperCase())).toEqual(user);
    });

    it("answers undefined for a user that does not exist, or that belongs to another tenant", async () => {
      const { store } = await make();
      const user = userRecord(newId("t"));
      await store.create(user);

      expect(await store.get(user.tenantId, newId("u"))).toBeUndefined();
      expect(await store.get(newId("t"), user.userId)).toBeUndefined();
      expect(await store.findByUserName(`${user.userName}x`)).toBeUndefined();
    });

    it("refuses a user name taken in any tenant, ignoring letter case (USER_NAME_TAKEN), and stores nothing", async () => {
      const { store } = await make();
      const first = userRecord(newId("t"));
      await store.create(first);
      const second = userRecord(newId("t"), { userName: first.userName.toUpperCase() });

      await expect(store.create(second)).rejects.toMatchObject(nameTaken);
      expect(await store.get(second.tenantId, second.userId)).toBeUndefined();
      expect(await store.findByUserName(first.userName)).toEqual(first);
    });

    it("refuses a second user with a taken id (USER_NAME_TAKEN) and leaves the new name unclaimed", async () => {
      const { store } = await make();
      const first = userRecord(newId("t"));
      await store.create(first);
      const again = userRecord(first.tenantId, { userId: first.userId });

      await expect(store.create(again)).rejects.toMatchObject(nameTaken);
      expect(await store.get(first.tenantId, first.userId)).toEqual(first);
      expect(await store.findByUserName(again.userName)).toBeUndefined();
      await expect(
        store.create(userRecord(newId("t"), { userName: again.userName })),
      ).resolves.toBeUndefined();
    });

    it("refuses a user record that does not match the schema, and claims no name", async () => {
      const { store } = await make();
      const user = userRecord(newId("t"), { userId: "not-a-user-id" });

      await expect(store.create(user)).rejects.toBeInstanceOf(ZodError);
      expect(await store.findByUserName(user.userName)).toBeUndefined();
    });

    it("updates a user whose stored version is the one before", async () => {
      const { store } = await make();
      const user = userRecord(newId("t"));
      await store.create(user);
      const locked = {
        ...user,
        loginFailures: { consecutiveFailures: 5, lockedUntil: "2026-11-21T08:30:00.000Z" },
        version: 2,
      };

      await store.update(locked);

      expect(await store.get(user.tenantId, user.userId)).toEqual(locked);
      expect(await store.findByUserName(user.userName)).toEqual(locked);
    });

    versioningContract("user", async () => {
      const { store } = await make();
      const user = userRecord(newId("t"));
      await store.create(user);
      return {
        stored: user,
        unstored: userRecord(newId("t"), { version: 2 }),
        update: (item) => store.update(item),
        get: (item) => store.get(item.tenantId, item.userId),
        edit: (item, displayName) => ({ ...item, displayName }),
      };
    });

    it("lists a tenant's users by user id, in pages, each once, and none of another tenant's", async () => {
      const { store } = await make();
      const tenantId = newId("t");
      const users = Array.from({ length: 5 }, () => userRecord(tenantId));
      for (const user of [...users].reverse()) await store.create(user);
      await store.create(userRecord(newId("t")));

      const pages = await allPages((page) => store.listByTenant(tenantId, page), 2);

      expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
      const order = sorted(users.map((u) => u.userId));
      expect(itemsOf(pages)).toEqual(order.map((id) => users.find((u) => u.userId === id)));
    });

    it("gives a full last page a cursor, like a DynamoDB query, and then an empty page without one", async () => {
      const { store } = await make();
      const tenantId = newId("t");
      for (let i = 0; i < 4; i++) await store.create(userRecord(tenantId));

      const pages = await allPages((page) => store.listByTenant(tenantId, page), 2);

      expect(pages.map((page) => page.items.length)).toEqual([2, 2, 0]);
      expect(pages.map((page) => page.nextCursor === undefined)).toEqual([false, false, true]);
    });

    it("lists nothing, without a cursor, for a tenant without users", async () => {
      const { store } = await make();

      expect(await store.listByTenant(newId("t"), { limit: 10 })).toEqual({ items: [] });
    });

    it("refuses another tenant's cursor, or one it never returned (VALIDATION_FAILED)", async () => {
      const { store } = await make();
      const tenantId = newId("t");
      for (let i = 0; i < 2; i++) await store.create(userRecord(tenantId));
      const { nextCursor } = await store.listByTenant(tenantId, { limit: 1 });

      expect(nextCursor).toBeDefined();
      await expect(store.listByTenant(newId("t"), { limit: 1, cursor: nextCursor })).rejects.toMatchObject({
        code: "VALIDATION_FAILED",
      });
      await expect(store.listByTenant(tenantId, { limit: 1, cursor: "garbage" })).rejects.toMatchObject({
        code: "VALIDATION_FAILED",
      });
    });
  });
}
