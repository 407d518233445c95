import { S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoDbArchiveCursors } from "../stores/dynamodb/archive-cursors.ts";
import { S3ArchiveObjects } from "../stores/s3/archive-objects.ts";

/** The audit archive wired to AWS: its cursors in the audit table, its objects in the locked bucket. */
export function awsAuditArchive(
  db: DynamoDBDocumentClient,
  env: { AUDIT_TABLE: string; AUDIT_ARCHIVE_BUCKET: string },
) {
  return {
    cursors: new DynamoDbArchiveCursors(db, env.AUDIT_TABLE),
    objects: new S3ArchiveObjects(new S3Client({}), env.AUDIT_ARCHIVE_BUCKET),
  };
}
