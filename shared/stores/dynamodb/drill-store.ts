import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { type DrillRecord, drillRecordSchema } from "../../drills/drill.ts";
import { ConflictError } from "../../errors.ts";
import type { Page } from "../page.ts";
import type { DrillStore } from "../stores.ts";
import { cancellationReasons, isConditionFailure } from "./keys.ts";
import { putIfVersion, queryPage, storedItem } from "./operations.ts";

const drillKey = (tenantId: string, systemId: string, drillId: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `DRILL#${systemId}#${drillId}`,
});
const drillsOfSystem = (tenantId: string, systemId: string) => `DRILLS#${tenantId}#${systemId}`;
/** Which drill of the system runs now, until when at the latest (a drill that died leaves it expiring). */
const slotKey = (tenantId: string, systemId: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `DRILL_SLOT#${systemId}`,
});

/** Earlier than any ISO time: a slot that ends there is free. */
const releasedSlot = "0000-00-00T00:00:00.000Z";

export const drillRunning = (drillId: string) =>
  new ConflictError(
    `Drill ${drillId} of this system is still running; wait for it to finish (GET …/drills/${drillId})`,
    "DRILL_RUNNING",
  );

/** Drills in the Policies table, in the tenant's partition; gsi1 lists a system's newest first. */
export class DynamoDbDrillStore implements DrillStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private item(drill: DrillRecord) {
    const valid = drillRecordSchema.parse(drill);
    return {
      ...drillKey(valid.tenantId, valid.systemId, valid.drillId),
      gsi1pk: drillsOfSystem(valid.tenantId, valid.systemId),
      gsi1sk: `${valid.startedAt}#${valid.drillId}`,
      ...valid,
    };
  }

  async start(drill: DrillRecord, slotUntil: Date): Promise<void> {
    const item = this.item({ ...drill, version: 1 });
    const slot = slotKey(drill.tenantId, drill.systemId);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: { TableName: this.tableName, Item: item, ConditionExpression: "attribute_not_exists(pk)" },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...slot,
                  drillId: drill.drillId,
                  slotUntil: slotUntil.toISOString(),
                  // The table's TTL removes a slot nobody gave back, long after it stopped counting.
                  expiresAt: Math.ceil(slotUntil.getTime() / 1000) + 86_400,
                },
                ConditionExpression: "attribute_not_exists(pk) OR slotUntil < :now",
                ExpressionAttributeValues: { ":now": drill.startedAt },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error) || cancellationReasons(error)[1] !== "ConditionalCheckFailed")
        throw error;
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: slot, ConsistentRead: true }),
      );
      throw drillRunning(String(Item?.drillId ?? "?"));
    }
  }

  async get(tenantId: string, systemId: string, drillId: string): Promise<DrillRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: drillKey(tenantId, systemId, drillId),
        ConsistentRead: true,
      }),
    );
    return Item ? storedItem(drillRecordSchema, this.tableName, Item) : undefined;
  }

  list(
    tenantId: string,
    systemId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<DrillRecord>> {
    const query = {
      tableName: this.tableName,
      indexName: "gsi1",
      key: "gsi1pk" as const,
      value: drillsOfSystem(tenantId, systemId),
      descending: true,
    };
    return queryPage(this.db, query, page, (item) => storedItem(drillRecordSchema, this.tableName, item));
  }

  async update(drill: DrillRecord): Promise<void> {
    if (drill.version < 2) throw new ConflictError("A drill is created by start", "STALE_VERSION");
    await putIfVersion(this.db, this.tableName, this.item(drill), `Drill ${drill.drillId}`);
    if (drill.status === "running") return;
    try {
      // Released by moving its end into the past, not deleted: no function deletes control-plane items.
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: slotKey(drill.tenantId, drill.systemId),
          UpdateExpression: "SET slotUntil = :released",
          ConditionExpression: "drillId = :drillId",
          ExpressionAttributeValues: { ":drillId": drill.drillId, ":released": releasedSlot },
        }),
      );
    } catch (error) {
      // The slot expired and another drill holds it now: it is that drill's to give back.
      if (!isConditionFailure(error)) throw error;
    }
  }
}
