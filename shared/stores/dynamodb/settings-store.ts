import { type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { defaultIdentitySettings, identitySettingsSchema } from "../../identity/settings.ts";
import type { IdentitySettingsStore, StoredIdentitySettings } from "../../identity/settings-store.ts";
import { keys } from "./keys.ts";
import { putIfVersion, storedItem } from "./operations.ts";

const storedSettingsSchema = z.object({
  settings: identitySettingsSchema,
  version: z.number().int().min(1),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});

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
    return storedItem(storedSettingsSchema, this.tableName, Item);
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
