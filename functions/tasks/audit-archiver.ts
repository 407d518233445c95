import { z } from "zod";
import { archiveAllTrails } from "../../shared/audit/archive-all.ts";
import { awsAuditArchive } from "../../shared/aws/audit-archive.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { auditArchiverFunctionEnv } from "../../shared/config/function-env.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";

/** A scheduled event archives every trail; an operator may name trails: `{"tenantIds": ["t-…"]}`. */
const archiveRequest = z.looseObject({
  tenantIds: z.array(z.string().min(1).max(64)).min(1).max(100).optional(),
});

/** Archives audit trails' new records (throws AuditArchiveIncompleteError, ValidationError). */
export const handler = taskHandler(
  auditArchiverFunctionEnv,
  {
    deps: (env) => {
      const directory = awsDirectory(env);
      return { ...directory, archive: awsAuditArchive(directory.db, env) };
    },
    input: archiveRequest,
  },
  async (request, { env, deps, logger }) => {
    const runs = await archiveAllTrails(
      { tenants: deps.tenants, audit: deps.audit, ...deps.archive, now: deps.now },
      { retentionDays: env.AUDIT_RETENTION_DAYS, batchSize: 1000 },
      request.tenantIds,
    );
    const archived = runs.filter((run) => run.records > 0);
    logger.info("audit archive pass", { trails: runs.length, archived });
    return { trails: runs.length, records: archived.reduce((sum, run) => sum + run.records, 0), archived };
  },
);
