import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { ConflictError, ValidationError } from "../../errors.ts";
import { type User, userSchema } from "../../identity/user.ts";
import { type Tenant, type TenantStatus, tenantSchema } from "../../tenants/tenant.ts";
import { decodeCursor, encodeCursor, type Page } from "../page.ts";
import type { TenantStore } from "../stores.ts";
import { isConditionFailure, keys } from "./keys.ts";

const strip = ({ pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...rest }: Record<string, unknown>) => rest;

export class DynamoDbTenantStore implements TenantStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private tenantItem(tenant: Tenant) {
    const valid = tenantSchema.parse(tenant);
    return {
      ...keys.tenant(valid.tenantId),
      ...keys.tenantByStatus(valid.status, valid.createdAt, valid.tenantId),
      ...valid,
    };
  }

  async register(tenant: Tenant, admin: User): Promise<void> {
    const TableName = this.tableName;
    const unique = { ConditionExpression: "attribute_not_exists(pk)" };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName, Item: this.tenantItem(tenant), ...unique } },
            {
              Put: {
                TableName,
                Item: { ...keys.creditCode(tenant.unifiedSocialCreditCode), tenantId: tenant.tenantId },
                ...unique,
              },
            },
            {
              Put: {
                TableName,
                Item: { ...keys.userName(admin.userName), tenantId: admin.tenantId, userId: admin.userId },
                ...unique,
              },
            },
            {
              Put: {
                TableName,
                Item: { ...keys.user(admin.tenantId, admin.userId), ...userSchema.parse(admin) },
                ...unique,
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new ConflictError(
        "A unit with this unified social credit code, or a user with this user name, is already registered",
        "ALREADY_REGISTERED",
      );
    }
  }

  async get(tenantId: string): Promise<Tenant | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.tenant(tenantId), ConsistentRead: true }),
    );
    return Item ? tenantSchema.parse(strip(Item)) : undefined;
  }

  async listByStatus(status: TenantStatus, page: { limit: number; cursor?: string }): Promise<Page<Tenant>> {
    const gsi1pk = `TENANT_STATUS#${status}`;
    const start = decodeCursor(page.cursor);
    if (start && start.gsi1pk !== gsi1pk) {
      throw new ValidationError("The cursor belongs to another listing", [
        { path: "cursor", message: "invalid cursor" },
      ]);
    }
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": gsi1pk },
        Limit: page.limit,
        ExclusiveStartKey: start,
      }),
    );
    return {
      items: Items.map((i) => tenantSchema.parse(strip(i))),
      nextCursor: encodeCursor(LastEvaluatedKey),
    };
  }

  async update(tenant: Tenant): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.tenantItem(tenant),
          ConditionExpression: "version = :previous",
          ExpressionAttributeValues: { ":previous": tenant.version - 1 },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new ConflictError(
        `Tenant ${tenant.tenantId} was changed meanwhile; reload and try again`,
        "STALE_VERSION",
      );
    }
  }
}
