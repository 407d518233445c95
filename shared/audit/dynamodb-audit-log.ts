import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { AuditContentionError, type AuditLog } from "./audit-log.ts";
import { type ChainHead, chainRecord } from "./chain.ts";
import { type AuditEvent, type AuditRecord, auditRecordSchema } from "./event-schema.ts";

const partition = (tenantId: string) => `TENANT#${tenantId}#AUDIT`;
const sequenceKey = (sequence: number) => `SEQ#${String(sequence).padStart(12, "0")}`;
const headKey = "HEAD";

/**
 * Audit log in one DynamoDB table (pk/sk). Each tenant's chain lives in its own partition: records
 * under `SEQ#…`, the committed head under `HEAD`. An append writes the record and moves the head in
 * one transaction, conditional on the head it read, so two writers can never both extend the same
 * head; the loser re-reads and retries.
 */
export class DynamoDbAuditLog implements AuditLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly maxAttempts = 8,
  ) {}

  async head(tenantId: string): Promise<ChainHead | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: partition(tenantId), sk: headKey },
        ConsistentRead: true,
      }),
    );
    return Item ? { sequence: Item.sequence as number, hash: Item.hash as string } : undefined;
  }

  async append(tenantId: string, event: AuditEvent): Promise<AuditRecord> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const head = await this.head(tenantId);
      const record = chainRecord(tenantId, head, event);
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: this.appendItems(record, head) }));
        return record;
      } catch (error) {
        if (
          !(error instanceof TransactionCanceledException) &&
          (error as Error).name !== "TransactionCanceledException"
        ) {
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
    throw new AuditContentionError(
      `Could not append to the audit chain of ${tenantId} after ${this.maxAttempts} attempts`,
    );
  }

  private appendItems(record: AuditRecord, head: ChainHead | undefined) {
    const pk = partition(record.tenantId);
    return [
      {
        Put: {
          TableName: this.tableName,
          Item: { pk, sk: sequenceKey(record.sequence), ...record },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { pk, sk: headKey, sequence: record.sequence, hash: record.hash },
          ...(head
            ? {
                ConditionExpression: "#hash = :previous",
                ExpressionAttributeNames: { "#hash": "hash" },
                ExpressionAttributeValues: { ":previous": head.hash },
              }
            : { ConditionExpression: "attribute_not_exists(pk)" }),
        },
      },
    ];
  }

  async *records(tenantId: string, fromSequence = 1): AsyncIterable<AuditRecord> {
    const pages = paginateQuery(
      { client: this.db, pageSize: 500 },
      {
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
        ExpressionAttributeValues: {
          ":pk": partition(tenantId),
          ":from": sequenceKey(fromSequence),
          ":to": "SEQ#~",
        },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const { pk: _pk, sk: _sk, ...record } = item;
        // A record edited out of shape is still yielded as stored, so verify names it instead of crashing.
        const parsed = auditRecordSchema.safeParse(record);
        yield parsed.success ? parsed.data : (record as AuditRecord);
      }
    }
  }
}
