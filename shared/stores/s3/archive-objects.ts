import type { S3Client } from "@aws-sdk/client-s3";
import type { ArchiveObjects } from "../../audit/archive.ts";
import { NotFoundInRepositoryError } from "../../vault/backend.ts";
import { S3Backend } from "../../vault/backends/s3.ts";

/** Archive objects in an Object Lock bucket, written like vault objects: every version under COMPLIANCE retention. */
export class S3ArchiveObjects implements ArchiveObjects {
  private readonly objects: S3Backend;

  constructor(
    s3: S3Client,
    private readonly bucket: string,
  ) {
    this.objects = new S3Backend(s3, bucket, "");
  }

  async put(key: string, body: Uint8Array, retainUntil: Date): Promise<{ versionId: string }> {
    const contentType = key.endsWith(".json") ? "application/json" : "application/x-ndjson";
    const { versionId } = await this.objects.put(key, body, { retainUntil, contentType });
    if (!versionId)
      throw new Error(`The archive bucket ${this.bucket} is not versioned (no VersionId for ${key})`);
    return { versionId };
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await this.objects.get(key);
    } catch (error) {
      if (error instanceof NotFoundInRepositoryError) return undefined;
      throw error;
    }
  }
}
