import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { SubscriptionStore } from "../../notifications/notification-service.ts";
import { type Subscription, subscriptionSchema } from "../../notifications/subscription.ts";
import type { Page } from "../page.ts";
import { queryPage, storedItem } from "./operations.ts";

const key = (tenantId: string, subscriptionId: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `SUBSCRIPTION#${subscriptionId}`,
});
const activeOfTenant = (tenantId: string) => `SUBSCRIPTIONS#${tenantId}`;
const removedSchema = subscriptionSchema.extend({
  removedAt: subscriptionSchema.shape.createdAt.optional(),
  removedBy: subscriptionSchema.shape.createdBy.optional(),
});

/** Subscriptions in the Policies table; gsi1 lists a unit's active ones (a removed one leaves the index). */
export class DynamoDbSubscriptionStore implements SubscriptionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(subscription: Subscription): Promise<void> {
    const valid = subscriptionSchema.parse(subscription);
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...key(valid.tenantId, valid.subscriptionId),
          gsi1pk: activeOfTenant(valid.tenantId),
          gsi1sk: `${valid.createdAt}#${valid.subscriptionId}`,
          ...valid,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  async get(tenantId: string, subscriptionId: string) {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: key(tenantId, subscriptionId), ConsistentRead: true }),
    );
    return Item ? storedItem(removedSchema, this.tableName, Item) : undefined;
  }

  list(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<Subscription>> {
    return queryPage(
      this.db,
      { tableName: this.tableName, indexName: "gsi1", key: "gsi1pk", value: activeOfTenant(tenantId) },
      page,
      (item) => storedItem(subscriptionSchema, this.tableName, item),
    );
  }

  async markRemoved(tenantId: string, subscriptionId: string, at: string, by: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(tenantId, subscriptionId),
        UpdateExpression: "SET removedAt = :at, removedBy = :by REMOVE gsi1pk, gsi1sk",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":at": at, ":by": by },
      }),
    );
  }
}
