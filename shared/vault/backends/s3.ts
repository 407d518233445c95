import { createHash } from "node:crypto";
import { Readable } from "node:stream";
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
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import {
  type Backend,
  NotFoundInRepositoryError,
  RepositoryAccessError,
  signedUrlLifetimeMs,
} from "../backend.ts";

/**
 * The request body with its SHA-256, which S3 checks on arrival. Parts (a pack: its blobs, header and
 * trailer) are streamed as they are, never copied into one buffer: two 16 MiB packs in flight would
 * otherwise cost 32 MiB more. A pack's SHA-256 is its name, known already: not computed again.
 */
function body(data: Uint8Array | Uint8Array[], knownSha256?: string) {
  const parts = Array.isArray(data) ? data : [data];
  const hash = knownSha256 ? undefined : createHash("sha256");
  let length = 0;
  for (const part of parts) {
    hash?.update(part);
    length += part.byteLength;
  }
  return {
    Body: Array.isArray(data) ? Readable.from(parts, { objectMode: false }) : data,
    ContentLength: length,
    ChecksumSHA256: hash
      ? hash.digest("base64")
      : Buffer.from(knownSha256 as string, "hex").toString("base64"),
  };
}

const deniedNames = [
  "AccessDenied",
  "Forbidden",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
];
const unreachableCodes = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET"];

/** What S3 answers when the bucket or the credentials are wrong, as a clear error; others unchanged. */
function refusal(error: unknown, bucket: string): unknown {
  const { name, message } = error as Error;
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (name === "NoSuchBucket") {
    return new RepositoryAccessError(
      `The bucket ${bucket} does not exist (or these credentials cannot see it)`,
    );
  }
  if (deniedNames.includes(name) || status === 403) {
    return new RepositoryAccessError(`S3 refused access to the bucket ${bucket} (${name})`);
  }
  if (name === "InvalidRequest" && /object ?lock/i.test(message)) {
    return new RepositoryAccessError(
      `The bucket ${bucket} has no Object Lock; govdr keeps backups only in buckets created with Object Lock enabled`,
    );
  }
  if (unreachableCodes.includes(code) || name === "TimeoutError") {
    return new RepositoryAccessError(`Cannot reach S3 for the bucket ${bucket} (${code || name})`);
  }
  return error;
}

/**
 * At most `length` bytes of `body`, copied as they arrive into one buffer of exactly that size (its
 * own memory, not zeroed first: every byte returned is overwritten).
 */
async function readInto(body: Readable, length: number): Promise<Buffer> {
  const bytes = Buffer.allocUnsafeSlow(length);
  let filled = 0;
  for await (const piece of body as AsyncIterable<Buffer>) {
    if (filled + piece.length > length) {
      body.destroy();
      throw new Error(`S3 sent more than the ${length} bytes asked for`);
    }
    piece.copy(bytes, filled);
    filled += piece.length;
  }
  return filled === length ? bytes : bytes.subarray(0, filled);
}

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
    options: { retainUntil?: Date; contentType?: string; sha256?: string } = {},
  ): Promise<{ versionId?: string }> {
    try {
      const { VersionId } = await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key(name),
          ...body(data, options.sha256),
          ContentType: options.contentType,
          ...(options.retainUntil
            ? { ObjectLockMode: "COMPLIANCE", ObjectLockRetainUntilDate: options.retainUntil }
            : {}),
        }),
      );
      return { versionId: VersionId };
    } catch (error) {
      throw refusal(error, this.bucket);
    }
  }

  /**
   * A range comes in a buffer of its own, exactly as long as what S3 sent (shorter when the object
   * ends first, empty when it ends before `offset`), so a restore can transfer it to a worker.
   */
  async get(name: string, range?: { offset: number; length: number }): Promise<Buffer> {
    try {
      const { Body } = await this.s3.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.key(name),
          ...(range ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : {}),
        }),
      );
      if (range && Body instanceof Readable) return await readInto(Body, range.length);
      const bytes = (await Body?.transformToByteArray()) ?? new Uint8Array();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      if (isMissing(error)) throw new NotFoundInRepositoryError(`${name} is missing from ${this.location}`);
      if (range && (error as Error).name === "InvalidRange") return Buffer.alloc(0);
      throw refusal(error, this.bucket);
    }
  }

  /** A presigned GET (SigV4 in the query string), signed here without a request to S3. */
  signedUrl(name: string): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: this.key(name) }), {
      expiresIn: signedUrlLifetimeMs / 1000,
    });
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
      throw refusal(error, this.bucket);
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    const base = this.key("");
    const pages = paginateListObjectsV2(
      { client: this.s3 },
      { Bucket: this.bucket, Prefix: this.key(prefix) },
    );
    try {
      for await (const page of pages) {
        for (const object of page.Contents ?? []) if (object.Key) yield object.Key.slice(base.length);
      }
    } catch (error) {
      throw refusal(error, this.bucket);
    }
  }

  /** Extends the current version's COMPLIANCE retention to `retainUntil`; an equal or later one is kept. */
  async extendRetention(name: string, retainUntil: Date): Promise<void> {
    const current = await this.retention(name);
    if (current && current >= retainUntil) return;
    try {
      await this.s3.send(
        new PutObjectRetentionCommand({
          Bucket: this.bucket,
          Key: this.key(name),
          Retention: { Mode: "COMPLIANCE", RetainUntilDate: retainUntil },
        }),
      );
    } catch (error) {
      throw refusal(error, this.bucket);
    }
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
      throw refusal(error, this.bucket);
    }
  }
}
