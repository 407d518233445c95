import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { ConflictError } from "../../errors.ts";
import type { User } from "../../identity/user.ts";
import { type Tenant, type TenantStatus, tenantSchema } from "../../tenants/tenant.ts";
import type { Page } from "../page.ts";
import type { TenantStore } from "../stores.ts";
import { isConditionFailure, keys, newUserItems, putIfAbsent } from "./keys.ts";
import { putIfVersion, queryPage, storedItem } from "./operations.ts";

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
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            putIfAbsent(TableName, this.tenantItem(tenant)),
            putIfAbsent(TableName, {
              ...keys.creditCode(tenant.unifiedSocialCreditCode),
              tenantId: tenant.tenantId,
            }),
            ...newUserItems(TableName, admin),
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
    return Item ? storedItem(tenantSchema, this.tableName, Item) : undefined;
  }

  listByStatus(status: TenantStatus, page: { limit: number; cursor?: string }): Promise<Page<Tenant>> {
    const query = {
      tableName: this.tableName,
      indexName: "gsi1",
      key: "gsi1pk" as const,
      value: `TENANT_STATUS#${status}`,
    };
    return queryPage(this.db, query, page, (item) => storedItem(tenantSchema, this.tableName, item));
  }

  update(tenant: Tenant): Promise<void> {
    return putIfVersion(this.db, this.tableName, this.tenantItem(tenant), `Tenant ${tenant.tenantId}`);
  }
}
