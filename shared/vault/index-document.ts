import { z } from "zod";
import { isRecord, keysOf, onlyKeys } from "./plain-checks.ts";
import { suiteNames } from "./suites.ts";

const blobSchema = z.object({
  type: z.enum(["data", "tree"]),
  id: z.string(),
  offset: z.number(),
  length: z.number(),
  rawLength: z.number(),
});
const packSchema = z.object({ pack: z.string(), suite: z.enum(suiteNames), blobs: z.array(blobSchema) });
/** An index file: the packs one backup session wrote and the blobs in each. */
export const indexSchema = z.object({ packs: z.array(packSchema) });
export type IndexDocument = z.infer<typeof indexSchema>;

const finite = (value: unknown) => typeof value === "number" && Number.isFinite(value);
const [documentKeys, packKeys, blobKeys] = [keysOf(indexSchema), keysOf(packSchema), keysOf(blobSchema)];

/**
 * indexSchema's rules as plain checks: opening a repository reads every index, one entry per blob,
 * and zod costs about a microsecond an entry. True only for what the schema accepts unchanged; a
 * property test holds the two together (as isTreeEntry, D-25).
 */
export function isIndexDocument(value: unknown): value is IndexDocument {
  if (!isRecord(value) || !onlyKeys(value, documentKeys) || !Array.isArray(value.packs)) return false;
  return value.packs.every(
    (pack: unknown) =>
      isRecord(pack) &&
      onlyKeys(pack, packKeys) &&
      typeof pack.pack === "string" &&
      (suiteNames as readonly unknown[]).includes(pack.suite) &&
      Array.isArray(pack.blobs) &&
      pack.blobs.every(
        (blob: unknown) =>
          isRecord(blob) &&
          onlyKeys(blob, blobKeys) &&
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
