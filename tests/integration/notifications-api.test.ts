import { GetSubscriptionAttributesCommand, SNSClient } from "@aws-sdk/client-sns";
import { describe, expect, it } from "vitest";
import { call } from "./support/api.ts";
import { clientConfig } from "./support/emulator.ts";
import { tenantWithAuditor } from "./support/seed.ts";

describe("notification subscriptions (issue #18 item 8, 000 §7.5.3(5))", () => {
  it("subscribes email, SMS and HTTPS endpoints to the unit's own notifications only, lists and removes them", async () => {
    const unit = await tenantWithAuditor();
    const bodies = [
      { protocol: "email", endpoint: "duty@hrss.example.gov.cn" },
      { protocol: "sms", endpoint: "+8613800138000", kinds: ["rpo-breach"] },
      { protocol: "https", endpoint: "https://ops.example.gov.cn/govdr-hook" },
    ];
    const created = [];
    for (const body of bodies) {
      const answer = await call("POST", "/notifications/subscriptions", { token: unit.admin.token, body });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      created.push(answer.body);
    }

    const sns = new SNSClient(clientConfig());
    const { Attributes } = await sns.send(
      new GetSubscriptionAttributesCommand({ SubscriptionArn: created[1]?.snsSubscriptionArn as string }),
    );
    // The unit's own topic, so no other unit's subscription can meet it; filtered to the kinds chosen.
    expect(Attributes?.TopicArn).toMatch(new RegExp(`:govdr-tenant-${unit.tenant.tenantId}$`));
    expect(JSON.parse(Attributes?.FilterPolicy ?? "{}")).toEqual({ kind: ["rpo-breach"] });
    const twice = await call("POST", "/notifications/subscriptions", {
      token: unit.admin.token,
      body: bodies[0],
    });
    expect(twice).toMatchObject({ status: 409, body: { code: "CONFLICT" } });
    const listed = await call("GET", "/notifications/subscriptions", { token: unit.auditor.token });
    expect((listed.body.items as { protocol: string }[]).map((s) => s.protocol)).toEqual([
      "email",
      "sms",
      "https",
    ]);
    const auditorRemoves = await call(
      "POST",
      `/notifications/subscriptions/${created[0]?.subscriptionId}/remove`,
      {
        token: unit.auditor.token,
      },
    );
    expect(auditorRemoves.status).toBe(403);

    const removed = await call("POST", `/notifications/subscriptions/${created[0]?.subscriptionId}/remove`, {
      token: unit.admin.token,
    });
    const again = await call("POST", `/notifications/subscriptions/${created[0]?.subscriptionId}/remove`, {
      token: unit.admin.token,
    });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(again.status).toBe(404);
    const after = await call("GET", "/notifications/subscriptions", { token: unit.admin.token });
    expect((after.body.items as { protocol: string }[]).map((s) => s.protocol)).toEqual(["sms", "https"]);
  });

  it("refuses an address of the wrong form, plain HTTP and an unknown kind with 400 naming the field", async () => {
    const unit = await tenantWithAuditor();
    for (const [body, field] of [
      [{ protocol: "email", endpoint: "not-an-address" }, "endpoint"],
      [{ protocol: "sms", endpoint: "13800138000" }, "endpoint"],
      [{ protocol: "https", endpoint: "http://ops.example.gov.cn/hook" }, "endpoint"],
      [{ protocol: "email", endpoint: "duty@example.gov.cn", kinds: ["everything"] }, "kinds"],
      [{ protocol: "pager", endpoint: "1234" }, "protocol"],
    ] as const) {
      const answer = await call("POST", "/notifications/subscriptions", { token: unit.admin.token, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(answer.body.fieldErrors)).toContain(field);
    }
    const listed = await call("GET", "/notifications/subscriptions", { token: unit.admin.token });
    expect(listed.body.items).toEqual([]);
  });
});
