import { type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { type RouteRecord, type RouteStore, routeRecordSchema } from "../../routing/route.ts";
import { putIfVersion, storedItem } from "./operations.ts";

const routeKey = (tenantId: string, systemId: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `ROUTE#${systemId}`,
});

/** Each system's route (which site serves it) in the Policies table, in its tenant's partition. */
export class DynamoDbRouteStore implements RouteStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string, systemId: string): Promise<RouteRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: routeKey(tenantId, systemId), ConsistentRead: true }),
    );
    return Item ? storedItem(routeRecordSchema, this.tableName, Item) : undefined;
  }

  async put(record: RouteRecord): Promise<void> {
    const valid = routeRecordSchema.parse(record);
    await putIfVersion(
      this.db,
      this.tableName,
      { ...routeKey(valid.tenantId, valid.systemId), ...valid },
      `The route of ${valid.systemId}`,
    );
  }
}
