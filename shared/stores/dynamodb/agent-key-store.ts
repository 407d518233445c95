import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type AgentKey, agentKeySchema } from "../../agents/agent-key.ts";
import type { Page } from "../page.ts";
import type { AgentKeyStore } from "../stores.ts";
import { keys } from "./keys.ts";
import { queryPage, storedItem } from "./operations.ts";

/** Agent keys in the Tenants table, with a per-system listing on gsi1 (oldest first). */
export class DynamoDbAgentKeyStore implements AgentKeyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(key: AgentKey): Promise<void> {
    const valid = agentKeySchema.parse(key);
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.agentKey(valid.keyId),
          gsi1pk: keys.agentKeysOfSystem(valid.tenantId, valid.systemId),
          gsi1sk: `${valid.createdAt}#${valid.keyId}`,
          ...valid,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
  }

  async get(keyId: string): Promise<AgentKey | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.agentKey(keyId), ConsistentRead: true }),
    );
    return Item ? storedItem(agentKeySchema, this.tableName, Item) : undefined;
  }

  listBySystem(
    tenantId: string,
    systemId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<AgentKey>> {
    const query = {
      tableName: this.tableName,
      indexName: "gsi1",
      key: "gsi1pk" as const,
      value: keys.agentKeysOfSystem(tenantId, systemId),
    };
    return queryPage(this.db, query, page, (item) => storedItem(agentKeySchema, this.tableName, item));
  }

  async revoke(keyId: string, at: string, by: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.agentKey(keyId),
        UpdateExpression:
          "SET revokedAt = if_not_exists(revokedAt, :at), revokedBy = if_not_exists(revokedBy, :by)",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":at": at, ":by": by },
      }),
    );
  }
}
