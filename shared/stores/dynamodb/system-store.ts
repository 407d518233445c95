import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { ConflictError } from "../../errors.ts";
import { type PolicyRecord, policyRecordSchema } from "../../systems/policy-record.ts";
import { type ProtectedSystem, systemQuotaExceeded, systemSchema } from "../../systems/system.ts";
import type { Page } from "../page.ts";
import type { SystemStore } from "../stores.ts";
import { cancellationReasons, isConditionFailure, putIfAbsent } from "./keys.ts";
import { previousVersion, putIfVersion, queryPage, storedItem } from "./operations.ts";

const systemKey = (tenantId: string, systemId: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `SYSTEM#${systemId}`,
});
const policyKey = (tenantId: string, systemId: string, version: number) => ({
  pk: `TENANT#${tenantId}`,
  sk: `POLICY#${systemId}#v${String(version).padStart(6, "0")}`,
});
/** How many systems the unit has, kept with them so that the quota holds under concurrent creates. */
const systemCountKey = (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: "COUNT#SYSTEMS" });
/** Systems and policy versions in the Policies table, one partition per tenant. */
export class DynamoDbSystemStore implements SystemStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private systemItem(system: ProtectedSystem) {
    const valid = systemSchema.parse(system);
    return { ...systemKey(valid.tenantId, valid.systemId), ...valid };
  }

  /**
   * The system and the unit's count of systems move together in one transaction; the count may not
   * pass the quota. A unit created before the count existed starts from the systems it has.
   */
  async create(system: ProtectedSystem, quota: { limit: number; existing: number }): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              putIfAbsent(this.tableName, this.systemItem(system)),
              {
                Update: {
                  TableName: this.tableName,
                  Key: systemCountKey(system.tenantId),
                  UpdateExpression: "SET #count = if_not_exists(#count, :existing) + :one",
                  ConditionExpression:
                    "(attribute_not_exists(#count) AND :existing < :limit) OR #count < :limit",
                  ExpressionAttributeNames: { "#count": "systems" },
                  ExpressionAttributeValues: {
                    ":existing": quota.existing,
                    ":one": 1,
                    ":limit": quota.limit,
                  },
                },
              },
            ],
          }),
        );
        return;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons[1] === "ConditionalCheckFailed") throw systemQuotaExceeded(quota.limit);
        // Another create moved the count at the same moment: try again on the count it left.
        if (reasons.includes("TransactionConflict") && attempt < 8) continue;
        throw error;
      }
    }
  }

  async get(tenantId: string, systemId: string): Promise<ProtectedSystem | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: systemKey(tenantId, systemId), ConsistentRead: true }),
    );
    return Item ? storedItem(systemSchema, this.tableName, Item) : undefined;
  }

  list(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<ProtectedSystem>> {
    const query = {
      tableName: this.tableName,
      key: "pk" as const,
      value: `TENANT#${tenantId}`,
      skPrefix: "SYSTEM#",
    };
    return queryPage(this.db, query, page, (item) => storedItem(systemSchema, this.tableName, item));
  }

  update(system: ProtectedSystem): Promise<void> {
    return putIfVersion(this.db, this.tableName, this.systemItem(system), `System ${system.systemId}`);
  }

  async setPolicy(system: ProtectedSystem, record: PolicyRecord): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            putIfAbsent(this.tableName, {
              ...policyKey(record.tenantId, record.systemId, record.version),
              ...policyRecordSchema.parse(record),
            }),
            {
              Put: {
                TableName: this.tableName,
                Item: this.systemItem(system),
                ...previousVersion(system.version),
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new ConflictError(
        `System ${system.systemId} was changed meanwhile; reload and try again`,
        "STALE_VERSION",
      );
    }
  }

  async getPolicy(tenantId: string, systemId: string, version: number): Promise<PolicyRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: policyKey(tenantId, systemId, version),
        ConsistentRead: true,
      }),
    );
    return Item ? storedItem(policyRecordSchema, this.tableName, Item) : undefined;
  }

  listPolicyVersions(
    tenantId: string,
    systemId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<PolicyRecord>> {
    const query = {
      tableName: this.tableName,
      key: "pk" as const,
      value: `TENANT#${tenantId}`,
      skPrefix: `POLICY#${systemId}#`,
    };
    return queryPage(this.db, query, page, (item) => storedItem(policyRecordSchema, this.tableName, item));
  }
}
