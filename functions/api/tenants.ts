import { KMSClient } from "@aws-sdk/client-kms";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { z } from "zod";
import { requests } from "../../shared/api/request-schemas.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { writerFunctionEnv } from "../../shared/config/function-env.ts";
import { NotFoundError } from "../../shared/errors.ts";
import { type Action, authorize } from "../../shared/identity/permissions.ts";
import { requireRecentAuthentication } from "../../shared/identity/session-token.ts";
import { awsIdempotency } from "../../shared/lambda/aws-idempotency.ts";
import { requireCaller } from "../../shared/lambda/caller.ts";
import { parseBody } from "../../shared/lambda/request.ts";
import { type AuditNotes, type RouteSpec, resourceHandler } from "../../shared/lambda/resource-handler.ts";
import { KmsTenantKeys } from "../../shared/tenants/kms-tenant-keys.ts";
import { changeTenantSettings, type TenantAction } from "../../shared/tenants/tenant.ts";
import { TenantService } from "../../shared/tenants/tenant-service.ts";

const tenantPath = z.object({
  tenantId: z.string().regex(/^t-[0-9a-z]{12}$/, "a tenant id such as t-4k2m9x0q7w1z"),
});

const deps = async (env: z.infer<typeof writerFunctionEnv>) => {
  const directory = awsDirectory(env);
  return {
    ...directory,
    service: new TenantService({ ...directory, keys: new KmsTenantKeys(new KMSClient({})) }),
    idempotency: awsIdempotency(env.IDEMPOTENCY_TABLE),
  };
};
type Deps = Awaited<ReturnType<typeof deps>>;
type Env = z.infer<typeof writerFunctionEnv>;

/** The tenant a route acts on, after checking the caller may (and, if asked, signed in recently). */
async function targetTenant(
  event: APIGatewayProxyEvent,
  deps: Deps,
  audit: AuditNotes,
  check: { permission: Action; recentSignIn: boolean },
) {
  const caller = requireCaller(event);
  const { tenantId } = tenantPath.parse(event.pathParameters ?? {});
  authorize(caller, check.permission, tenantId);
  if (check.recentSignIn) requireRecentAuthentication(caller, deps.now(), await deps.settings());
  const tenant = await deps.tenants.get(tenantId);
  if (!tenant) throw new NotFoundError(`No tenant ${tenantId}`);
  audit.tenantId = tenantId;
  audit.resources = [{ type: "govdr::tenant", id: tenantId }];
  return { caller, tenant };
}

/** A lifecycle route: who may do it, and whether it needs a fresh sign-in (exit is irreversible). */
function lifecycle(
  action: TenantAction,
  permission: Action,
  eventName: string,
  sensitive = false,
): RouteSpec<Env, Deps> {
  return {
    eventName,
    readOnly: false,
    handle: async (event, { deps, audit }) => {
      const { caller, tenant } = await targetTenant(event, deps, audit, {
        permission,
        recentSignIn: sensitive,
      });
      const next = await deps.service.transition(tenant, action, caller.sub);
      audit.responseElements = { status: next.status };
      return { statusCode: 200, body: next };
    },
  };
}

/** A settings route: who may change which settings of a tenant; audited with before and after. */
function settings(
  schema: typeof requests.tenantIpAllowList | typeof requests.tenantSiteRules,
  permission: Action,
  eventName: string,
): RouteSpec<Env, Deps> {
  return {
    eventName,
    readOnly: false,
    handle: async (event, { deps, audit }) => {
      const { tenant } = await targetTenant(event, deps, audit, { permission, recentSignIn: true });
      const change = parseBody(schema, event);
      const next = changeTenantSettings(tenant, change, deps.now());
      await deps.tenants.update(next);
      const changed = Object.keys(change).filter((key) => key !== "version") as (keyof typeof next)[];
      audit.responseElements = {
        before: Object.fromEntries(changed.map((key) => [key, tenant[key]])),
        after: Object.fromEntries(changed.map((key) => [key, next[key]])),
      };
      return { statusCode: 200, body: next };
    },
  };
}

/** Self-service registration and the tenant lifecycle (DESIGN.md §API, R-EX). */
export const handler = resourceHandler(
  writerFunctionEnv,
  { eventSource: "tenants.govdr", deps },
  {
    "POST /tenants": {
      eventName: "RegisterTenant",
      readOnly: false,
      handle: async (event, { deps, audit }) => {
        const { adminPassword, ...registration } = parseBody(requests.registerTenant, event);
        const tenant = await deps.service.register(registration, adminPassword);
        audit.tenantId = tenant.tenantId;
        audit.resources = [{ type: "govdr::tenant", id: tenant.tenantId }];
        return { statusCode: 201, body: tenant };
      },
    },
    "GET /tenants": {
      eventName: "ListTenants",
      readOnly: true,
      handle: async (event, { deps }) => {
        authorize(requireCaller(event), "tenant:list");
        const { status, limit, cursor } = requests.listTenants.parse(event.queryStringParameters ?? {});
        return { statusCode: 200, body: await deps.tenants.listByStatus(status, { limit, cursor }) };
      },
    },
    "GET /tenants/{tenantId}": {
      eventName: "GetTenant",
      readOnly: true,
      handle: async (event, { deps, audit }) => {
        const caller = requireCaller(event);
        const { tenantId } = tenantPath.parse(event.pathParameters ?? {});
        authorize(caller, "tenant:read", tenantId);
        const tenant = await deps.tenants.get(tenantId);
        if (!tenant) throw new NotFoundError(`No tenant ${tenantId}`);
        audit.resources = [{ type: "govdr::tenant", id: tenantId }];
        return { statusCode: 200, body: tenant };
      },
    },
    "POST /tenants/{tenantId}/approve": lifecycle("approve", "tenant:approve", "ApproveTenant"),
    "POST /tenants/{tenantId}/reject": lifecycle("reject", "tenant:approve", "RejectTenant"),
    "POST /tenants/{tenantId}/suspend": lifecycle("suspend", "tenant:suspend", "SuspendTenant"),
    "POST /tenants/{tenantId}/resume": lifecycle("resume", "tenant:suspend", "ResumeTenant"),
    "POST /tenants/{tenantId}/exit": lifecycle("exit", "tenant:exit", "RequestServiceExit", true),
    "PUT /tenants/{tenantId}/ip-allow-list": settings(
      requests.tenantIpAllowList,
      "tenant:network",
      "SetTenantIpAllowList",
    ),
    "PUT /tenants/{tenantId}/site-rules": settings(
      requests.tenantSiteRules,
      "tenant:configure",
      "SetTenantSiteRules",
    ),
  },
);
