import type { Readable } from "node:stream";
import { DeleteObjectsCommand, paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Sandbox } from "../../drills/sandbox.ts";

/**
 * A drill's sandbox as a prefix of the DR region's sandbox bucket (unversioned, no Object Lock,
 * expiring: infra/stacks/vault-stack.ts). Files stream in as multipart uploads of 8 MiB parts, two
 * at a time, so a file of any size costs 16 MiB; a body that fails aborts its upload.
 */
export class S3Sandbox implements Sandbox {
  readonly location: string;

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {
    this.location = `s3://${bucket}/`;
  }

  async write(key: string, body: Readable, size: number): Promise<void> {
    const upload = new Upload({
      client: this.s3,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentLength: size },
      partSize: 8 * 1024 * 1024,
      queueSize: 2,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  async *list(
    prefix: string,
    options: { directOnly?: boolean } = {},
  ): AsyncIterable<{ key: string; size: number }> {
    for await (const page of paginateListObjectsV2(
      { client: this.s3 },
      { Bucket: this.bucket, Prefix: prefix, Delimiter: options.directOnly ? "/" : undefined },
    )) {
      for (const object of page.Contents ?? []) {
        if (object.Key) yield { key: object.Key, size: object.Size ?? 0 };
      }
    }
  }

  async removeAll(prefix: string): Promise<number> {
    let removed = 0;
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const { Errors = [] } = await this.s3.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      if (Errors.length > 0) {
        throw new Error(
          `${Errors.length} sandbox objects were not removed, e.g. ${Errors[0]?.Key}: ${Errors[0]?.Message}`,
        );
      }
      removed += batch.length;
      batch = [];
    };
    for await (const object of this.list(prefix)) {
      batch.push(object.key);
      if (batch.length === 1000) await flush();
    }
    await flush();
    return removed;
  }
}
