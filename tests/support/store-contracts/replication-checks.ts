import { describe, expect, it } from "vitest";
import type { ReplicationCheck } from "../../../shared/replication/replication-check.ts";
import type { ReplicationCheckStore } from "../../../shared/replication/replication-monitor.ts";
import { newId } from "../../../shared/stores/ids.ts";
import { allPages, at, itemsOf } from "./fixtures.ts";

const check = (tenantId: string, systemId: string, minutes: number): ReplicationCheck => ({
  tenantId,
  systemId,
  checkedAt: at(minutes),
  mode: "native",
  achievableRpoSeconds: 120 + minutes * 60,
  targetRpoSeconds: 3600,
  newestReplicatedSnapshot: { snapshotId: "00000000000000aa", takenAt: at(-2) },
  newestSnapshot: { snapshotId: "00000000000000ab", takenAt: at(minutes) },
  lagBytes: 1024,
  lagObjects: 1,
  status: "ok",
});

export function replicationCheckStoreContract(
  name: string,
  make: () => Promise<{ store: ReplicationCheckStore }>,
): void {
  describe(`ReplicationCheckStore contract: ${name}`, () => {
    it("keeps every check of a system and lists them newest first, in pages; other systems' apart", async () => {
      const { store } = await make();
      const tenantId = newId("t");
      const systemId = newId("s");
      const checks = [0, 1, 2].map((minutes) => check(tenantId, systemId, minutes));
      for (const each of checks) await store.record(each);
      await store.record(check(tenantId, newId("s"), 5));

      const listed = itemsOf(await allPages((page) => store.history(tenantId, systemId, page), 2));
      expect(listed).toEqual([...checks].reverse());
      expect((await store.history(newId("t"), systemId, { limit: 5 })).items).toEqual([]);
    });

    it("refuses a check that does not match the schema", async () => {
      const { store } = await make();
      await expect(store.record({ ...check(newId("t"), newId("s"), 0), lagBytes: -1 })).rejects.toThrow();
    });
  });
}
