import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { ConflictError } from "../../errors.ts";
import { type User, userSchema } from "../../identity/user.ts";
import type { Page } from "../page.ts";
import type { UserStore } from "../stores.ts";
import { isConditionFailure, keys, newUserItems } from "./keys.ts";
import { putIfVersion, queryPage, storedItem } from "./operations.ts";

export class DynamoDbUserStore implements UserStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(user: User): Promise<void> {
    const TableName = this.tableName;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [...newUserItems(TableName, user)],
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new ConflictError(
        `The user name ${user.userName} is taken (user names ignore letter case)`,
        "USER_NAME_TAKEN",
      );
    }
  }

  async get(tenantId: string, userId: string): Promise<User | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.user(tenantId, userId), ConsistentRead: true }),
    );
    return Item ? storedItem(userSchema, this.tableName, Item) : undefined;
  }

  async findByUserName(userName: string): Promise<User | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.userName(userName), ConsistentRead: true }),
    );
    return Item ? this.get(Item.tenantId as string, Item.userId as string) : undefined;
  }

  listByTenant(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<User>> {
    const query = {
      tableName: this.tableName,
      key: "pk" as const,
      value: keys.tenant(tenantId).pk,
      skPrefix: "USER#",
    };
    return queryPage(this.db, query, page, (item) => storedItem(userSchema, this.tableName, item));
  }

  update(user: User): Promise<void> {
    const item = { ...keys.user(user.tenantId, user.userId), ...userSchema.parse(user) };
    return putIfVersion(this.db, this.tableName, item, `User ${user.userName}`);
  }
}
