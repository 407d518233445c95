import {
  GetObjectCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  PutObjectRetentionCommand,
  paginateListObjectsV2,
  type S3Client,
} from "@aws-sdk/client-s3";
import { type Backend, NotFoundInRepositoryError } from "../backend.ts";

const isMissing = (error: unknown) =>
  error instanceof NoSuchKey ||
  error instanceof NotFound ||
  ["NoSuchKey", "NotFound"].includes((error as Error).name);

/**
 * A repository under a prefix of an Object Lock bucket (DESIGN.md: `tenants/{tenantId}/…`). Every
 * object written with a retention is locked in COMPLIANCE mode; retention is only ever extended.
 * Throttling and 5xx answers are retried with backoff by the SDK client (adaptive retry mode).
 */
export class S3Backend implements Backend {
  readonly location: string;

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {
    this.location = `s3://${bucket}/${prefix}`;
  }

  /** The object key of `name`: under the prefix, or at the bucket's root when there is none. */
  private key(name: string): string {
    return this.prefix === "" ? name : `${this.prefix.replace(/\/*$/, "/")}${name}`;
  }

  /** Returns the new object version's id (Object Lock buckets are versioned). */
  async put(
    name: string,
    data: Uint8Array | Uint8Array[],
    options: { retainUntil?: Date; contentType?: string } = {},
  ): Promise<{ versionId?: string }> {
    const { VersionId } = await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.key(name),
        Body: Array.isArray(data) ? Buffer.concat(data) : data,
        ContentType: options.contentType,
        ChecksumAlgorithm: "SHA256",
        ...(options.retainUntil
          ? { ObjectLockMode: "COMPLIANCE", ObjectLockRetainUntilDate: options.retainUntil }
          : {}),
      }),
    );
    return { versionId: VersionId };
  }

  async get(name: string, range?: { offset: number; length: number }): Promise<Buffer> {
    try {
      const { Body } = await this.s3.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.key(name),
          ...(range ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : {}),
        }),
      );
      return Buffer.from((await Body?.transformToByteArray()) ?? new Uint8Array());
    } catch (error) {
      if (isMissing(error)) throw new NotFoundInRepositoryError(`${name} is missing from ${this.location}`);
      throw error;
    }
  }

  async exists(name: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(name) }));
      return true;
    } catch (error) {
      if (
        isMissing(error) ||
        (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
      ) {
        return false;
      }
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    const base = this.key("");
    for await (const page of paginateListObjectsV2(
      { client: this.s3 },
      { Bucket: this.bucket, Prefix: this.key(prefix) },
    )) {
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key.slice(base.length);
    }
  }

  /** Extends the current version's COMPLIANCE retention to `retainUntil`; an equal or later one is kept. */
  async extendRetention(name: string, retainUntil: Date): Promise<void> {
    const current = await this.retention(name);
    if (current && current >= retainUntil) return;
    await this.s3.send(
      new PutObjectRetentionCommand({
        Bucket: this.bucket,
        Key: this.key(name),
        Retention: { Mode: "COMPLIANCE", RetainUntilDate: retainUntil },
      }),
    );
  }

  async retention(name: string): Promise<Date | undefined> {
    try {
      const { Retention } = await this.s3.send(
        new GetObjectRetentionCommand({ Bucket: this.bucket, Key: this.key(name) }),
      );
      return Retention?.RetainUntilDate;
    } catch (error) {
      if (
        ["NoSuchObjectLockConfiguration", "ObjectLockConfigurationNotFoundError"].includes(
          (error as Error).name,
        )
      ) {
        return undefined;
      }
      throw error;
    }
  }
}
