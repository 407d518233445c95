import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { ConflictError, ValidationError } from "../../errors.ts";
import { type User, userSchema } from "../../identity/user.ts";
import { decodeCursor, encodeCursor, type Page } from "../page.ts";
import type { UserStore } from "../stores.ts";
import { isConditionFailure, keys } from "./keys.ts";

const strip = ({ pk: _pk, sk: _sk, ...rest }: Record<string, unknown>) => rest;

export class DynamoDbUserStore implements UserStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(user: User): Promise<void> {
    const TableName = this.tableName;
    const unique = { ConditionExpression: "attribute_not_exists(pk)" };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName,
                Item: { ...keys.userName(user.userName), tenantId: user.tenantId, userId: user.userId },
                ...unique,
              },
            },
            {
              Put: {
                TableName,
                Item: { ...keys.user(user.tenantId, user.userId), ...userSchema.parse(user) },
                ...unique,
              },
            },
          ],
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
    return Item ? userSchema.parse(strip(Item)) : undefined;
  }

  async findByUserName(userName: string): Promise<User | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.userName(userName), ConsistentRead: true }),
    );
    return Item ? this.get(Item.tenantId as string, Item.userId as string) : undefined;
  }

  async listByTenant(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<User>> {
    const { pk } = keys.tenant(tenantId);
    const start = decodeCursor(page.cursor);
    if (start && start.pk !== pk) {
      throw new ValidationError("The cursor belongs to another listing", [
        { path: "cursor", message: "invalid cursor" },
      ]);
    }
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :users)",
        ExpressionAttributeValues: { ":pk": pk, ":users": "USER#" },
        Limit: page.limit,
        ExclusiveStartKey: start,
      }),
    );
    return {
      items: Items.map((i) => userSchema.parse(strip(i))),
      nextCursor: encodeCursor(LastEvaluatedKey),
    };
  }

  async update(user: User): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.user(user.tenantId, user.userId), ...userSchema.parse(user) },
          ConditionExpression: "version = :previous",
          ExpressionAttributeValues: { ":previous": user.version - 1 },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new ConflictError(`User ${user.userName} was changed meanwhile; try again`, "STALE_VERSION");
    }
  }
}
