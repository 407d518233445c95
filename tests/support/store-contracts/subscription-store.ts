import { describe, expect, it } from "vitest";
import type { SubscriptionStore } from "../../../shared/notifications/notification-service.ts";
import type { Subscription } from "../../../shared/notifications/subscription.ts";
import { newId } from "../../../shared/stores/ids.ts";
import { allPages, at, itemsOf } from "./fixtures.ts";

const subscription = (tenantId: string, minutes: number): Subscription => ({
  tenantId,
  subscriptionId: newId("n"),
  protocol: "email",
  endpoint: "duty@hrss.example.gov.cn",
  kinds: ["drill-result", "rpo-breach"],
  snsSubscriptionArn: `arn:aws:sns:cn-north-1:000000000000:govdr-notifications:${newId("n")}`,
  createdAt: at(minutes),
  createdBy: newId("u"),
});

export function subscriptionStoreContract(
  name: string,
  make: () => Promise<{ store: SubscriptionStore }>,
): void {
  describe(`SubscriptionStore contract: ${name}`, () => {
    it("lists a unit's subscriptions oldest first, in pages, and not another unit's", async () => {
      const { store } = await make();
      const tenantId = newId("t");
      const made = [0, 1, 2].map((minutes) => subscription(tenantId, minutes));
      for (const each of made) await store.create(each);
      await store.create(subscription(newId("t"), 0));

      expect(itemsOf(await allPages((page) => store.list(tenantId, page), 2))).toEqual(made);
      expect(await store.get(tenantId, made[0]?.subscriptionId ?? "")).toEqual(made[0]);
      expect(await store.get(newId("t"), made[0]?.subscriptionId ?? "")).toBeUndefined();
    });

    it("keeps a removed subscription, marked with who removed it when, out of the listing", async () => {
      const { store } = await make();
      const tenantId = newId("t");
      const kept = subscription(tenantId, 0);
      const removed = subscription(tenantId, 1);
      await store.create(kept);
      await store.create(removed);

      await store.markRemoved(tenantId, removed.subscriptionId, at(5), "u-remover00001");

      expect((await store.list(tenantId, { limit: 10 })).items).toEqual([kept]);
      expect(await store.get(tenantId, removed.subscriptionId)).toMatchObject({
        ...removed,
        removedAt: at(5),
        removedBy: "u-remover00001",
      });
    });
  });
}
