import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  Route53Client,
  ThrottlingException,
} from "@aws-sdk/client-route-53";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import type { FailoverPolicy } from "../../../shared/policies/policy-schema.ts";
import { RouteSwitchFailedError } from "../../../shared/routing/errors.ts";
import type { RouteTarget } from "../../../shared/routing/route.ts";
import { Route53Adapter } from "../../../shared/routing/route53-adapter.ts";

const route53 = mockClient(Route53Client);
const policy: FailoverPolicy = {
  mode: "manual",
  approvalRequired: true,
  adapter: "route53",
  route53: {
    hostedZoneId: "/hostedzone/Z0123456789ABC",
    recordName: "app.example.gov.cn",
    recordType: "CNAME",
    primaryTarget: "primary-lb.example.gov.cn",
    drTarget: "dr-lb.example.gov.cn",
    ttlSeconds: 30,
  },
};
const target: RouteTarget = { tenantId: "t-1", systemId: "s-000000000001", switchId: "sw-1", policy };
const adapter = () =>
  new Route53Adapter(new Route53Client({ region: "cn-north-1" }), {
    pollIntervalMs: 1,
    insyncTimeoutMs: 200,
  });

const failoverSet = (role: "PRIMARY" | "SECONDARY", value: string): ResourceRecordSet => ({
  Name: "app.example.gov.cn.",
  Type: "CNAME",
  SetIdentifier: `govdr-s-000000000001-${role.toLowerCase()}`,
  Failover: role,
  TTL: 30,
  ResourceRecords: [{ Value: value }],
});
const listing = (...sets: ResourceRecordSet[]) => ({
  ResourceRecordSets: sets,
  IsTruncated: false,
  MaxItems: 10,
});

describe("the route53 adapter", () => {
  beforeEach(() => {
    route53.reset();
    route53.on(ChangeResourceRecordSetsCommand).resolves({
      ChangeInfo: { Id: "/change/C1", Status: "PENDING", SubmittedAt: new Date() },
    });
    route53
      .on(GetChangeCommand)
      .resolvesOnce({ ChangeInfo: { Id: "/change/C1", Status: "PENDING", SubmittedAt: new Date() } })
      .resolves({ ChangeInfo: { Id: "/change/C1", Status: "INSYNC", SubmittedAt: new Date() } });
  });

  it("points the PRIMARY failover record at the serving site and the SECONDARY at the other, then waits for INSYNC", async () => {
    route53.on(ListResourceRecordSetsCommand).resolves(listing());

    const { detail } = await adapter().switchTo(target, "dr");

    const input = route53.commandCalls(ChangeResourceRecordSetsCommand)[0]?.args[0].input;
    expect(input?.HostedZoneId).toBe("Z0123456789ABC");
    expect(input?.ChangeBatch?.Changes).toEqual([
      {
        Action: "UPSERT",
        ResourceRecordSet: { ...failoverSet("PRIMARY", "dr-lb.example.gov.cn"), Name: "app.example.gov.cn" },
      },
      {
        Action: "UPSERT",
        ResourceRecordSet: {
          ...failoverSet("SECONDARY", "primary-lb.example.gov.cn"),
          Name: "app.example.gov.cn",
        },
      },
    ]);
    expect(route53.commandCalls(GetChangeCommand).map((call) => call.args[0].input.Id)).toEqual(["C1", "C1"]);
    expect(detail).toContain("dr-lb.example.gov.cn");
    expect(detail).toContain("INSYNC");
  });

  it("submits no change when the records already point where asked (a retried switch)", async () => {
    route53
      .on(ListResourceRecordSetsCommand)
      .resolves(
        listing(
          failoverSet("PRIMARY", "DR-LB.example.gov.cn."),
          failoverSet("SECONDARY", "primary-lb.example.gov.cn"),
        ),
      );

    const { detail } = await adapter().switchTo(target, "dr");

    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
    expect(detail).toContain("no change submitted");
  });

  it("switches back by swapping the values of the same two record sets", async () => {
    route53
      .on(ListResourceRecordSetsCommand)
      .resolves(
        listing(
          failoverSet("PRIMARY", "dr-lb.example.gov.cn"),
          failoverSet("SECONDARY", "primary-lb.example.gov.cn"),
        ),
      );

    await adapter().switchTo(target, "primary");

    const changes = route53.commandCalls(ChangeResourceRecordSetsCommand)[0]?.args[0].input.ChangeBatch
      ?.Changes;
    expect(
      changes?.map((c) => [c.ResourceRecordSet?.SetIdentifier, c.ResourceRecordSet?.ResourceRecords]),
    ).toEqual([
      ["govdr-s-000000000001-primary", [{ Value: "primary-lb.example.gov.cn" }]],
      ["govdr-s-000000000001-secondary", [{ Value: "dr-lb.example.gov.cn" }]],
    ]);
  });

  it("replaces a plain record of the same name in the same batch, and ignores other names' records", async () => {
    const plain = {
      Name: "app.example.gov.cn.",
      Type: "CNAME" as const,
      TTL: 300,
      ResourceRecords: [{ Value: "primary-lb.example.gov.cn" }],
    };
    route53.on(ListResourceRecordSetsCommand).resolves(
      listing(plain, {
        Name: "b.example.gov.cn.",
        Type: "CNAME",
        TTL: 60,
        ResourceRecords: [{ Value: "x" }],
      }),
    );

    const { detail } = await adapter().switchTo(target, "dr");

    const changes = route53.commandCalls(ChangeResourceRecordSetsCommand)[0]?.args[0].input.ChangeBatch
      ?.Changes;
    expect(changes?.map((c) => c.Action)).toEqual(["DELETE", "UPSERT", "UPSERT"]);
    expect(changes?.[0]?.ResourceRecordSet).toEqual(plain);
    expect(detail).toContain("plain record");
  });

  it("follows the listing's pages while they hold the record's name and type", async () => {
    route53
      .on(ListResourceRecordSetsCommand)
      .resolvesOnce({
        ...listing(failoverSet("PRIMARY", "dr-lb.example.gov.cn")),
        IsTruncated: true,
        NextRecordName: "app.example.gov.cn.",
        NextRecordType: "CNAME",
        NextRecordIdentifier: "govdr-s-000000000001-secondary",
      })
      .resolves(listing(failoverSet("SECONDARY", "primary-lb.example.gov.cn")));

    await adapter().switchTo(target, "dr");

    const pages = route53.commandCalls(ListResourceRecordSetsCommand).map((call) => call.args[0].input);
    expect(pages.map((page) => page.StartRecordIdentifier)).toEqual([
      undefined,
      "govdr-s-000000000001-secondary",
    ]);
    expect(route53.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
  });

  it("fails with RouteSwitchFailedError, its cause attached, when Route 53 refuses the change", async () => {
    route53.on(ListResourceRecordSetsCommand).resolves(listing());
    const refused = new InvalidChangeBatch({ message: "RRSet conflicts", $metadata: {} });
    route53.on(ChangeResourceRecordSetsCommand).rejects(refused);

    const error = await adapter()
      .switchTo(target, "dr")
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RouteSwitchFailedError);
    expect((error as Error).name).toBe("RouteSwitchFailedError");
    expect((error as Error).cause).toBe(refused);
    expect((error as Error).message).toContain("RRSet conflicts");
  });

  it("lets throttling through unchanged, for the task's own retry", async () => {
    route53
      .on(ListResourceRecordSetsCommand)
      .rejects(new ThrottlingException({ message: "Rate exceeded", $metadata: {} }));

    await expect(adapter().switchTo(target, "dr")).rejects.toMatchObject({ name: "ThrottlingException" });
  });

  it("fails with RouteSwitchFailedError when the change is not INSYNC before the deadline", async () => {
    route53.on(ListResourceRecordSetsCommand).resolves(listing());
    route53
      .on(GetChangeCommand)
      .resolves({ ChangeInfo: { Id: "C1", Status: "PENDING", SubmittedAt: new Date() } });

    await expect(adapter().switchTo(target, "dr")).rejects.toThrow(/not INSYNC after 0.2 s/);
  });

  it("fails with RouteSwitchFailedError when the policy has no route53 settings", async () => {
    await expect(
      adapter().switchTo({ ...target, policy: { ...policy, route53: undefined } }, "dr"),
    ).rejects.toBeInstanceOf(RouteSwitchFailedError);
  });

  it("answers a site action without calling Route 53", async () => {
    const { detail } = await adapter().act(target, "fence", "primary");

    expect(route53.calls()).toHaveLength(0);
    expect(detail).toContain("no channel to the unit's hosts");
  });
});
