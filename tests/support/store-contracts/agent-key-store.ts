import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { newId } from "../../../shared/stores/ids.ts";
import type { AgentKeyStore } from "../../../shared/stores/stores.ts";
import { agentKeyRecord, allPages, at, itemsOf } from "./fixtures.ts";

const conditionFailed = { name: "ConditionalCheckFailedException" };

export function agentKeyStoreContract(name: string, make: () => Promise<{ store: AgentKeyStore }>): void {
  const created = async () => {
    const { store } = await make();
    const key = agentKeyRecord(newId("t"), newId("s"));
    await store.create(key);
    return { store, key };
  };

  describe(`AgentKeyStore contract: ${name}`, () => {
    it("creates a key and reads it back by its id alone", async () => {
      const { store, key } = await created();

      expect(await store.get(key.keyId)).toEqual(key);
    });

    it("answers undefined for a key that does not exist", async () => {
      const { store } = await make();

      expect(await store.get(newId("ak"))).toBeUndefined();
    });

    it("refuses a second key with the same id, as DynamoDB's failed condition, and keeps the first", async () => {
      const { store, key } = await created();

      await expect(store.create({ ...key, name: "another agent" })).rejects.toMatchObject(conditionFailed);
      expect(await store.get(key.keyId)).toEqual(key);
    });

    it("refuses a key record that does not match the schema, and stores nothing", async () => {
      const { store } = await make();
      const key = { ...agentKeyRecord(newId("t"), newId("s")), secretHash: "not-a-sha-256" };

      await expect(store.create(key)).rejects.toBeInstanceOf(ZodError);
      expect(await store.get(key.keyId)).toBeUndefined();
    });

    it("revokes a key, recording when and by whom", async () => {
      const { store, key } = await created();

      await store.revoke(key.keyId, at(5), "u-admin0000001");

      expect(await store.get(key.keyId)).toEqual({ ...key, revokedAt: at(5), revokedBy: "u-admin0000001" });
    });

    it("keeps a key revoked for good: a second revocation changes neither when nor by whom", async () => {
      const { store, key } = await created();
      await store.revoke(key.keyId, at(5), "u-admin0000001");

      await store.revoke(key.keyId, at(9), "u-admin0000002");

      expect(await store.get(key.keyId)).toMatchObject({ revokedAt: at(5), revokedBy: "u-admin0000001" });
    });

    it("refuses to revoke a key that does not exist, as DynamoDB's failed condition, and creates none", async () => {
      const { store } = await make();
      const keyId = newId("ak");

      await expect(store.revoke(keyId, at(5), "u-admin0000001")).rejects.toMatchObject(conditionFailed);
      expect(await store.get(keyId)).toBeUndefined();
    });

    it("lists a system's keys oldest first, in pages, and none of another system or tenant", async () => {
      const { store } = await make();
      const [tenantId, systemId] = [newId("t"), newId("s")];
      const keys = [3, 1, 4, 2].map((minutes) => agentKeyRecord(tenantId, systemId, at(minutes)));
      for (const key of keys) await store.create(key);
      await store.create(agentKeyRecord(tenantId, newId("s")));
      await store.create(agentKeyRecord(newId("t"), systemId));

      const pages = await allPages((page) => store.listBySystem(tenantId, systemId, page), 3);

      expect(pages.map((page) => page.items.length)).toEqual([3, 1]);
      expect(itemsOf(pages)).toEqual([...keys].sort((a, b) => a.createdAt.localeCompare(b.createdAt)));
    });

    it("shows a revoked key in the listing as revoked", async () => {
      const { store, key } = await created();
      await store.revoke(key.keyId, at(5), "u-admin0000001");

      expect((await store.listBySystem(key.tenantId, key.systemId, { limit: 10 })).items).toEqual([
        { ...key, revokedAt: at(5), revokedBy: "u-admin0000001" },
      ]);
    });

    it("gives a full last page a cursor, like a DynamoDB query, and then an empty page without one", async () => {
      const { store, key } = await created();

      const pages = await allPages((page) => store.listBySystem(key.tenantId, key.systemId, page), 1);

      expect(pages.map((page) => [page.items.length, page.nextCursor === undefined])).toEqual([
        [1, false],
        [0, true],
      ]);
    });

    it("refuses another system's cursor, or one it never returned (VALIDATION_FAILED)", async () => {
      const { store, key } = await created();
      await store.create(agentKeyRecord(key.tenantId, key.systemId));
      const { nextCursor } = await store.listBySystem(key.tenantId, key.systemId, { limit: 1 });

      expect(nextCursor).toBeDefined();
      await expect(
        store.listBySystem(key.tenantId, newId("s"), { limit: 1, cursor: nextCursor }),
      ).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      await expect(
        store.listBySystem(newId("t"), key.systemId, { limit: 1, cursor: nextCursor }),
      ).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      await expect(
        store.listBySystem(key.tenantId, key.systemId, { limit: 1, cursor: "garbage" }),
      ).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    });
  });
}
