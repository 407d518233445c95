import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { ConflictError } from "../../errors.ts";
import { type PolicyRecord, policyRecordSchema } from "../../systems/policy-record.ts";
import { type ProtectedSystem, systemSchema } from "../../systems/system.ts";
import type { Page } from "../page.ts";
import type { SystemStore } from "../stores.ts";
import { isConditionFailure } from "./keys.ts";
import { previousVersion, putIfVersion, queryPage, withoutKeys } from "./operations.ts";

const systemKey = (tenantId: string, systemId: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `SYSTEM#${systemId}`,
});
const policyKey = (tenantId: string, systemId: string, version: number) => ({
  pk: `TENANT#${tenantId}`,
  sk: `POLICY#${systemId}#v${String(version).padStart(6, "0")}`,
});
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

  async create(system: ProtectedSystem): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: this.systemItem(system),
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  async get(tenantId: string, systemId: string): Promise<ProtectedSystem | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: systemKey(tenantId, systemId), ConsistentRead: true }),
    );
    return Item ? systemSchema.parse(withoutKeys(Item)) : undefined;
  }

  list(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<ProtectedSystem>> {
    const query = {
      tableName: this.tableName,
      key: "pk" as const,
      value: `TENANT#${tenantId}`,
      skPrefix: "SYSTEM#",
    };
    return queryPage(this.db, query, page, (item) => systemSchema.parse(withoutKeys(item)));
  }

  update(system: ProtectedSystem): Promise<void> {
    return putIfVersion(this.db, this.tableName, this.systemItem(system), `System ${system.systemId}`);
  }

  async setPolicy(system: ProtectedSystem, record: PolicyRecord): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...policyKey(record.tenantId, record.systemId, record.version),
                  ...policyRecordSchema.parse(record),
                },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
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
    return Item ? policyRecordSchema.parse(withoutKeys(Item)) : undefined;
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
    return queryPage(this.db, query, page, (item) => policyRecordSchema.parse(withoutKeys(item)));
  }
}
