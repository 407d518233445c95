import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Session, SessionStore } from "../stores.ts";
import { isConditionFailure, keys } from "./keys.ts";

/** Sessions expire from the table by TTL (`expiresAt` in epoch seconds) once their token has. */
export class DynamoDbSessionStore implements SessionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(session: Session): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.session(session.sid),
          ...session,
          expiresAt: Math.floor(Date.parse(session.expiresAt) / 1000),
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  async get(sid: string): Promise<Session | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.session(sid), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      sid: Item.sid,
      tenantId: Item.tenantId,
      userId: Item.userId,
      createdAt: Item.createdAt,
      lastSeenAt: Item.lastSeenAt,
      expiresAt: new Date((Item.expiresAt as number) * 1000).toISOString(),
      revoked: Item.revoked === true,
    };
  }

  async touch(sid: string, at: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.session(sid),
          UpdateExpression: "SET lastSeenAt = :at",
          ConditionExpression: "attribute_exists(pk) AND revoked = :no",
          ExpressionAttributeValues: { ":at": at, ":no": false },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async revoke(sid: string): Promise<void> {
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.session(sid),
          UpdateExpression: "SET revoked = :yes",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":yes": true },
        }),
      )
      .catch((error) => {
        if (!isConditionFailure(error)) throw error;
      });
  }
}
