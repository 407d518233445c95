import type { APIGatewayProxyEvent } from "aws-lambda";
import { requests } from "../../shared/api/request-schemas.ts";
import { platformTenant } from "../../shared/audit/api-event.ts";
import { verifyArchive } from "../../shared/audit/archive.ts";
import { toCsv, toJsonLines } from "../../shared/audit/export.ts";
import { verifyTrail } from "../../shared/audit/verify-trail.ts";
import { awsAuditArchive } from "../../shared/aws/audit-archive.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { auditFunctionEnv } from "../../shared/config/function-env.ts";
import { authorize } from "../../shared/identity/permissions.ts";
import { requireCaller } from "../../shared/lambda/caller.ts";
import { resourceHandler } from "../../shared/lambda/resource-handler.ts";

/**
 * Which tenant's trail the caller reads: a tenant auditor its own (another tenant's is a 404), a
 * platform auditor any tenant's, by `tenantId`, or the platform's own trail by default.
 */
function trailOf(event: APIGatewayProxyEvent): string {
  const caller = requireCaller(event);
  const requested = event.queryStringParameters?.tenantId;
  const tenantId = requested ?? (caller.roles.includes("platform-auditor") ? platformTenant : caller.tid);
  authorize(caller, "audit:read", tenantId);
  return tenantId;
}

const query = (event: APIGatewayProxyEvent) => {
  const { tenantId: _t, format: _f, ...filters } = event.queryStringParameters ?? {};
  return requests.auditQuery.parse(filters);
};

/** The auditor API: lookup, export and verification of a tenant's hash-chained trail (R-AU). */
export const handler = resourceHandler(
  auditFunctionEnv,
  {
    eventSource: "audit.govdr",
    deps: async (env) => {
      const directory = awsDirectory(env);
      return { ...directory, archive: awsAuditArchive(directory.db, env) };
    },
  },
  {
    "GET /audit/events": {
      eventName: "LookupEvents",
      readOnly: true,
      handle: async (event, { deps }) => ({
        statusCode: 200,
        body: await deps.audit.lookup(trailOf(event), query(event)),
      }),
    },
    "GET /audit/export": {
      eventName: "ExportEvents",
      readOnly: true,
      handle: async (event, { deps, audit }) => {
        const tenantId = trailOf(event);
        const { format } = requests.exportFormat.parse({ format: event.queryStringParameters?.format });
        const page = await deps.audit.lookup(tenantId, query(event));
        audit.responseElements = { format, records: page.items.length, nextCursor: page.nextCursor ?? null };
        return format === "csv"
          ? { statusCode: 200, body: toCsv(page.items), contentType: "text/csv; charset=utf-8" }
          : {
              statusCode: 200,
              body: toJsonLines(page.items),
              contentType: "application/x-ndjson; charset=utf-8",
            };
      },
    },
    "GET /audit/verify": {
      eventName: "VerifyTrail",
      readOnly: true,
      handle: async (event, { deps, audit }) => {
        const tenantId = trailOf(event);
        const { source } = requests.verifySource.parse(event.queryStringParameters ?? {});
        const result =
          source === "archive"
            ? await verifyArchive(tenantId, deps.archive)
            : await verifyTrail(tenantId, deps.audit, deps.now());
        audit.responseElements = {
          source,
          ok: result.ok,
          checked: result.checked,
          ...("unchained" in result ? { unchained: result.unchained.count } : {}),
        };
        return { statusCode: 200, body: { tenantId, source, ...result } };
      },
    },
  },
);
