import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ArchiveObjects } from "./archive.ts";

/** Archive objects in an Object Lock bucket: every version is put under COMPLIANCE retention. */
export class S3ArchiveObjects implements ArchiveObjects {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: Uint8Array, retainUntil: Date): Promise<{ versionId: string }> {
    const { VersionId } = await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: key.endsWith(".json") ? "application/json" : "application/x-ndjson",
        ChecksumAlgorithm: "SHA256",
        ObjectLockMode: "COMPLIANCE",
        ObjectLockRetainUntilDate: retainUntil,
      }),
    );
    if (!VersionId)
      throw new Error(`The archive bucket ${this.bucket} is not versioned (no VersionId for ${key})`);
    return { versionId: VersionId };
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Body ? await Body.transformToByteArray() : undefined;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as Error).name === "NoSuchKey") return undefined;
      throw error;
    }
  }
}
