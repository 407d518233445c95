import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { ConflictError } from "../../errors.ts";
import { defaultIdentitySettings, identitySettingsSchema } from "../../identity/settings.ts";
import type { IdentitySettingsStore, StoredIdentitySettings } from "../../identity/settings-store.ts";
import { isConditionFailure, keys } from "./keys.ts";
import { previousVersion } from "./operations.ts";

/** The identity settings item of the Tenants table; absent until the first change. */
export class DynamoDbIdentitySettingsStore implements IdentitySettingsStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(): Promise<StoredIdentitySettings> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.identitySettings(), ConsistentRead: true }),
    );
    if (!Item) return { settings: defaultIdentitySettings, version: 0 };
    return {
      settings: identitySettingsSchema.parse(Item.settings),
      version: Item.version as number,
      updatedAt: Item.updatedAt as string | undefined,
      updatedBy: Item.updatedBy as string | undefined,
    };
  }

  async put(next: StoredIdentitySettings): Promise<void> {
    const condition =
      next.version === 1
        ? { ConditionExpression: "attribute_not_exists(pk)" }
        : previousVersion(next.version);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.identitySettings(), ...next },
          ...condition,
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new ConflictError(
        "The identity settings were changed meanwhile; reload and try again",
        "STALE_VERSION",
      );
    }
  }
}
