import { Logger } from "@aws-lambda-powertools/logger";
import { z } from "zod";
import { archiveAllTrails } from "../../shared/audit/archive-all.ts";
import { awsAuditArchive } from "../../shared/aws/audit-archive.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { auditArchiverFunctionEnv } from "../../shared/config/function-env.ts";
import { fieldErrorsOf, ValidationError } from "../../shared/errors.ts";
import { parseFunctionEnv } from "../../shared/lambda/env.ts";

const logger = new Logger();
let deps: ReturnType<typeof wire> | undefined;
const wire = () => {
  const env = parseFunctionEnv(auditArchiverFunctionEnv);
  const directory = awsDirectory(env);
  return { env, directory, archive: awsAuditArchive(directory.db, env) };
};

/** A scheduled event archives every trail; an operator may name trails: `{"tenantIds": ["t-…"]}`. */
const archiveRequest = z.looseObject({
  tenantIds: z.array(z.string().min(1).max(64)).min(1).max(100).optional(),
});

/** Archives audit trails' new records (throws AuditArchiveIncompleteError, ValidationError). */
export async function handler(event: unknown) {
  deps ??= wire();
  const { env, directory, archive } = deps;
  const request = archiveRequest.safeParse(event ?? {});
  if (!request.success) throw new ValidationError("Invalid archive request", fieldErrorsOf(request.error));
  const runs = await archiveAllTrails(
    { tenants: directory.tenants, audit: directory.audit, ...archive, now: directory.now },
    { retentionDays: env.AUDIT_RETENTION_DAYS, batchSize: 1000 },
    request.data.tenantIds,
  );
  const archived = runs.filter((run) => run.records > 0);
  logger.info("audit archive pass", { trails: runs.length, archived });
  return { trails: runs.length, records: archived.reduce((sum, run) => sum + run.records, 0), archived };
}
