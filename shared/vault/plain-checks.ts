/**
 * What the plain checks standing in for zod schemas on hot paths share (D-25): each accepts only
 * what its schema accepts unchanged, so a value with a key the schema would drop goes to the schema.
 */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** No key outside `keys`. */
export function onlyKeys(value: Record<string, unknown>, keys: ReadonlySet<string>): boolean {
  for (const key in value) if (!keys.has(key)) return false;
  return true;
}

/** The keys of a zod object schema. */
export const keysOf = (schema: { shape: object }): ReadonlySet<string> => new Set(Object.keys(schema.shape));
