import { Route53Client } from "@aws-sdk/client-route-53";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import type { FailoverPolicy } from "../../../shared/policies/policy-schema.ts";
import { routeAdapterFor } from "../../../shared/routing/adapters.ts";
import { recordAdapter } from "../../../shared/routing/record-adapter.ts";
import { Route53Adapter } from "../../../shared/routing/route53-adapter.ts";
import { WebhookAdapter } from "../../../shared/routing/webhook-adapter.ts";

const route53 = mockClient(Route53Client);
const deps = {
  route53: new Route53Client({ region: "cn-north-1" }),
  secrets: { rotate: async () => "", get: async () => undefined },
  allowLoopback: false,
};
const policy = (adapter: FailoverPolicy["adapter"]): FailoverPolicy => ({
  mode: "manual",
  approvalRequired: true,
  adapter,
});

describe("routeAdapterFor", () => {
  it("gives the adapter the policy names", () => {
    expect(routeAdapterFor(policy("route53"), deps)).toBeInstanceOf(Route53Adapter);
    expect(routeAdapterFor(policy("webhook"), deps)).toBeInstanceOf(WebhookAdapter);
    expect(routeAdapterFor(policy("record"), deps)).not.toBeInstanceOf(Route53Adapter);
  });
});

describe("the record adapter", () => {
  const target = { tenantId: "t-1", systemId: "s-000000000001", switchId: "sw-1", policy: policy("record") };

  it("switches by the routing table alone, calling nothing outside", async () => {
    const { detail } = await recordAdapter().switchTo(target, "dr");

    expect(detail).toContain("served by the dr site");
    expect(route53.calls()).toHaveLength(0);
  });

  it("answers a site action as recorded, with no channel to the unit's hosts", async () => {
    const { detail } = await recordAdapter().act(target, "promote", "dr");

    expect(detail).toContain("promote of the dr site recorded");
  });
});
