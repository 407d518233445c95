import { KMSClient } from "@aws-sdk/client-kms";
import { requests } from "../../shared/api/request-schemas.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { writerFunctionEnv } from "../../shared/config/function-env.ts";
import { NotFoundError } from "../../shared/errors.ts";
import type { FunctionEnv } from "../../shared/lambda/env.ts";
import { parseBody, parseQuery } from "../../shared/lambda/request.ts";
import {
  type RouteContext,
  type RouteDeps,
  type RouteMap,
  type RouteSpec,
  resourceHandler,
} from "../../shared/lambda/resource-handler.ts";
import type { TenantStore } from "../../shared/stores/stores.ts";
import { KmsTenantKeys } from "../../shared/tenants/kms-tenant-keys.ts";
import { changeTenantSettings, type TenantAction } from "../../shared/tenants/tenant.ts";
import { TenantService } from "../../shared/tenants/tenant-service.ts";

type Env = FunctionEnv<typeof writerFunctionEnv>;
export interface TenantDeps extends RouteDeps {
  tenants: TenantStore;
  service: Pick<TenantService, "register" | "transition">;
}
type Route = RouteSpec<Env, TenantDeps>;

/** The tenant of the path, which the caller was allowed to act on (the route's declaration). */
async function pathTenant({ deps, path, audit }: RouteContext<Env, TenantDeps>) {
  const tenantId = path.tenantId as string;
  const tenant = await deps.tenants.get(tenantId);
  if (!tenant) throw new NotFoundError(`No tenant ${tenantId}`);
  audit.resources = [{ type: "govdr::tenant", id: tenantId }];
  return tenant;
}

/** A change to a tenant is recorded in that tenant's own trail, whoever makes it. */
async function changedTenant(ctx: RouteContext<Env, TenantDeps>) {
  const tenant = await pathTenant(ctx);
  ctx.audit.tenantId = tenant.tenantId;
  return tenant;
}

/** A lifecycle route: who may do it is declared in the catalogue (exit also needs a fresh sign-in). */
function lifecycle(action: TenantAction, eventName: string): Route {
  return {
    eventName,
    readOnly: false,
    handle: async (_event, ctx) => {
      const next = await ctx.deps.service.transition(await changedTenant(ctx), action, ctx.caller.sub);
      ctx.audit.responseElements = { status: next.status };
      return { statusCode: 200, body: next };
    },
  };
}

/** A settings route: audited with the settings before and after. */
function settings(
  schema: typeof requests.tenantIpAllowList | typeof requests.tenantSiteRules,
  eventName: string,
): Route {
  return {
    eventName,
    readOnly: false,
    handle: async (event, ctx) => {
      const tenant = await changedTenant(ctx);
      const change = parseBody(schema, event);
      const next = changeTenantSettings(tenant, change, ctx.deps.now());
      await ctx.deps.tenants.update(next);
      const changed = Object.keys(change).filter((key) => key !== "version") as (keyof typeof next)[];
      ctx.audit.responseElements = {
        before: Object.fromEntries(changed.map((key) => [key, tenant[key]])),
        after: Object.fromEntries(changed.map((key) => [key, next[key]])),
      };
      return { statusCode: 200, body: next };
    },
  };
}

/** Self-service registration and the tenant lifecycle (DESIGN.md §API, R-EX). */
export const tenantRoutes: RouteMap<Env, TenantDeps> = {
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
      const { status, limit, cursor } = parseQuery(requests.listTenants, event);
      return { statusCode: 200, body: await deps.tenants.listByStatus(status, { limit, cursor }) };
    },
  },
  "GET /tenants/{tenantId}": {
    eventName: "GetTenant",
    readOnly: true,
    handle: async (_event, ctx) => ({ statusCode: 200, body: await pathTenant(ctx) }),
  },
  "POST /tenants/{tenantId}/approve": lifecycle("approve", "ApproveTenant"),
  "POST /tenants/{tenantId}/reject": lifecycle("reject", "RejectTenant"),
  "POST /tenants/{tenantId}/suspend": lifecycle("suspend", "SuspendTenant"),
  "POST /tenants/{tenantId}/resume": lifecycle("resume", "ResumeTenant"),
  "POST /tenants/{tenantId}/exit": lifecycle("exit", "RequestServiceExit"),
  "PUT /tenants/{tenantId}/ip-allow-list": settings(requests.tenantIpAllowList, "SetTenantIpAllowList"),
  "PUT /tenants/{tenantId}/site-rules": settings(requests.tenantSiteRules, "SetTenantSiteRules"),
};

export const handler = resourceHandler(
  writerFunctionEnv,
  (env) => {
    const directory = awsDirectory(env);
    return {
      ...directory,
      service: new TenantService({ ...directory, keys: new KmsTenantKeys(new KMSClient({})) }),
    };
  },
  { eventSource: "tenants.govdr", routes: tenantRoutes },
);
