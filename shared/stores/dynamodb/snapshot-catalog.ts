import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { type SnapshotRecord, snapshotRecordSchema } from "../../snapshots/snapshot-record.ts";
import type { Page } from "../page.ts";
import type { SnapshotCatalog } from "../stores.ts";
import { isConditionFailure } from "./keys.ts";
import { queryPage, storedItem } from "./operations.ts";

const snapshotKey = (tenantId: string, systemId: string, snapshotId: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `SNAPSHOT#${systemId}#${snapshotId}`,
});
const snapshotsOfSystem = (tenantId: string, systemId: string) => `SNAPSHOTS#${tenantId}#${systemId}`;

/** Snapshot records in the Policies table, in the tenant's partition; gsi1 lists a system's by time. */
export class DynamoDbSnapshotCatalog implements SnapshotCatalog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(
    record: SnapshotRecord,
  ): Promise<{ created: true } | { created: false; existing: SnapshotRecord }> {
    const valid = snapshotRecordSchema.parse(record);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...snapshotKey(valid.tenantId, valid.systemId, valid.snapshotId),
            gsi1pk: snapshotsOfSystem(valid.tenantId, valid.systemId),
            gsi1sk: `${valid.time}#${valid.snapshotId}`,
            ...valid,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return { created: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const existing = await this.get(valid.tenantId, valid.systemId, valid.snapshotId);
    if (!existing) throw new Error(`snapshot ${valid.snapshotId} exists and does not`);
    return { created: false, existing };
  }

  async get(tenantId: string, systemId: string, snapshotId: string): Promise<SnapshotRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: snapshotKey(tenantId, systemId, snapshotId),
        ConsistentRead: true,
      }),
    );
    return Item ? storedItem(snapshotRecordSchema, this.tableName, Item) : undefined;
  }

  list(
    tenantId: string,
    systemId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<SnapshotRecord>> {
    const query = {
      tableName: this.tableName,
      indexName: "gsi1",
      key: "gsi1pk" as const,
      value: snapshotsOfSystem(tenantId, systemId),
      descending: true,
    };
    return queryPage(this.db, query, page, (item) => storedItem(snapshotRecordSchema, this.tableName, item));
  }
}
