import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { ValidationError } from "../errors.ts";
import type { Page } from "../stores/page.ts";
import { AuditContentionError, type AuditLog } from "./audit-log.ts";
import { type AuditQuery, daysBetween, parseAuditCursor } from "./audit-query.ts";
import { type ChainHead, chainRecord } from "./chain.ts";
import { type AuditEvent, type AuditRecord, auditRecordSchema } from "./event-schema.ts";

export const auditPartition = (tenantId: string) => `TENANT#${tenantId}#AUDIT`;
const sequenceKey = (sequence: number) => `SEQ#${String(sequence).padStart(12, "0")}`;
const headKey = "HEAD";

/** The time index: one gsi1 partition per tenant and UTC day, sorted by event time then sequence. */
export const auditDayPartition = (tenantId: string, day: string) => `AUDIT#${tenantId}#${day}`;
const timeIndexKeys = (record: AuditRecord) => ({
  gsi1pk: auditDayPartition(record.tenantId, record.event.eventTime.slice(0, 10)),
  gsi1sk: `${record.event.eventTime}#${String(record.sequence).padStart(12, "0")}`,
});

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
        Key: { pk: auditPartition(tenantId), sk: headKey },
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
    const pk = auditPartition(record.tenantId);
    return [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            pk,
            sk: sequenceKey(record.sequence),
            ...timeIndexKeys(record),
            // Flattened for lookups by resource (a filter on a list of maps cannot match one field).
            resourceIds: record.event.resources.map((r) => r.id),
            ...record,
          },
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
          ":pk": auditPartition(tenantId),
          ":from": sequenceKey(fromSequence),
          ":to": "SEQ#~",
        },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        yield storedRecord(item);
      }
    }
  }

  async lookup(tenantId: string, query: AuditQuery): Promise<Page<AuditRecord>> {
    const cursor = parseAuditCursor(query.cursor);
    const days = daysBetween(query.from, query.to).filter((day) => !cursor || day >= cursor.day);
    if (cursor?.key && cursor.key.gsi1pk !== auditDayPartition(tenantId, cursor.day)) {
      throw new ValidationError("The cursor belongs to another lookup", [
        { path: "cursor", message: "invalid cursor" },
      ]);
    }
    const filter = lookupFilter(query);
    const items: AuditRecord[] = [];
    for (const [index, day] of days.entries()) {
      let startKey = index === 0 ? cursor?.key : undefined;
      do {
        const page = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: "gsi1",
            KeyConditionExpression: "gsi1pk = :day AND gsi1sk BETWEEN :from AND :to",
            ExpressionAttributeValues: {
              ":day": auditDayPartition(tenantId, day),
              ":from": query.from.toISOString(),
              ":to": `${query.to.toISOString()}#~`,
              ...filter.values,
            },
            ...(filter.expression
              ? { FilterExpression: filter.expression, ExpressionAttributeNames: filter.names }
              : {}),
            Limit: query.limit - items.length,
            ExclusiveStartKey: startKey,
          }),
        );
        items.push(...(page.Items ?? []).map(storedRecord));
        startKey = page.LastEvaluatedKey;
        if (items.length >= query.limit) {
          const next = startKey
            ? { day, key: startKey }
            : days[index + 1]
              ? { day: days[index + 1] }
              : undefined;
          return {
            items,
            nextCursor: next ? Buffer.from(JSON.stringify(next)).toString("base64url") : undefined,
          };
        }
      } while (startKey);
    }
    return { items };
  }
}

/** A record edited out of shape is still returned as stored, so verify names it instead of crashing. */
function storedRecord(item: Record<string, unknown>): AuditRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, resourceIds: _r, ...record } = item;
  const parsed = auditRecordSchema.safeParse(record);
  return parsed.success ? parsed.data : (record as AuditRecord);
}

function lookupFilter(query: AuditQuery) {
  const clauses: string[] = [];
  const values: Record<string, unknown> = {};
  const names: Record<string, string> = { "#event": "event" };
  if (query.eventName !== undefined) {
    clauses.push("#event.eventName = :eventName");
    values[":eventName"] = query.eventName;
  }
  if (query.userId !== undefined) {
    clauses.push("#event.userIdentity.principalId = :userId");
    values[":userId"] = query.userId;
  }
  if (query.resourceId !== undefined) {
    clauses.push("contains(resourceIds, :resourceId)");
    values[":resourceId"] = query.resourceId;
  }
  if (query.readOnly !== undefined) {
    clauses.push("#event.readOnly = :readOnly");
    values[":readOnly"] = query.readOnly;
  }
  if (query.errorsOnly) clauses.push("attribute_exists(#event.errorCode)");
  return { expression: clauses.join(" AND "), names, values };
}
