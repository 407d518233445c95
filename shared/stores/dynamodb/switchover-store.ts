import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { ConflictError } from "../../errors.ts";
import { isEnded, type Switchover, switchoverSchema, systemsOf } from "../../failover/switchover.ts";
import type { SwitchoverStore } from "../../failover/switchover-store.ts";
import type { Page } from "../page.ts";
import { cancellationReasons, isConditionFailure } from "./keys.ts";
import { putIfVersion, queryPage, storedItem } from "./operations.ts";

const switchKey = (tenantId: string, switchId: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `SWITCHOVER#${switchId}`,
});
const announcedKey = (tenantId: string, switchId: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `SWITCHOVER_ANNOUNCED#${switchId}`,
});
const tokenKey = (tenantId: string, switchId: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `SWITCHOVER_TOKEN#${switchId}`,
});
const switchesOfTenant = (tenantId: string) => `SWITCHOVERS#${tenantId}`;
/** Which switchover holds the system now, until when at the latest; listed by expiry for the sweep. */
const slotKey = (tenantId: string, systemId: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `SWITCH_SLOT#${systemId}`,
});
const heldSlots = "SWITCH_SLOTS_HELD";
/** Approval gates that are open, by deadline. */
const openApprovals = "SWITCH_APPROVALS_OPEN";
/** Earlier than any ISO time: a slot that ends there is free. */
const releasedSlot = "0000-00-00T00:00:00.000Z";

export const failoverRunning = (systemId: string, switchId: string) =>
  new ConflictError(
    `System ${systemId} is already taking part in switchover ${switchId}; wait for it to end (GET /failovers/${switchId})`,
    "FAILOVER_RUNNING",
  );

/** Switchovers in the Policies table, in the tenant's partition; gsi1 lists a unit's newest first. */
export class DynamoDbSwitchoverStore implements SwitchoverStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private item(switchover: Switchover) {
    const valid = switchoverSchema.parse(switchover);
    return {
      ...switchKey(valid.tenantId, valid.switchId),
      gsi1pk: switchesOfTenant(valid.tenantId),
      gsi1sk: `${valid.startedAt}#${valid.switchId}`,
      ...valid,
    };
  }

  async start(switchover: Switchover, slotUntil: Date): Promise<void> {
    const systems = systemsOf(switchover).map((s) => s.systemId);
    const slotItems = systems.map((systemId) => ({
      Put: {
        TableName: this.tableName,
        Item: {
          ...slotKey(switchover.tenantId, systemId),
          gsi1pk: heldSlots,
          gsi1sk: `${slotUntil.toISOString()}#${switchover.tenantId}#${systemId}`,
          switchId: switchover.switchId,
          slotUntil: slotUntil.toISOString(),
          expiresAt: Math.ceil(slotUntil.getTime() / 1000) + 7 * 86_400,
        },
        ConditionExpression: "attribute_not_exists(pk) OR slotUntil < :now",
        ExpressionAttributeValues: { ":now": switchover.startedAt },
      },
    }));
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: this.item({ ...switchover, version: 1 }),
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            ...slotItems,
          ],
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const reasons = cancellationReasons(error);
      const held = reasons.findIndex((reason, i) => i > 0 && reason === "ConditionalCheckFailed");
      if (held < 1) throw error;
      const systemId = systems[held - 1] as string;
      const { Item } = await this.db.send(
        new GetCommand({
          TableName: this.tableName,
          Key: slotKey(switchover.tenantId, systemId),
          ConsistentRead: true,
        }),
      );
      throw failoverRunning(systemId, String(Item?.switchId ?? "?"));
    }
  }

  async get(tenantId: string, switchId: string): Promise<Switchover | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: switchKey(tenantId, switchId), ConsistentRead: true }),
    );
    return Item ? storedItem(switchoverSchema, this.tableName, Item) : undefined;
  }

  list(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<Switchover>> {
    const query = {
      tableName: this.tableName,
      indexName: "gsi1",
      key: "gsi1pk" as const,
      value: switchesOfTenant(tenantId),
      descending: true,
    };
    return queryPage(this.db, query, page, (item) => storedItem(switchoverSchema, this.tableName, item));
  }

  async update(switchover: Switchover): Promise<void> {
    if (switchover.version < 2) throw new ConflictError("A switchover is created by start", "STALE_VERSION");
    await putIfVersion(this.db, this.tableName, this.item(switchover), `Switchover ${switchover.switchId}`);
    if (!isEnded(switchover)) return;
    for (const system of systemsOf(switchover)) {
      try {
        // Released by moving its end into the past, not deleted: no function deletes control-plane items.
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: slotKey(switchover.tenantId, system.systemId),
            UpdateExpression: "SET slotUntil = :released REMOVE gsi1pk, gsi1sk",
            ConditionExpression: "switchId = :switchId",
            ExpressionAttributeValues: { ":switchId": switchover.switchId, ":released": releasedSlot },
          }),
        );
      } catch (error) {
        // The slot expired and another switchover holds it now: it is that one's to give back.
        if (!isConditionFailure(error)) throw error;
      }
    }
  }

  async putApprovalToken(tenantId: string, switchId: string, token: string, due: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...tokenKey(tenantId, switchId),
          gsi1pk: openApprovals,
          gsi1sk: `${due}#${tenantId}#${switchId}`,
          tenantId,
          switchId,
          token,
          // Kept a day past the gate's deadline, then the table's TTL removes it.
          expiresAt: Math.ceil(Date.parse(due) / 1000) + 86_400,
        },
      }),
    );
  }

  async announced(tenantId: string, switchId: string): Promise<boolean> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: announcedKey(tenantId, switchId),
        ConsistentRead: true,
      }),
    );
    return !!Item;
  }

  async markAnnounced(tenantId: string, switchId: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...announcedKey(tenantId, switchId), announcedAt: new Date().toISOString() },
      }),
    );
  }

  async dueApprovals(now: Date): Promise<{ tenantId: string; switchId: string }[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :open AND gsi1sk < :now",
        ExpressionAttributeValues: { ":open": openApprovals, ":now": now.toISOString() },
        Limit: 100,
      }),
    );
    return Items.map((item) => ({ tenantId: String(item.tenantId), switchId: String(item.switchId) }));
  }

  async closeApproval(tenantId: string, switchId: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: tokenKey(tenantId, switchId),
          UpdateExpression: "REMOVE gsi1pk, gsi1sk",
          ConditionExpression: "attribute_exists(pk)",
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async approvalToken(tenantId: string, switchId: string): Promise<string | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: tokenKey(tenantId, switchId), ConsistentRead: true }),
    );
    return typeof Item?.token === "string" ? Item.token : undefined;
  }

  async expiredSlots(now: Date): Promise<{ tenantId: string; switchId: string }[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :held AND gsi1sk < :now",
        ExpressionAttributeValues: { ":held": heldSlots, ":now": now.toISOString() },
        Limit: 100,
      }),
    );
    const seen = new Map<string, { tenantId: string; switchId: string }>();
    for (const item of Items) {
      const tenantId = String(item.pk).replace(/^TENANT#/, "");
      seen.set(`${tenantId}#${item.switchId}`, { tenantId, switchId: String(item.switchId) });
    }
    return [...seen.values()];
  }
}
