import { z } from "zod";
import { suiteNames } from "./suites.ts";

/** An index file: the packs one backup session wrote and the blobs in each. */
export const indexSchema = z.object({
  packs: z.array(
    z.object({
      pack: z.string(),
      suite: z.enum(suiteNames),
      blobs: z.array(
        z.object({
          type: z.enum(["data", "tree"]),
          id: z.string(),
          offset: z.number(),
          length: z.number(),
          rawLength: z.number(),
        }),
      ),
    }),
  ),
});
export type IndexDocument = z.infer<typeof indexSchema>;

const finite = (value: unknown) => typeof value === "number" && Number.isFinite(value);
const record = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
/** Exactly these keys (the schema would drop others: such values go to it). */
const keysAre = (value: Record<string, unknown>, keys: ReadonlySet<string>) => {
  let count = 0;
  for (const key in value) {
    if (!keys.has(key)) return false;
    count += 1;
  }
  return count === keys.size;
};
const documentKeys = new Set(["packs"]);
const packKeys = new Set(["pack", "suite", "blobs"]);
const blobKeys = new Set(["type", "id", "offset", "length", "rawLength"]);

/**
 * indexSchema's rules as plain checks: opening a repository reads every index, one entry per blob,
 * and zod costs about a microsecond an entry. True only for what the schema accepts unchanged; a
 * property test holds the two together (as isTreeEntry, D-25).
 */
export function isIndexDocument(value: unknown): value is IndexDocument {
  if (!record(value) || !keysAre(value, documentKeys) || !Array.isArray(value.packs)) return false;
  return value.packs.every(
    (pack: unknown) =>
      record(pack) &&
      keysAre(pack, packKeys) &&
      typeof pack.pack === "string" &&
      (suiteNames as readonly unknown[]).includes(pack.suite) &&
      Array.isArray(pack.blobs) &&
      pack.blobs.every(
        (blob: unknown) =>
          record(blob) &&
          keysAre(blob, blobKeys) &&
          (blob.type === "data" || blob.type === "tree") &&
          typeof blob.id === "string" &&
          finite(blob.offset) &&
          finite(blob.length) &&
          finite(blob.rawLength),
      ),
  );
}

/** An index file's contents, checked; what the schema refuses throws its error. */
export const parseIndexDocument = (value: unknown): IndexDocument =>
  isIndexDocument(value) ? value : indexSchema.parse(value);
