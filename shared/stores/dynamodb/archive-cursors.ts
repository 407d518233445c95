import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { ArchiveCursor, ArchiveCursorStore } from "../../audit/archive.ts";
import { ConflictError } from "../../errors.ts";
import { auditPartition } from "./audit-log.ts";
import { isConditionFailure } from "./keys.ts";

const cursorKey = (tenantId: string) => ({ pk: auditPartition(tenantId), sk: "ARCHIVED" });

/** The archive cursor sits in the tenant's audit partition, next to the chain head it trails. */
export class DynamoDbArchiveCursors implements ArchiveCursorStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string): Promise<ArchiveCursor | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: cursorKey(tenantId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      sequence: Item.sequence as number,
      hash: Item.hash as string,
      digestKey: Item.digestKey as string,
      digestSha256: Item.digestSha256 as string,
    };
  }

  async advance(tenantId: string, next: ArchiveCursor, previous: ArchiveCursor | undefined): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...cursorKey(tenantId), ...next },
          ...(previous
            ? {
                ConditionExpression: "#sequence = :previous",
                ExpressionAttributeNames: { "#sequence": "sequence" },
                ExpressionAttributeValues: { ":previous": previous.sequence },
              }
            : { ConditionExpression: "attribute_not_exists(pk)" }),
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new ConflictError(
        `Another run archived the audit trail of ${tenantId} meanwhile`,
        "STALE_VERSION",
      );
    }
  }
}
