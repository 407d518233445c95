import { type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { defaultIdentitySettings, identitySettingsSchema } from "../../identity/settings.ts";
import type { IdentitySettingsStore, StoredIdentitySettings } from "../../identity/settings-store.ts";
import { keys } from "./keys.ts";
import { putIfVersion } from "./operations.ts";

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
    await putIfVersion(
      this.db,
      this.tableName,
      { ...keys.identitySettings(), ...next },
      "The identity settings record",
    );
  }
}
