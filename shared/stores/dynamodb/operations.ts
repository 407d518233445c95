import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { z } from "zod";
import { ConflictError, fieldErrorsOf, StoredItemInvalidError, ValidationError } from "../../errors.ts";
import { decodeCursor, encodeCursor, type Page } from "../page.ts";
import { isConditionFailure } from "./keys.ts";

/** Condition for optimistic locking: the stored item is the version just before `version`. */
export function previousVersion(version: number) {
  return {
    ConditionExpression: "version = :previous",
    ExpressionAttributeValues: { ":previous": version - 1 },
  };
}

/**
 * Replaces an item only if nobody changed it since it was read; otherwise a 409 STALE_VERSION.
 * Version 1 is the first write: it succeeds only while no item exists yet.
 */
export async function putIfVersion(
  db: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown> & { version: number },
  what: string,
): Promise<void> {
  const condition =
    item.version === 1 ? { ConditionExpression: "attribute_not_exists(pk)" } : previousVersion(item.version);
  try {
    await db.send(new PutCommand({ TableName: tableName, Item: item, ...condition }));
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    throw new ConflictError(`${what} was changed meanwhile; reload and try again`, "STALE_VERSION");
  }
}

/**
 * One page of a Query on `key = value` (optionally `begins_with(sk, prefix)`), continuing from a
 * cursor this listing returned. A cursor from another listing, or another tenant's, is refused.
 */
export async function queryPage<T>(
  db: DynamoDBDocumentClient,
  query: {
    tableName: string;
    indexName?: string;
    key: "pk" | "gsi1pk";
    value: string;
    skPrefix?: string;
    /** Highest sort key first (e.g. newest first when the sort key starts with a time). */
    descending?: boolean;
  },
  page: { limit: number; cursor?: string },
  parse: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const start = decodeCursor(page.cursor);
  if (
    start &&
    (start[query.key] !== query.value || (query.skPrefix && !String(start.sk).startsWith(query.skPrefix)))
  ) {
    throw new ValidationError("The cursor belongs to another listing", [
      { path: "cursor", message: "invalid cursor" },
    ]);
  }
  const { Items = [], LastEvaluatedKey } = await db.send(
    new QueryCommand({
      TableName: query.tableName,
      IndexName: query.indexName,
      KeyConditionExpression: query.skPrefix ? "#key = :value AND begins_with(sk, :prefix)" : "#key = :value",
      ExpressionAttributeNames: { "#key": query.key },
      ExpressionAttributeValues: {
        ":value": query.value,
        ...(query.skPrefix ? { ":prefix": query.skPrefix } : {}),
      },
      Limit: page.limit,
      ExclusiveStartKey: start,
      ScanIndexForward: !query.descending,
    }),
  );
  return { items: Items.map(parse), nextCursor: encodeCursor(LastEvaluatedKey) };
}

/** The stored attributes of an item without its key and index attributes. */
export const withoutKeys = ({
  pk: _pk,
  sk: _sk,
  gsi1pk: _g1,
  gsi1sk: _g2,
  ...rest
}: Record<string, unknown>) => rest;

/**
 * A stored item's attributes checked against their schema. An item that does not match was corrupted
 * or written by other code: a StoredItemInvalidError naming the item (a 500), never a 400.
 */
export function storedItem<S extends z.ZodType>(
  schema: S,
  tableName: string,
  item: Record<string, unknown>,
): z.infer<S> {
  const parsed = schema.safeParse(withoutKeys(item));
  if (parsed.success) return parsed.data;
  throw new StoredItemInvalidError(
    { table: tableName, key: { pk: item.pk, sk: item.sk } },
    fieldErrorsOf(parsed.error),
  );
}
