import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from "@aws-sdk/client-route-53";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FailoverPolicy } from "../../shared/policies/policy-schema.ts";
import type { RouteTarget } from "../../shared/routing/route.ts";
import { Route53Adapter } from "../../shared/routing/route53-adapter.ts";
import { signWebhook } from "../../shared/routing/webhook-signing.ts";
import { DynamoDbRouteStore } from "../../shared/stores/dynamodb/route-store.ts";
import { DynamoDbWebhookSecretStore } from "../../shared/stores/dynamodb/webhook-secret-store.ts";
import { clientConfig, localStack, uniqueName } from "./support/emulator.ts";

const route53 = new Route53Client(clientConfig());
const db = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig()));
const kms = new KMSClient(clientConfig());

async function hostedZone(): Promise<{ zoneId: string; zoneName: string }> {
  const zoneName = `${uniqueName("dr")}.example.gov.cn`;
  const { HostedZone } = await route53.send(
    new CreateHostedZoneCommand({ Name: zoneName, CallerReference: uniqueName("ref") }),
  );
  const zoneId = HostedZone?.Id?.replace(/^\/hostedzone\//, "");
  if (!zoneId) throw new Error("CreateHostedZone returned no id");
  return { zoneId, zoneName };
}

const failoverPolicy = (zoneId: string, recordName: string): FailoverPolicy => ({
  mode: "manual",
  approvalRequired: true,
  adapter: "route53",
  route53: {
    hostedZoneId: zoneId,
    recordName,
    recordType: "CNAME",
    primaryTarget: "primary-lb.example.gov.cn",
    drTarget: "dr-lb.example.gov.cn",
    ttlSeconds: 30,
  },
});

async function answers(zoneId: string, recordName: string) {
  const { ResourceRecordSets = [] } = await route53.send(
    new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }),
  );
  return ResourceRecordSets.filter((set) => set.Name?.replace(/\.$/, "") === recordName).map((set) => ({
    setIdentifier: set.SetIdentifier,
    failover: set.Failover,
    values: set.ResourceRecords?.map((record) => record.Value),
  }));
}

describe("the route53 adapter against the emulator", () => {
  const submitted = vi.fn();
  beforeEach(() => {
    route53.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === ChangeResourceRecordSetsCommand.name) submitted();
        return next(args);
      },
      { step: "initialize", name: "countChanges" },
    );
  });
  afterEach(() => {
    route53.middlewareStack.remove("countChanges");
    submitted.mockClear();
  });

  it("switches to dr, adds no change when asked again, and switches back", async () => {
    const { zoneId, zoneName } = await hostedZone();
    const recordName = `app.${zoneName}`;
    const target: RouteTarget = {
      tenantId: "t-route",
      systemId: "s-000000000001",
      switchId: uniqueName("sw"),
      policy: failoverPolicy(zoneId, recordName),
    };
    const adapter = new Route53Adapter(route53, { pollIntervalMs: 100, insyncTimeoutMs: 10_000 });

    const toDr = await adapter.switchTo(target, "dr");
    expect(toDr.detail).toContain("INSYNC");
    expect(await answers(zoneId, recordName)).toEqual([
      {
        setIdentifier: "govdr-s-000000000001-primary",
        failover: "PRIMARY",
        values: ["dr-lb.example.gov.cn"],
      },
      {
        setIdentifier: "govdr-s-000000000001-secondary",
        failover: "SECONDARY",
        values: ["primary-lb.example.gov.cn"],
      },
    ]);
    expect(submitted).toHaveBeenCalledTimes(1);

    const again = await adapter.switchTo(target, "dr");
    expect(again.detail).toContain("no change submitted");
    expect(submitted).toHaveBeenCalledTimes(1);

    await adapter.switchTo({ ...target, switchId: uniqueName("sw") }, "primary");
    expect(submitted).toHaveBeenCalledTimes(2);
    expect(await answers(zoneId, recordName)).toEqual([
      {
        setIdentifier: "govdr-s-000000000001-primary",
        failover: "PRIMARY",
        values: ["primary-lb.example.gov.cn"],
      },
      {
        setIdentifier: "govdr-s-000000000001-secondary",
        failover: "SECONDARY",
        values: ["dr-lb.example.gov.cn"],
      },
    ]);
  });

  it("fails with RouteSwitchFailedError for a hosted zone that does not exist", async () => {
    const adapter = new Route53Adapter(route53, { pollIntervalMs: 100, insyncTimeoutMs: 10_000 });
    const target: RouteTarget = {
      tenantId: "t-route",
      systemId: "s-000000000001",
      switchId: uniqueName("sw"),
      policy: failoverPolicy("ZNOSUCHZONE0000", "app.example.gov.cn"),
    };

    await expect(adapter.switchTo(target, "dr")).rejects.toMatchObject({
      name: "RouteSwitchFailedError",
      cause: expect.objectContaining({ name: "NoSuchHostedZone" }),
    });
  });
});

describe("the route and webhook secret stores against the deployed Policies table", () => {
  it("keeps a system's route with optimistic versions", async () => {
    const routes = new DynamoDbRouteStore(db, localStack().policiesTable);
    const tenantId = uniqueName("t");
    const record = {
      tenantId,
      systemId: "s-000000000001",
      activeSite: "dr" as const,
      switchId: "sw-1",
      switchedAt: new Date().toISOString(),
      adapter: "record" as const,
      version: 1,
    };

    expect(await routes.get(tenantId, "s-000000000001")).toBeUndefined();
    await routes.put(record);
    await expect(routes.put(record)).rejects.toMatchObject({ code: "STALE_VERSION" });
    await routes.put({ ...record, activeSite: "primary", fencedSite: "dr", version: 2 });

    expect(await routes.get(tenantId, "s-000000000001")).toEqual({
      ...record,
      activeSite: "primary",
      fencedSite: "dr",
      version: 2,
    });
  });

  it("rotates a KMS-encrypted signing secret, reads it back, and a rotation replaces it", async () => {
    const table = localStack().policiesTable;
    const { KeyMetadata } = await kms.send(
      new CreateKeyCommand({ Description: "govdr route-adapters test" }),
    );
    const keyId = KeyMetadata?.KeyId;
    if (!keyId) throw new Error("CreateKey returned no key id");
    const secrets = new DynamoDbWebhookSecretStore(db, kms, table, { keyIdOf: async () => keyId });
    const tenantId = uniqueName("t");

    expect(await secrets.get(tenantId, "s-000000000001")).toBeUndefined();
    const shown = await secrets.rotate(tenantId, "s-000000000001");
    const secret = await secrets.get(tenantId, "s-000000000001");
    expect(secret?.toString("base64url")).toBe(shown);
    expect(secret && signWebhook(secret, 1, "{}")).toBe(
      signWebhook(Buffer.from(shown, "base64url"), 1, "{}"),
    );

    const { Item } = await db.send(
      new GetCommand({
        TableName: table,
        Key: { pk: `TENANT#${tenantId}`, sk: "WEBHOOK_SECRET#s-000000000001" },
      }),
    );
    expect(JSON.stringify(Item)).not.toContain(shown);
    expect(Item).toMatchObject({ keyId, createdAt: expect.any(String) });

    const next = await secrets.rotate(tenantId, "s-000000000001");
    expect(next).not.toBe(shown);
    expect((await secrets.get(tenantId, "s-000000000001"))?.toString("base64url")).toBe(next);
    // A copy of the item under another system's key is refused: KMS binds it to its own system.
    await db.send(
      new PutCommand({
        TableName: table,
        Item: { ...Item, sk: "WEBHOOK_SECRET#s-000000000002", systemId: "s-000000000002" },
      }),
    );
    await expect(secrets.get(tenantId, "s-000000000002")).rejects.toMatchObject({
      name: "InvalidCiphertextException",
    });
  });
});
