import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { archiveAllTrails } from "../../shared/audit/archive-all.ts";
import { DynamoDbArchiveCursors } from "../../shared/audit/dynamodb-archive-cursors.ts";
import { DynamoDbAuditLog } from "../../shared/audit/dynamodb-audit-log.ts";
import { S3ArchiveObjects } from "../../shared/audit/s3-archive-objects.ts";
import { auditArchiverFunctionEnv } from "../../shared/config/function-env.ts";
import { ValidationError } from "../../shared/errors.ts";
import { parseFunctionEnv } from "../../shared/lambda/env.ts";
import { DynamoDbTenantStore } from "../../shared/stores/dynamodb/tenant-store.ts";

const logger = new Logger();
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const s3 = new S3Client({});

/** A scheduled event archives every trail; an operator may name trails: `{"tenantIds": ["t-…"]}`. */
const archiveRequest = z.looseObject({
  tenantIds: z.array(z.string().min(1).max(64)).min(1).max(100).optional(),
});

/** Archives audit trails' new records (throws AuditArchiveIncompleteError, ValidationError). */
export async function handler(event: unknown) {
  const env = parseFunctionEnv(auditArchiverFunctionEnv);
  const request = archiveRequest.safeParse(event ?? {});
  if (!request.success) {
    const fieldErrors = request.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    throw new ValidationError("Invalid archive request", fieldErrors);
  }
  const runs = await archiveAllTrails(
    {
      tenants: new DynamoDbTenantStore(db, env.TENANTS_TABLE),
      audit: new DynamoDbAuditLog(db, env.AUDIT_TABLE),
      cursors: new DynamoDbArchiveCursors(db, env.AUDIT_TABLE),
      objects: new S3ArchiveObjects(s3, env.AUDIT_ARCHIVE_BUCKET),
      now: () => new Date(),
    },
    { retentionDays: env.AUDIT_RETENTION_DAYS, batchSize: 1000 },
    request.data.tenantIds,
  );
  const archived = runs.filter((run) => run.records > 0);
  logger.info("audit archive pass", { trails: runs.length, archived });
  return { trails: runs.length, records: archived.reduce((sum, run) => sum + run.records, 0), archived };
}
