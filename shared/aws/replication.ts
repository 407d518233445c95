import { paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";
import type { ListedObject, VaultListings } from "../replication/measure.ts";
import { drRepositoryMapping, s3Client } from "./drills.ts";

/** A prefix's objects page by page, in S3's key order; only one page is held at a time. */
async function* listAll(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<ListedObject> {
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) {
      if (object.Key) {
        yield { key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) };
      }
    }
  }
}

/** Both vaults listed through S3; a repository is followed only in the platform's vault, under its own tenant. */
export function s3VaultListings(env: {
  VAULT_BUCKET: string;
  DR_VAULT_BUCKET: string;
  DR_REGION: string;
}): VaultListings {
  const primary = s3Client();
  const dr = s3Client(env.DR_REGION);
  const toDr = drRepositoryMapping(env.VAULT_BUCKET, env.DR_VAULT_BUCKET);
  return {
    prefixOf: (record) => toDr(record)?.replace(`s3://${env.DR_VAULT_BUCKET}/`, ""),
    primary: (prefix) => listAll(primary, env.VAULT_BUCKET, prefix),
    dr: (prefix) => listAll(dr, env.DR_VAULT_BUCKET, prefix),
  };
}
