import { requests } from "../../shared/api/request-schemas.ts";
import { schedulerBackupSchedules } from "../../shared/aws/backup-schedules.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { schedulerDrillSchedules } from "../../shared/aws/drill-schedules.ts";
import { awsHeartbeatStores } from "../../shared/aws/heartbeat.ts";
import { policiesFunctionEnv } from "../../shared/config/function-env.ts";
import { NotFoundError } from "../../shared/errors.ts";
import type { FunctionEnv } from "../../shared/lambda/env.ts";
import { parseBody, parseQuery } from "../../shared/lambda/request.ts";
import {
  type RouteContext,
  type RouteDeps,
  type RouteMap,
  resourceHandler,
} from "../../shared/lambda/resource-handler.ts";
import { DynamoDbSystemStore } from "../../shared/stores/dynamodb/system-store.ts";
import type { SystemStore, TenantStore } from "../../shared/stores/stores.ts";
import { describeSystem, requireSystem, SystemService } from "../../shared/systems/system-service.ts";

type Env = FunctionEnv<typeof policiesFunctionEnv>;
export interface SystemDeps extends RouteDeps {
  tenants: TenantStore;
  systems: SystemStore;
  service: Pick<SystemService, "create" | "update" | "setPolicy">;
}
type Context = RouteContext<Env, SystemDeps>;

/** The caller's own unit (systems are always the caller's). */
async function ownTenant({ deps, caller }: Context) {
  const tenant = await deps.tenants.get(caller.tid);
  if (!tenant) throw new NotFoundError(`No tenant ${caller.tid}`);
  return tenant;
}

async function pathSystem({ deps, caller, path, audit }: Context) {
  const systemId = path.systemId as string;
  const system = requireSystem(await deps.systems.get(caller.tid, systemId), systemId);
  audit.resources = [{ type: "govdr::system", id: system.systemId }];
  return system;
}

const policyInForce = async (
  { deps, caller }: Context,
  system: { systemId: string; policyVersion: number },
) =>
  system.policyVersion > 0
    ? await deps.systems.getPolicy(caller.tid, system.systemId, system.policyVersion)
    : undefined;

/** Protected systems and their DR policies (DESIGN.md §Domain; R-CL-*). */
export const systemRoutes: RouteMap<Env, SystemDeps> = {
  "POST /systems": {
    eventName: "CreateSystem",
    readOnly: false,
    handle: async (event, ctx) => {
      const system = await ctx.deps.service.create(await ownTenant(ctx), parseBody(requests.system, event));
      ctx.audit.resources = [{ type: "govdr::system", id: system.systemId }];
      return { statusCode: 201, body: describeSystem(system) };
    },
  },
  "GET /systems": {
    eventName: "ListSystems",
    readOnly: true,
    handle: async (event, { deps, caller }) => {
      const page = await deps.systems.list(caller.tid, parseQuery(requests.page, event));
      return { statusCode: 200, body: { ...page, items: page.items.map(describeSystem) } };
    },
  },
  "GET /systems/{systemId}": {
    eventName: "GetSystem",
    readOnly: true,
    handle: async (_event, ctx) => ({ statusCode: 200, body: describeSystem(await pathSystem(ctx)) }),
  },
  "PUT /systems/{systemId}": {
    eventName: "UpdateSystem",
    readOnly: false,
    handle: async (event, ctx) => {
      const tenant = await ownTenant(ctx);
      const current = await pathSystem(ctx);
      const { version, ...input } = parseBody(requests.systemUpdate, event);
      const next = await ctx.deps.service.update(tenant, current, input, version);
      ctx.audit.responseElements = { before: current, after: next };
      return { statusCode: 200, body: describeSystem(next) };
    },
  },
  "PUT /systems/{systemId}/policy": {
    eventName: "PutPolicy",
    readOnly: false,
    handle: async (event, ctx) => {
      const tenant = await ownTenant(ctx);
      const system = await pathSystem(ctx);
      const before = await policyInForce(ctx, system);
      const record = await ctx.deps.service.setPolicy(
        tenant,
        system,
        parseBody(requests.policy, event),
        ctx.caller.sub,
      );
      ctx.audit.responseElements = {
        before: before?.policy ?? null,
        after: record.policy,
        version: record.version,
      };
      return { statusCode: 200, body: record };
    },
  },
  "GET /systems/{systemId}/policy": {
    eventName: "GetPolicy",
    readOnly: true,
    handle: async (_event, ctx) => {
      const system = await pathSystem(ctx);
      const record = await policyInForce(ctx, system);
      if (!record) throw new NotFoundError(`System ${system.systemId} has no DR policy yet`);
      return { statusCode: 200, body: record };
    },
  },
  "GET /systems/{systemId}/policy/versions": {
    eventName: "ListPolicyVersions",
    readOnly: true,
    handle: async (event, ctx) => {
      const system = await pathSystem(ctx);
      const page = parseQuery(requests.page, event);
      return {
        statusCode: 200,
        body: await ctx.deps.systems.listPolicyVersions(ctx.caller.tid, system.systemId, page),
      };
    },
  },
};

export const handler = resourceHandler(
  policiesFunctionEnv,
  (env) => {
    const directory = awsDirectory(env);
    const systems = new DynamoDbSystemStore(directory.db, env.POLICIES_TABLE);
    const service = new SystemService({
      systems,
      now: directory.now,
      primaryRegion: env.PRIMARY_REGION,
      drillSchedules: schedulerDrillSchedules(env),
      backupSchedules: schedulerBackupSchedules(env),
      heartbeatTargets: awsHeartbeatStores(directory.db, env.POLICIES_TABLE).targets,
    });
    return { ...directory, systems, service };
  },
  { eventSource: "systems.govdr", routes: systemRoutes },
);
