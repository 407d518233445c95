import { z } from "zod";
import { ValidationError } from "../errors.ts";

/** Every list is paginated: at most `limit` items and an opaque cursor for the next page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export const pageRequestSchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString("base64url") : undefined;
}

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (key && typeof key === "object" && !Array.isArray(key)) return key as Record<string, unknown>;
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError("The cursor is not one this API returned", [
    { path: "cursor", message: "invalid cursor" },
  ]);
}

/** Every item of a paginated listing, a page at a time. */
export async function* allItems<T>(
  list: (page: { limit: number; cursor?: string }) => Promise<Page<T>>,
  limit = 100,
): AsyncIterable<T> {
  let cursor: string | undefined;
  do {
    const page = await list({ limit, cursor });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor);
}
