import { createHash } from "node:crypto";
import { z } from "zod";

/**
 * Sources the platform backs up itself, without an agent (D-43): an S3 bucket/prefix and a DynamoDB
 * table, read with a role the unit provides (assumed with ExternalId = the unit's id).
 */
export const serverSourceTypes = ["s3-prefix", "dynamodb-table"] as const;

/** An IAM role the platform may assume: named `govdr-source-…` so its purpose is plain in both accounts. */
export const sourceRoleArn = z
  .string()
  .regex(
    /^arn:[a-z-]+:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*govdr-source-[\w+=,.@-]{1,40}$/,
    "the ARN of a role in the unit's account named govdr-source-<name>, which trusts the platform with ExternalId = the unit's id",
  );

export const tableArnPattern = /^arn:[a-z-]+:dynamodb:([a-z0-9-]+):(\d{12}):table\/([A-Za-z0-9_.-]{3,255})$/;

export const serverSourceSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("s3-prefix"),
    bucket: z.string().min(3).max(63),
    prefix: z.string().max(1024),
    roleArn: sourceRoleArn,
  }),
  z.object({
    type: z.literal("dynamodb-table"),
    tableArn: z.string().regex(tableArnPattern),
    roleArn: sourceRoleArn,
  }),
]);
export type ServerSource = z.infer<typeof serverSourceSchema>;

/** Buckets and tables whose names the platform's own resources use: never a unit's source. */
const platformBucket = /^govdr-/;
const platformTable = /^Govdr-/;

/** Why a server-side source may not be backed up into a unit's repository, with the field to fix; none when it may. */
export function platformResourceRefusal(
  source: { type: string; bucket?: string; tableArn?: string },
  platform: { buckets: readonly string[]; tables: readonly string[] },
): { field: "bucket" | "tableArn"; message: string } | undefined {
  if (source.type === "s3-prefix" && source.bucket !== undefined) {
    if (platformBucket.test(source.bucket) || platform.buckets.includes(source.bucket)) {
      return {
        field: "bucket",
        message:
          "a bucket of the platform's own (names starting govdr- are reserved for it); name the unit's bucket",
      };
    }
  }
  if (source.type === "dynamodb-table" && source.tableArn !== undefined) {
    const table = tableArnPattern.exec(source.tableArn)?.[3] ?? "";
    if (platformTable.test(table) || platform.tables.includes(table)) {
      return {
        field: "tableArn",
        message:
          "a table of the platform's own (names starting Govdr- are reserved for it); name the unit's table",
      };
    }
  }
  return undefined;
}

const shortHash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 8);
const safe = (text: string) =>
  text
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^[._]+|_+$/g, "")
    .slice(0, 160);

/**
 * The snapshot's top-level name of a source: readable, one path component, and different for
 * different sources (the hash tells `a/b` and `a_b` apart).
 */
export function serverSourceName(source: ServerSource): string {
  if (source.type === "s3-prefix") {
    return source.prefix === ""
      ? `s3-${source.bucket}`
      : `s3-${source.bucket}-${safe(source.prefix) || "prefix"}-${shortHash(source.prefix)}`;
  }
  const [, region, account, table] = tableArnPattern.exec(source.tableArn) ?? [];
  return `dynamodb-${safe(table ?? "table")}-${region}-${account}-${shortHash(source.tableArn)}`;
}

/** How the manifest lists a source: what the next backup matches to find its parent. */
export function serverSourceLabel(source: ServerSource): string {
  return source.type === "s3-prefix"
    ? `s3://${source.bucket}/${source.prefix}`
    : `dynamodb:${source.tableArn}`;
}

/** The region and table name of a table's ARN. */
export function tableOf(tableArn: string): { region: string; account: string; name: string } {
  const [, region, account, name] = tableArnPattern.exec(tableArn) ?? [];
  if (!region || !account || !name) throw new Error(`${tableArn} is not a DynamoDB table ARN`);
  return { region, account, name };
}
