import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { type BackupJob, backupJobSchema } from "../../backups/backup-job.ts";
import { ConflictError } from "../../errors.ts";
import type { Page } from "../page.ts";
import type { BackupJobStore } from "../stores.ts";
import { cancellationReasons, isConditionFailure } from "./keys.ts";
import { putIfVersion, queryPage, storedItem } from "./operations.ts";

const jobKey = (tenantId: string, systemId: string, jobId: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `BACKUP#${systemId}#${jobId}`,
});
const jobsOfSystem = (tenantId: string, systemId: string) => `BACKUPS#${tenantId}#${systemId}`;
/** Which job of the system runs now, until when at the latest (a job whose execution died leaves it expiring). */
const slotKey = (tenantId: string, systemId: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `BACKUP_SLOT#${systemId}`,
});

/** Earlier than any ISO time: a slot that ends there is free. */
const releasedSlot = "0000-00-00T00:00:00.000Z";

export const backupRunning = (jobId: string) =>
  new ConflictError(
    `Backup ${jobId} of this system is still running; wait for it to finish (GET …/backups/${jobId})`,
    "BACKUP_RUNNING",
  );

/** Backup jobs in the Policies table, in the tenant's partition; gsi1 lists a system's newest first. */
export class DynamoDbBackupJobStore implements BackupJobStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private item(job: BackupJob) {
    const valid = backupJobSchema.parse(job);
    return {
      ...jobKey(valid.tenantId, valid.systemId, valid.jobId),
      gsi1pk: jobsOfSystem(valid.tenantId, valid.systemId),
      gsi1sk: `${valid.startedAt}#${valid.jobId}`,
      ...valid,
    };
  }

  async start(job: BackupJob, slotUntil: Date): Promise<{ expired?: string }> {
    const item = this.item({ ...job, version: 1 });
    const slot = slotKey(job.tenantId, job.systemId);
    const { Item: held } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: slot, ConsistentRead: true }),
    );
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: { TableName: this.tableName, Item: item, ConditionExpression: "attribute_not_exists(pk)" },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...slot,
                  jobId: job.jobId,
                  slotUntil: slotUntil.toISOString(),
                  // The table's TTL removes a slot nobody gave back, long after it stopped counting.
                  expiresAt: Math.ceil(slotUntil.getTime() / 1000) + 86_400,
                },
                ConditionExpression: "attribute_not_exists(pk) OR slotUntil < :now",
                ExpressionAttributeValues: { ":now": job.startedAt },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error) || cancellationReasons(error)[1] !== "ConditionalCheckFailed")
        throw error;
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: slot, ConsistentRead: true }),
      );
      throw backupRunning(String(Item?.jobId ?? "?"));
    }
    // The slot taken was free: released (no job), or expired while a job still held it.
    const expired =
      held && typeof held.jobId === "string" && String(held.slotUntil) !== releasedSlot
        ? held.jobId
        : undefined;
    return expired ? { expired } : {};
  }

  async get(tenantId: string, systemId: string, jobId: string): Promise<BackupJob | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: jobKey(tenantId, systemId, jobId),
        ConsistentRead: true,
      }),
    );
    return Item ? storedItem(backupJobSchema, this.tableName, Item) : undefined;
  }

  list(
    tenantId: string,
    systemId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<BackupJob>> {
    const query = {
      tableName: this.tableName,
      indexName: "gsi1",
      key: "gsi1pk" as const,
      value: jobsOfSystem(tenantId, systemId),
      descending: true,
    };
    return queryPage(this.db, query, page, (item) => storedItem(backupJobSchema, this.tableName, item));
  }

  async update(job: BackupJob): Promise<void> {
    if (job.version < 2) throw new ConflictError("A backup job is created by start", "STALE_VERSION");
    await putIfVersion(this.db, this.tableName, this.item(job), `Backup ${job.jobId}`);
    if (job.status === "running") return;
    try {
      // Released by moving its end into the past, not deleted: no function deletes control-plane items.
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: slotKey(job.tenantId, job.systemId),
          UpdateExpression: "SET slotUntil = :released",
          ConditionExpression: "jobId = :jobId",
          ExpressionAttributeValues: { ":jobId": job.jobId, ":released": releasedSlot },
        }),
      );
    } catch (error) {
      // The slot expired and another job holds it now: it is that job's to give back.
      if (!isConditionFailure(error)) throw error;
    }
  }
}
