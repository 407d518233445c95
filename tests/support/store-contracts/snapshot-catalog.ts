import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { newId } from "../../../shared/stores/ids.ts";
import type { SnapshotCatalog } from "../../../shared/stores/stores.ts";
import { allPages, at, itemsOf, snapshotRecord } from "./fixtures.ts";

export function snapshotCatalogContract(name: string, make: () => Promise<{ store: SnapshotCatalog }>): void {
  const added = async () => {
    const { store } = await make();
    const record = snapshotRecord(newId("t"), newId("s"));
    expect(await store.add(record)).toEqual({ created: true });
    return { store, record };
  };

  describe(`SnapshotCatalog contract: ${name}`, () => {
    it("adds a record ({ created: true }) and reads it back", async () => {
      const { store, record } = await added();

      expect(await store.get(record.tenantId, record.systemId, record.snapshotId)).toEqual(record);
    });

    it("answers undefined for a snapshot that does not exist, or of another system or tenant", async () => {
      const { store, record } = await added();

      expect(await store.get(record.tenantId, record.systemId, "0000000000000000")).toBeUndefined();
      expect(await store.get(record.tenantId, newId("s"), record.snapshotId)).toBeUndefined();
      expect(await store.get(newId("t"), record.systemId, record.snapshotId)).toBeUndefined();
    });

    it("adds a snapshot id once: a repeat answers { created: false } with the stored record, unchanged", async () => {
      const { store, record } = await added();
      const differing = { ...record, merkleRoot: "c".repeat(64) };

      expect(await store.add(record)).toEqual({ created: false, existing: record });
      expect(await store.add(differing)).toEqual({ created: false, existing: record });
      expect(await store.get(record.tenantId, record.systemId, record.snapshotId)).toEqual(record);
    });

    it("keeps the same snapshot id of two systems as two records", async () => {
      const { store, record } = await added();
      const other = snapshotRecord(record.tenantId, newId("s"), { snapshotId: record.snapshotId });

      expect(await store.add(other)).toEqual({ created: true });
      expect(await store.get(other.tenantId, other.systemId, other.snapshotId)).toEqual(other);
    });

    it("refuses a record that does not match the schema, and stores nothing", async () => {
      const { store } = await make();
      const record = snapshotRecord(newId("t"), newId("s"), { merkleRoot: "not-a-sha-256" });

      await expect(store.add(record)).rejects.toBeInstanceOf(ZodError);
      expect(await store.get(record.tenantId, record.systemId, record.snapshotId)).toBeUndefined();
    });

    it("lists a system's snapshots newest first (equal times by id, highest first), in pages", async () => {
      const { store } = await make();
      const [tenantId, systemId] = [newId("t"), newId("s")];
      const records = [
        snapshotRecord(tenantId, systemId, { snapshotId: "00000000000000aa", time: at(10) }),
        snapshotRecord(tenantId, systemId, { snapshotId: "00000000000000ff", time: at(30) }),
        snapshotRecord(tenantId, systemId, { snapshotId: "00000000000000bb", time: at(20) }),
        snapshotRecord(tenantId, systemId, { snapshotId: "00000000000000cc", time: at(20) }),
        snapshotRecord(tenantId, systemId, { snapshotId: "0000000000000001", time: at(40) }),
      ];
      for (const record of records) await store.add(record);
      await store.add(snapshotRecord(tenantId, newId("s"), { time: at(50) }));
      await store.add(snapshotRecord(newId("t"), systemId, { time: at(50) }));

      const pages = await allPages((page) => store.list(tenantId, systemId, page), 2);

      expect(pages.map((page) => page.items.map((r) => r.snapshotId))).toEqual([
        ["0000000000000001", "00000000000000ff"],
        ["00000000000000cc", "00000000000000bb"],
        ["00000000000000aa"],
      ]);
      expect(itemsOf(pages)[0]).toEqual(records[4]);
    });

    it("gives a full last page a cursor, like a DynamoDB query, and then an empty page without one", async () => {
      const { store, record } = await added();

      const pages = await allPages((page) => store.list(record.tenantId, record.systemId, page), 1);

      expect(pages.map((page) => [page.items.length, page.nextCursor === undefined])).toEqual([
        [1, false],
        [0, true],
      ]);
    });

    it("refuses another system's cursor, or one it never returned (VALIDATION_FAILED)", async () => {
      const { store, record } = await added();
      await store.add(snapshotRecord(record.tenantId, record.systemId, { time: at(5) }));
      const { nextCursor } = await store.list(record.tenantId, record.systemId, { limit: 1 });

      expect(nextCursor).toBeDefined();
      await expect(
        store.list(record.tenantId, newId("s"), { limit: 1, cursor: nextCursor }),
      ).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      await expect(
        store.list(record.tenantId, record.systemId, { limit: 1, cursor: "garbage" }),
      ).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    });
  });
}
