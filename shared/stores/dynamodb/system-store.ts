import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { ConflictError, ValidationError } from "../../errors.ts";
import { type PolicyRecord, policyRecordSchema } from "../../systems/policy-record.ts";
import { type ProtectedSystem, systemSchema } from "../../systems/system.ts";
import { decodeCursor, encodeCursor, type Page } from "../page.ts";
import type { SystemStore } from "../stores.ts";
import { isConditionFailure } from "./keys.ts";

const systemKey = (tenantId: string, systemId: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `SYSTEM#${systemId}`,
});
const policyKey = (tenantId: string, systemId: string, version: number) => ({
  pk: `TENANT#${tenantId}`,
  sk: `POLICY#${systemId}#v${String(version).padStart(6, "0")}`,
});
const strip = ({ pk: _pk, sk: _sk, ...rest }: Record<string, unknown>) => rest;

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

  private async query<T>(
    tenantId: string,
    prefix: string,
    page: { limit: number; cursor?: string },
    parse: (item: Record<string, unknown>) => T,
  ): Promise<Page<T>> {
    const pk = `TENANT#${tenantId}`;
    const start = decodeCursor(page.cursor);
    if (start && (start.pk !== pk || !String(start.sk).startsWith(prefix))) {
      throw new ValidationError("The cursor belongs to another listing", [
        { path: "cursor", message: "invalid cursor" },
      ]);
    }
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": pk, ":prefix": prefix },
        Limit: page.limit,
        ExclusiveStartKey: start,
      }),
    );
    return { items: Items.map((i) => parse(strip(i))), nextCursor: encodeCursor(LastEvaluatedKey) };
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
    return Item ? systemSchema.parse(strip(Item)) : undefined;
  }

  list(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<ProtectedSystem>> {
    return this.query(tenantId, "SYSTEM#", page, (i) => systemSchema.parse(i));
  }

  async update(system: ProtectedSystem): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.systemItem(system),
          ConditionExpression: "version = :previous",
          ExpressionAttributeValues: { ":previous": system.version - 1 },
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
                ConditionExpression: "version = :previous",
                ExpressionAttributeValues: { ":previous": system.version - 1 },
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
    return Item ? policyRecordSchema.parse(strip(Item)) : undefined;
  }

  listPolicyVersions(
    tenantId: string,
    systemId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<PolicyRecord>> {
    return this.query(tenantId, `POLICY#${systemId}#`, page, (i) => policyRecordSchema.parse(i));
  }
}
