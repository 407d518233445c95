import { describe, expect, it } from "vitest";
import { newId } from "../../../shared/stores/ids.ts";
import type { DrillStore } from "../../../shared/stores/stores.ts";
import { allPages, at, drillRecord, itemsOf } from "./fixtures.ts";
import { versioningContract } from "./versioning.ts";

const running = { name: "ConflictError", code: "DRILL_RUNNING" };

export function drillStoreContract(name: string, make: () => Promise<{ store: DrillStore }>): void {
  const started = async (overrides: Parameters<typeof drillRecord>[2] = {}) => {
    const { store } = await make();
    const drill = drillRecord(newId("t"), newId("s"), overrides);
    await store.start(drill, new Date(Date.parse(drill.startedAt) + 3_600_000));
    return { store, drill };
  };

  describe(`DrillStore contract: ${name}`, () => {
    it("starts a drill at version 1 and reads it back; another system's or tenant's id finds nothing", async () => {
      const { store, drill } = await started();

      expect(await store.get(drill.tenantId, drill.systemId, drill.drillId)).toEqual(drill);
      expect(await store.get(drill.tenantId, newId("s"), drill.drillId)).toBeUndefined();
      expect(await store.get(newId("t"), drill.systemId, drill.drillId)).toBeUndefined();
    });

    it("refuses a second drill of a running system (DRILL_RUNNING, naming the first) and stores nothing", async () => {
      const { store, drill } = await started();
      const second = drillRecord(drill.tenantId, drill.systemId, { startedAt: at(5) });

      const refusal = store.start(second, new Date(Date.parse(at(60))));
      await expect(refusal).rejects.toMatchObject(running);
      await expect(refusal).rejects.toThrow(drill.drillId);
      expect(await store.get(second.tenantId, second.systemId, second.drillId)).toBeUndefined();
    });

    it("lets the next drill start once the running one has finished, or its slot has expired", async () => {
      const { store, drill } = await started();
      await store.update({ ...drill, status: "completed", verdict: "PASS", version: 2 });
      const next = drillRecord(drill.tenantId, drill.systemId, { startedAt: at(5) });
      await store.start(next, new Date(Date.parse(at(10))));

      // `next` never gives its slot back; a drill after its slot's end may start.
      const late = drillRecord(drill.tenantId, drill.systemId, { startedAt: at(11) });
      await store.start(late, new Date(Date.parse(at(70))));
      expect(await store.get(late.tenantId, late.systemId, late.drillId)).toEqual(late);
    });

    it("runs drills of two systems of one unit at the same time", async () => {
      const { store, drill } = await started();
      const other = drillRecord(drill.tenantId, newId("s"));

      await store.start(other, new Date(Date.parse(at(60))));
      expect(await store.get(other.tenantId, other.systemId, other.drillId)).toEqual(other);
    });

    it("lists a system's drills newest first, in pages", async () => {
      const { store } = await make();
      const tenantId = newId("t");
      const systemId = newId("s");
      const drills = [0, 1, 2].map((i) => drillRecord(tenantId, systemId, { startedAt: at(i * 10) }));
      for (const drill of drills) {
        await store.start(drill, new Date(Date.parse(drill.startedAt) + 60_000));
        await store.update({ ...drill, status: "failed", version: 2 });
      }

      const listed = await allPages((page) => store.list(tenantId, systemId, page), 2);
      expect(itemsOf(listed).map((d) => d.drillId)).toEqual(drills.map((d) => d.drillId).reverse());
      expect((await store.list(newId("t"), systemId, { limit: 5 })).items).toEqual([]);
    });

    versioningContract("drill", async () => {
      const { store, drill } = await started();
      return {
        stored: drill,
        unstored: drillRecord(drill.tenantId, drill.systemId, { version: 2 }),
        update: (item) => store.update(item),
        get: (item) => store.get(item.tenantId, item.systemId, item.drillId),
        edit: (item, text) => ({ ...item, requestedBy: text }),
      };
    });
  });
}
