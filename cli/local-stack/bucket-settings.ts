import {
  GetBucketEncryptionCommand,
  GetBucketLoggingCommand,
  GetBucketReplicationCommand,
  GetObjectLockConfigurationCommand,
  PutBucketEncryptionCommand,
  PutBucketLoggingCommand,
  PutBucketReplicationCommand,
  PutObjectLockConfigurationCommand,
  type S3Client,
} from "@aws-sdk/client-s3";

type Props = Record<string, unknown>;

/**
 * A bucket setting that some emulators' CloudFormation ignores, expressed once: how to read it
 * from the template's (already resolved) properties, how to read it back, and how to apply it
 * through the S3 API. Values are compared in the S3 API's shape.
 */
export interface BucketSetting {
  name: string;
  desired(props: Props): unknown;
  actual(s3: S3Client, bucket: string): Promise<unknown>;
  apply(s3: S3Client, bucket: string, value: unknown): Promise<void>;
}

/** S3 answers "not configured" with an error; that is an absent setting, not a failure. */
async function orAbsent<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    const name = (error as Error).name;
    if (/NotFound|NoSuch/.test(name)) return undefined;
    throw error;
  }
}

const renameKeys = (value: unknown, renames: Record<string, string>): unknown => {
  if (Array.isArray(value)) return value.map((v) => renameKeys(v, renames));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value as Props).map(([k, v]) => [renames[k] ?? k, renameKeys(v, renames)]),
  );
};

export const bucketSettings: BucketSetting[] = [
  {
    name: "ObjectLockConfiguration",
    desired: (p) => p.ObjectLockConfiguration,
    actual: (s3, Bucket) =>
      orAbsent(
        async () =>
          (await s3.send(new GetObjectLockConfigurationCommand({ Bucket }))).ObjectLockConfiguration,
      ),
    apply: async (s3, Bucket, value) => {
      await s3.send(
        new PutObjectLockConfigurationCommand({ Bucket, ObjectLockConfiguration: value as never }),
      );
    },
  },
  {
    name: "ReplicationConfiguration",
    desired: (p) =>
      p.ReplicationConfiguration ? renameKeys(p.ReplicationConfiguration, { Id: "ID" }) : undefined,
    actual: (s3, Bucket) =>
      orAbsent(
        async () => (await s3.send(new GetBucketReplicationCommand({ Bucket }))).ReplicationConfiguration,
      ),
    apply: async (s3, Bucket, value) => {
      await s3.send(new PutBucketReplicationCommand({ Bucket, ReplicationConfiguration: value as never }));
    },
  },
  {
    name: "BucketEncryption",
    desired: (p) => {
      const rules = (p.BucketEncryption as Props | undefined)?.ServerSideEncryptionConfiguration;
      return rules
        ? {
            Rules: renameKeys(rules, { ServerSideEncryptionByDefault: "ApplyServerSideEncryptionByDefault" }),
          }
        : undefined;
    },
    actual: (s3, Bucket) =>
      orAbsent(
        async () =>
          (await s3.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration,
      ),
    apply: async (s3, Bucket, value) => {
      await s3.send(
        new PutBucketEncryptionCommand({ Bucket, ServerSideEncryptionConfiguration: value as never }),
      );
    },
  },
  {
    name: "LoggingConfiguration",
    desired: (p) => {
      const logging = p.LoggingConfiguration as Props | undefined;
      return logging
        ? {
            LoggingEnabled: {
              TargetBucket: logging.DestinationBucketName,
              TargetPrefix: logging.LogFilePrefix ?? "",
            },
          }
        : undefined;
    },
    actual: (s3, Bucket) =>
      orAbsent(async () => {
        const { LoggingEnabled } = await s3.send(new GetBucketLoggingCommand({ Bucket }));
        return LoggingEnabled ? { LoggingEnabled } : undefined;
      }),
    apply: async (s3, Bucket, value) => {
      await s3.send(new PutBucketLoggingCommand({ Bucket, BucketLoggingStatus: value as never }));
    },
  },
];

/** True when every field of `desired` is present with the same value in `actual`. */
export function satisfies(desired: unknown, actual: unknown): boolean {
  if (Array.isArray(desired)) {
    return (
      Array.isArray(actual) &&
      desired.length === actual.length &&
      desired.every((d, i) => satisfies(d, actual[i]))
    );
  }
  if (desired !== null && typeof desired === "object") {
    if (actual === null || typeof actual !== "object") return false;
    return Object.entries(desired as Props).every(([k, v]) => satisfies(v, (actual as Props)[k]));
  }
  return String(desired) === String(actual);
}
