import { describe, expect, it } from "vitest";
import {
  NotificationService,
  subscriptionLimit,
} from "../../../shared/notifications/notification-service.ts";
import { MemoryStores } from "../../support/memory-stores.ts";

function service() {
  const stores = new MemoryStores();
  const subscribed: { tenantId: string; kinds: string[] }[] = [];
  const unsubscribed: string[] = [];
  const notifications = new NotificationService({
    subscriptions: stores.subscriptions,
    topic: {
      subscribe: async (tenantId, request) => {
        subscribed.push({ tenantId, kinds: request.kinds });
        return `arn:aws:sns:cn-north-1:1:govdr-tenant-${tenantId}:${subscribed.length}`;
      },
      unsubscribe: async (arn) => void unsubscribed.push(arn),
    },
    now: () => new Date("2026-12-07T02:00:00Z"),
  });
  return { notifications, subscribed, unsubscribed };
}

const admin = { tid: "t-000000000001", sub: "u-admin0000001" };

describe("notification subscriptions (000 §7.5.3(5))", () => {
  it("subscribes to every kind unless told, and removes through SNS, keeping the record", async () => {
    const { notifications, subscribed, unsubscribed } = service();

    const made = await notifications.subscribe(admin, { protocol: "email", endpoint: "duty@example.gov.cn" });
    await notifications.remove(admin, made.subscriptionId);

    expect(subscribed).toEqual([
      { tenantId: admin.tid, kinds: ["drill-result", "rpo-breach", "rpo-restored", "job-failed"] },
    ]);
    expect(unsubscribed).toEqual([made.snsSubscriptionArn]);
    expect((await notifications.list(admin, { limit: 10 })).items).toEqual([]);
    await expect(notifications.remove(admin, made.subscriptionId)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("refuses the same endpoint twice, more than the limit, and another unit's subscription", async () => {
    const { notifications } = service();
    const first = await notifications.subscribe(admin, { protocol: "sms", endpoint: "+8613800138000" });

    await expect(
      notifications.subscribe(admin, { protocol: "sms", endpoint: "+8613800138000" }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
    });
    for (let i = 1; i < subscriptionLimit; i++) {
      await notifications.subscribe(admin, { protocol: "email", endpoint: `duty${i}@example.gov.cn` });
    }
    await expect(
      notifications.subscribe(admin, { protocol: "email", endpoint: "one@example.gov.cn" }),
    ).rejects.toMatchObject({
      code: "QUOTA_EXCEEDED",
    });
    await expect(
      notifications.remove({ tid: "t-000000000002", sub: "u-other0000001" }, first.subscriptionId),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
