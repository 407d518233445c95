import { type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { type ReplicationCheck, replicationCheckSchema } from "../../replication/replication-check.ts";
import type { ReplicationCheckStore } from "../../replication/replication-monitor.ts";
import type { Page } from "../page.ts";
import { queryPage, storedItem } from "./operations.ts";

/** How long measurements are kept: half a year and a margin (R-AU-16, R-MN-03). */
const keptDays = 200;

const checkPrefix = (systemId: string) => `REPLICATION#${systemId}#`;

/** Replication checks in the Policies table, in the tenant's partition, sorted by time; expiring by TTL. */
export class DynamoDbReplicationChecks implements ReplicationCheckStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(check: ReplicationCheck): Promise<void> {
    const valid = replicationCheckSchema.parse(check);
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `TENANT#${valid.tenantId}`,
          sk: `${checkPrefix(valid.systemId)}${valid.checkedAt}`,
          ...valid,
          expiresAt: Math.ceil(Date.parse(valid.checkedAt) / 1000) + keptDays * 86_400,
        },
      }),
    );
  }

  history(
    tenantId: string,
    systemId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<ReplicationCheck>> {
    return queryPage(
      this.db,
      {
        tableName: this.tableName,
        key: "pk",
        value: `TENANT#${tenantId}`,
        skPrefix: checkPrefix(systemId),
        descending: true,
      },
      page,
      (item) => {
        const { expiresAt: _expires, ...rest } = item;
        return storedItem(replicationCheckSchema, this.tableName, rest);
      },
    );
  }
}
