import type { APIGatewayProxyEvent } from "aws-lambda";
import { requests } from "../../shared/api/request-schemas.ts";
import { type ArchiveCursorStore, type ArchiveObjects, verifyArchive } from "../../shared/audit/archive.ts";
import type { AuditLog } from "../../shared/audit/audit-log.ts";
import { toCsv, toJsonLines } from "../../shared/audit/export.ts";
import { verifyTrail } from "../../shared/audit/verify-trail.ts";
import { awsAuditArchive } from "../../shared/aws/audit-archive.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { auditFunctionEnv } from "../../shared/config/function-env.ts";
import type { FunctionEnv } from "../../shared/lambda/env.ts";
import { parseQuery } from "../../shared/lambda/request.ts";
import { type RouteDeps, type RouteMap, resourceHandler } from "../../shared/lambda/resource-handler.ts";

type Env = FunctionEnv<typeof auditFunctionEnv>;
export interface AuditDeps extends RouteDeps {
  audit: AuditLog;
  archive: { cursors: ArchiveCursorStore; objects: ArchiveObjects };
}

/** The lookup filters: the query without the trail (`tenantId`, the route's declaration) and the format. */
const filters = (event: APIGatewayProxyEvent) => {
  const { tenantId: _t, format: _f, ...rest } = event.queryStringParameters ?? {};
  return parseQuery(requests.auditQuery, { queryStringParameters: rest });
};

/**
 * The auditor API: lookup, export and verification of a tenant's hash-chained trail (R-AU). Which
 * trail is the route's declaration (`tenant: "trail"`): a tenant auditor its own (another tenant's
 * is a 404), a platform auditor any tenant's by `tenantId`, or the platform's own trail by default.
 */
export const auditRoutes: RouteMap<Env, AuditDeps> = {
  "GET /audit/events": {
    eventName: "LookupEvents",
    readOnly: true,
    handle: async (event, { deps, tenantId }) => ({
      statusCode: 200,
      body: await deps.audit.lookup(tenantId as string, filters(event)),
    }),
  },
  "GET /audit/export": {
    eventName: "ExportEvents",
    readOnly: true,
    handle: async (event, { deps, tenantId, audit }) => {
      const { format } = parseQuery(requests.exportFormat, {
        queryStringParameters: { format: event.queryStringParameters?.format },
      });
      const page = await deps.audit.lookup(tenantId as string, filters(event));
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
    handle: async (event, { deps, tenantId, audit }) => {
      const trail = tenantId as string;
      const { source } = parseQuery(requests.verifySource, event);
      const result =
        source === "archive"
          ? await verifyArchive(trail, deps.archive)
          : await verifyTrail(trail, deps.audit, deps.now());
      audit.responseElements = {
        source,
        ok: result.ok,
        checked: result.checked,
        ...("unchained" in result ? { unchained: result.unchained.count } : {}),
      };
      return { statusCode: 200, body: { tenantId: trail, source, ...result } };
    },
  },
};

export const handler = resourceHandler(
  auditFunctionEnv,
  (env) => {
    const directory = awsDirectory(env);
    return { ...directory, archive: awsAuditArchive(directory.db, env) };
  },
  { eventSource: "audit.govdr", routes: auditRoutes },
);
