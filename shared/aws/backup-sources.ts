import {
  type AttributeValue,
  DescribeTableCommand,
  DynamoDBClient,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, ListObjectsV2Command, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { STSClient } from "@aws-sdk/client-sts";
import type { BackupSources } from "../backups/backup-steps.ts";
import {
  type ServerSource,
  serverSourceLabel,
  serverSourceName,
  tableOf,
} from "../backups/server-sources.ts";
import { errorClass } from "../errors.ts";
import type { ObjectSource, SourceObject } from "../vault/object-backup.ts";
import { assumeUnitRole, type UnitRoleCredentials } from "./unit-role.ts";

/** The unit's role could not be assumed, or it may not read the source (D-43). */
export class SourceAccessDeniedError extends errorClass("SOURCE_ACCESS_DENIED") {}

type Credentials = UnitRoleCredentials;

const denied = [
  "AccessDenied",
  "AccessDeniedException",
  "Forbidden",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
];

/** An SDK refusal as a SourceAccessDeniedError naming the source; anything else as it is. */
function refusal(error: unknown, what: string): unknown {
  const { name } = error as Error;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (denied.includes(name) || status === 403) {
    return new SourceAccessDeniedError(
      `${what} refused the unit's role (${name}); check the role's permissions`,
    );
  }
  if (name === "NoSuchBucket" || name === "ResourceNotFoundException") {
    return new SourceAccessDeniedError(`${what} does not exist, or the unit's role cannot see it (${name})`);
  }
  return error;
}

/** DynamoDB JSON as the table export writes it (`{"Item": {...}}`): binary values in base64. */
function exportValue(value: AttributeValue): unknown {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString("base64") };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString("base64")) };
  if (value.L !== undefined) return { L: value.L.map(exportValue) };
  if (value.M !== undefined) return { M: exportItem(value.M) };
  const { $unknown: _unknown, ...plain } = value as AttributeValue & { $unknown?: unknown };
  return plain;
}
const exportItem = (item: Record<string, AttributeValue>) =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, exportValue(value)]));

/**
 * S3 as the unit's role: in `region`, following a bucket's own region, retried adaptively, and
 * path-style at an emulator's `endpoint`.
 */
export function unitS3Client(
  region: string,
  credentials: S3ClientConfig["credentials"],
  endpoint?: string,
): S3Client {
  return new S3Client({
    region,
    credentials,
    followRegionRedirects: true,
    maxAttempts: 8,
    retryMode: "adaptive",
    forcePathStyle: !!endpoint,
  });
}

/** Objects under a prefix, listed a page (1,000 keys) at a time in key order, read as streams. */
export function s3PrefixSource(
  s3: S3Client,
  source: Extract<ServerSource, { type: "s3-prefix" }>,
): ObjectSource {
  const label = serverSourceLabel(source);
  return {
    name: serverSourceName(source),
    label,
    ordered: true,
    async *objects(cursor) {
      let token: string | undefined;
      do {
        const page = await s3
          .send(
            new ListObjectsV2Command({
              Bucket: source.bucket,
              Prefix: source.prefix,
              ContinuationToken: token,
              ...(token || cursor === undefined ? {} : { StartAfter: `${source.prefix}${cursor}` }),
            }),
          )
          .catch((error) => {
            throw refusal(error, label);
          });
        for (const listed of page.Contents ?? []) {
          if (!listed.Key?.startsWith(source.prefix)) continue;
          const key = listed.Key.slice(source.prefix.length);
          const fullKey = listed.Key;
          const object: SourceObject = {
            key,
            size: listed.Size ?? 0,
            mtime: listed.LastModified ?? new Date(0),
            ...(listed.ETag ? { identity: `etag:${listed.ETag}` } : {}),
            read: async () => {
              try {
                const got = await s3.send(new GetObjectCommand({ Bucket: source.bucket, Key: fullKey }));
                const body = got.Body as AsyncIterable<Uint8Array> | undefined;
                const replaced = got.ETag !== undefined && got.ETag !== listed.ETag;
                return {
                  stream: body ?? (async function* () {})(),
                  // Replaced since it was listed: what was read is recorded, and read again next time.
                  ...(replaced
                    ? {
                        identity: `etag:${got.ETag}`,
                        ...(got.LastModified ? { mtime: got.LastModified } : {}),
                      }
                    : {}),
                };
              } catch (error) {
                if ((error as Error).name === "NoSuchKey") return undefined;
                throw refusal(error, `s3://${source.bucket}/${fullKey}`);
              }
            },
          };
          yield { object, cursor: () => key };
        }
        token = page.NextContinuationToken;
      } while (token);
    },
  };
}

interface TableCursor {
  /** The next part to write (0: the table's description comes first). */
  part: number;
  lastKey?: Record<string, AttributeValue>;
  done?: boolean;
}

const encodeKey = (key: Record<string, AttributeValue> | undefined) =>
  key ? JSON.stringify(exportItem(key)) : undefined;
function decodeValue(value: Record<string, unknown>): AttributeValue {
  if (typeof value.B === "string") return { B: Buffer.from(value.B, "base64") };
  return value as unknown as AttributeValue;
}

/**
 * A table's items, by a paginated Scan with ConsistentRead, as JSON Lines in the table export's
 * DYNAMODB_JSON format, in parts of about `partBytes` (each part ends at a page, so a slice ends
 * between parts, D-43); `table.json` holds DescribeTable's answer, to create the table again.
 */
export function dynamoDbTableSource(
  dynamodb: DynamoDBClient,
  source: Extract<ServerSource, { type: "dynamodb-table" }>,
  options: { partBytes?: number; now?: () => Date } = {},
): ObjectSource {
  const label = serverSourceLabel(source);
  const partBytes = options.partBytes ?? 64 << 20;
  const now = options.now ?? (() => new Date());
  const table = tableOf(source.tableArn).name;
  const fail = (error: unknown) => {
    throw refusal(error, `The table ${source.tableArn}`);
  };
  return {
    name: serverSourceName(source),
    label,
    ordered: false,
    async *objects(cursor): AsyncIterable<{ object: SourceObject; cursor(): string }> {
      const parsed = cursor
        ? (JSON.parse(cursor) as { part: number; lastKey?: string; done?: boolean })
        : undefined;
      const state: TableCursor = {
        part: parsed?.part ?? 0,
        ...(parsed?.lastKey
          ? {
              lastKey: Object.fromEntries(
                Object.entries(JSON.parse(parsed.lastKey) as Record<string, Record<string, unknown>>).map(
                  ([name, value]) => [name, decodeValue(value)],
                ),
              ),
            }
          : {}),
        ...(parsed?.done ? { done: true } : {}),
      };
      const cursorOf = (next: TableCursor) => () =>
        JSON.stringify({ part: next.part, lastKey: encodeKey(next.lastKey), done: next.done });
      if (!cursor) {
        const described = await dynamodb.send(new DescribeTableCommand({ TableName: table })).catch(fail);
        const text = Buffer.from(`${JSON.stringify(described.Table ?? {}, null, 2)}\n`, "utf8");
        yield {
          object: {
            key: "table.json",
            size: text.length,
            mtime: now(),
            read: async () => ({ stream: [text] }),
          },
          cursor: cursorOf({ part: 1 }),
        };
        state.part = 1;
      }
      while (!state.done) {
        const part = state.part;
        const next: TableCursor = { part: part + 1 };
        const startKey = state.lastKey;
        async function* items(): AsyncIterable<Uint8Array> {
          let lastKey = startKey;
          let bytes = 0;
          do {
            const page = await dynamodb
              .send(
                new ScanCommand({
                  TableName: table,
                  ConsistentRead: true,
                  ExclusiveStartKey: lastKey,
                }),
              )
              .catch(fail);
            const lines = (page.Items ?? []).map((item) => `${JSON.stringify({ Item: exportItem(item) })}\n`);
            const chunk = Buffer.from(lines.join(""), "utf8");
            bytes += chunk.length;
            if (chunk.length > 0) yield chunk;
            lastKey = page.LastEvaluatedKey;
          } while (lastKey && bytes < partBytes);
          if (lastKey) next.lastKey = lastKey;
          else next.done = true;
        }
        yield {
          object: {
            key: `items-${String(part).padStart(6, "0")}.jsonl`,
            size: 0,
            mtime: now(),
            read: async () => ({ stream: items() }),
          },
          cursor: cursorOf(next),
        };
        Object.assign(state, { part: next.part, lastKey: next.lastKey, done: next.done });
      }
    },
  };
}

/**
 * Sources read with the unit's own role: assumed with ExternalId = the unit's id, so a unit can
 * name only roles that trust the platform for it (D-43). The platform's own credentials never
 * read a source.
 */
export function assumedRoleSources(config: {
  region: string;
  sts?: STSClient;
  /** Emulators: path-style S3 at the endpoint of AWS_ENDPOINT_URL. */
  endpoint?: string;
}): BackupSources {
  const sts = config.sts ?? new STSClient({});
  return {
    open: async (tenantId, jobId, sources) => {
      const roles = new Map<string, Credentials>();
      const credentialsOf = async (roleArn: string) => {
        const known = roles.get(roleArn);
        if (known) return known;
        const credentials = await assumeUnitRole(
          sts,
          { roleArn, tenantId, sessionName: `govdr-backup-${jobId}`, durationSeconds: 3600 },
          (message) => new SourceAccessDeniedError(message),
        );
        roles.set(roleArn, credentials);
        return credentials;
      };
      const opened: ObjectSource[] = [];
      for (const source of sources) {
        const credentials = await credentialsOf(source.roleArn);
        if (source.type === "s3-prefix") {
          opened.push(s3PrefixSource(unitS3Client(config.region, credentials, config.endpoint), source));
        } else {
          const dynamodb = new DynamoDBClient({
            region: tableOf(source.tableArn).region,
            credentials,
            maxAttempts: 8,
            retryMode: "adaptive",
          });
          opened.push(dynamoDbTableSource(dynamodb, source));
        }
      }
      return opened;
    },
  };
}
