import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import type { RouteRecord } from "../../../shared/routing/route.ts";
import { DynamoDbRouteStore } from "../../../shared/stores/dynamodb/route-store.ts";
import { MemoryRouteStore } from "../../support/memory-routes.ts";

const db = mockClient(DynamoDBDocumentClient);
const dynamoStore = () =>
  new DynamoDbRouteStore(
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: "cn-north-1" })),
    "policies",
  );
const record = (version: number, activeSite: "primary" | "dr" = "dr"): RouteRecord => ({
  tenantId: "t-1",
  systemId: "s-000000000001",
  activeSite,
  switchId: "sw-1",
  switchedAt: "2026-12-07T06:00:00.000Z",
  adapter: "route53",
  version,
});

describe("the in-memory route store", () => {
  it("has no route until the first switch, then keeps each next version", async () => {
    const routes = new MemoryRouteStore();
    expect(await routes.get("t-1", "s-000000000001")).toBeUndefined();

    await routes.put(record(1));
    await routes.put(record(2, "primary"));

    expect(await routes.get("t-1", "s-000000000001")).toEqual(record(2, "primary"));
  });

  it("refuses a write over a version it did not read with STALE_VERSION", async () => {
    const routes = new MemoryRouteStore();
    await routes.put(record(1));

    await expect(routes.put(record(1))).rejects.toMatchObject({ code: "STALE_VERSION" });
    await expect(routes.put(record(3))).rejects.toMatchObject({ code: "STALE_VERSION" });
  });
});

describe("the DynamoDB route store", () => {
  beforeEach(() => db.reset());

  it("writes the route under TENANT#/ROUTE#, the first one only where none exists", async () => {
    db.on(PutCommand).resolves({});

    await dynamoStore().put(record(1));

    expect(db.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: "policies",
      Item: { pk: "TENANT#t-1", sk: "ROUTE#s-000000000001", ...record(1) },
      ConditionExpression: "attribute_not_exists(pk)",
    });
  });

  it("writes a next version only over the one before it, else STALE_VERSION", async () => {
    db.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: "failed", $metadata: {} }));

    await expect(dynamoStore().put(record(4))).rejects.toMatchObject({ code: "STALE_VERSION" });
    expect(db.commandCalls(PutCommand)[0]?.args[0].input.ExpressionAttributeValues).toEqual({
      ":previous": 3,
    });
  });

  it("reads the route back without its keys", async () => {
    db.on(GetCommand).resolves({ Item: { pk: "TENANT#t-1", sk: "ROUTE#s-000000000001", ...record(2) } });

    expect(await dynamoStore().get("t-1", "s-000000000001")).toEqual(record(2));
    expect(db.commandCalls(GetCommand)[0]?.args[0].input.Key).toEqual({
      pk: "TENANT#t-1",
      sk: "ROUTE#s-000000000001",
    });
  });
});
