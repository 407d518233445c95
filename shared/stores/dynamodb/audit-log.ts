import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import {
  type AuditChainStore,
  type AuditEntry,
  type AuditLog,
  ChainMovedError,
  type PendingEvent,
  type PendingSummary,
} from "../../audit/audit-log.ts";
import { type AuditQuery, daysBetween, parseAuditCursor } from "../../audit/audit-query.ts";
import type { ChainHead } from "../../audit/chain.ts";
import { type AuditEvent, type AuditRecord, auditRecordSchema } from "../../audit/event-schema.ts";
import { ValidationError } from "../../errors.ts";
import type { Page } from "../page.ts";
import { isConditionFailure, putIfAbsent } from "./keys.ts";

export const auditPartition = (tenantId: string) => `TENANT#${tenantId}#AUDIT`;
/** Recorded events wait here, one item each, keyed so that they sort in the order they are chained. */
export const pendingPartition = (tenantId: string) => `AUDIT_PENDING#${tenantId}`;
export const pendingPartitionPrefix = "AUDIT_PENDING#";
/** An event's place in time order: its pending item's sort key and its time-index sort key. */
const timeOrderKey = (event: AuditEvent) => `${event.eventTime}#${event.eventID}`;
const sequenceKey = (sequence: number) => `SEQ#${String(sequence).padStart(12, "0")}`;
const headKey = "HEAD";

/** The time index: one gsi1 partition per tenant and UTC day, sorted by event time then event id. */
export const auditDayPartition = (tenantId: string, day: string) => `AUDIT#${tenantId}#${day}`;
const indexAttributes = (tenantId: string, event: AuditEvent) => ({
  gsi1pk: auditDayPartition(tenantId, event.eventTime.slice(0, 10)),
  gsi1sk: timeOrderKey(event),
  // Flattened for lookups by resource (a filter on a list of maps cannot match one field).
  resourceIds: event.resources.map((r) => r.id),
});

/** DynamoDB's limits on one transaction: 100 items and 4 MB; two items per event plus the head. */
const maxTransactionItems = 100;
const maxTransactionBytes = 3_500_000;

/**
 * Audit log in one DynamoDB table (pk/sk). A recorded event is one item in its tenant's pending
 * partition, put under its own key, so concurrent requests never contend. The sequencer moves
 * events into the chain partition (`SEQ#…` records and the `HEAD`) in transactions conditional on
 * the head it read and on each pending item still being there, so two sequencers can never both
 * extend the same head nor chain one event twice.
 */
export class DynamoDbAuditLog implements AuditLog, AuditChainStore {
  readonly maxBatch = Math.floor((maxTransactionItems - 1) / 2);

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(tenantId: string, event: AuditEvent): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: pendingPartition(tenantId),
            sk: timeOrderKey(event),
            ...indexAttributes(tenantId, event),
            tenantId,
            event,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      // The same event id is only ever written again by the SDK retrying a put that succeeded.
      if (!isConditionFailure(error)) throw error;
    }
  }

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

  async oldestPending(tenantId: string, limit: number): Promise<PendingEvent[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": pendingPartition(tenantId) },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    // The event is chained as it was stored, even if edited out of shape: the hash then covers it.
    return Items.map((item) => ({ tenantId, event: item.event as AuditEvent }));
  }

  async extend(tenantId: string, previous: ChainHead | undefined, records: AuditRecord[]): Promise<number> {
    const batch = this.fittingPrefix(records);
    const last = batch.at(-1)?.record;
    if (!last) throw new Error("extend needs at least one record");
    const TableName = this.tableName;
    const pk = auditPartition(tenantId);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            ...batch.flatMap(({ record, item }) => [
              putIfAbsent(TableName, item),
              {
                Delete: {
                  TableName,
                  Key: { pk: pendingPartition(tenantId), sk: timeOrderKey(record.event) },
                  ConditionExpression: "attribute_exists(pk)",
                },
              },
            ]),
            {
              Put: {
                TableName,
                Item: { pk, sk: headKey, sequence: last.sequence, hash: last.hash },
                ...(previous
                  ? {
                      ConditionExpression: "#hash = :previous",
                      ExpressionAttributeNames: { "#hash": "hash" },
                      ExpressionAttributeValues: { ":previous": previous.hash },
                    }
                  : { ConditionExpression: "attribute_not_exists(pk)" }),
              },
            },
          ],
        }),
      );
    } catch (error) {
      // Cancelled by a condition (another sequencer was first) or a conflicting transaction.
      if (isConditionFailure(error) || (error as Error).name === "TransactionConflictException") {
        throw new ChainMovedError(`The audit chain of ${tenantId} moved: ${(error as Error).message}`);
      }
      throw error;
    }
    return batch.length;
  }

  private chainedItem(record: AuditRecord) {
    return {
      pk: auditPartition(record.tenantId),
      sk: sequenceKey(record.sequence),
      ...indexAttributes(record.tenantId, record.event),
      ...record,
    };
  }

  /** As many records from the start as one transaction holds (by item count and by size), as items. */
  private fittingPrefix(records: AuditRecord[]) {
    let bytes = 0;
    const batch: { record: AuditRecord; item: ReturnType<DynamoDbAuditLog["chainedItem"]> }[] = [];
    for (const record of records.slice(0, this.maxBatch)) {
      const item = this.chainedItem(record);
      // Twice the JSON size over-estimates an item's size (names counted, numbers as text).
      bytes += 2 * Buffer.byteLength(JSON.stringify(item), "utf8") + 512;
      if (batch.length > 0 && bytes > maxTransactionBytes) break;
      batch.push({ record, item });
    }
    return batch;
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

  async pendingSummary(tenantId: string, now: Date, overdueAfterSeconds: number): Promise<PendingSummary> {
    const cutoff = new Date(now.getTime() - overdueAfterSeconds * 1000).toISOString();
    const summary: PendingSummary = { count: 0, overdue: 0 };
    const pages = paginateQuery(
      { client: this.db, pageSize: 1000 },
      {
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": pendingPartition(tenantId) },
        ProjectionExpression: "sk",
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const [eventTime = "", eventID = ""] = String(item.sk).split("#");
        summary.oldest ??= { eventID, eventTime };
        summary.count += 1;
        if (eventTime < cutoff) summary.overdue += 1;
      }
    }
    return summary;
  }

  async lookup(tenantId: string, query: AuditQuery): Promise<Page<AuditEntry>> {
    const cursor = parseAuditCursor(query.cursor);
    const days = daysBetween(query.from, query.to).filter((day) => !cursor || day >= cursor.day);
    if (cursor?.key && cursor.key.gsi1pk !== auditDayPartition(tenantId, cursor.day)) {
      throw new ValidationError("The cursor belongs to another lookup", [
        { path: "cursor", message: "invalid cursor" },
      ]);
    }
    const filter = lookupFilter(query);
    const items: AuditEntry[] = [];
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
        for (const entry of (page.Items ?? []).map(storedEntry)) addOnce(items, entry);
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

function storedEntry(item: Record<string, unknown>): AuditEntry {
  if (typeof item.sequence === "number") return { ...storedRecord(item), state: "chained" };
  return { tenantId: item.tenantId as string, event: item.event as AuditEvent, state: "pending" };
}

/**
 * The index is eventually consistent: while the sequencer moves an event, a page may meet it both
 * pending and chained. It is shown once, chained.
 */
function addOnce(items: AuditEntry[], entry: AuditEntry): void {
  const at = items.findIndex((item) => item.event.eventID === entry.event.eventID);
  if (at === -1) items.push(entry);
  else if (entry.state === "chained") items[at] = entry;
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
