import type { APIGatewayProxyEvent } from "aws-lambda";
import type { z } from "zod";
import { requests } from "../../shared/api/request-schemas.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { systemsFunctionEnv } from "../../shared/config/function-env.ts";
import { NotFoundError } from "../../shared/errors.ts";
import { type Action, authorize } from "../../shared/identity/permissions.ts";
import { requireRecentAuthentication, type SessionClaims } from "../../shared/identity/session-token.ts";
import { awsIdempotency } from "../../shared/lambda/aws-idempotency.ts";
import { requireCaller } from "../../shared/lambda/caller.ts";
import { parseBody } from "../../shared/lambda/request.ts";
import { resourceHandler } from "../../shared/lambda/resource-handler.ts";
import { DynamoDbSystemStore } from "../../shared/stores/dynamodb/system-store.ts";
import { systemPathSchema } from "../../shared/systems/system.ts";
import { describeSystem, requireSystem, SystemService } from "../../shared/systems/system-service.ts";

const deps = async (env: z.infer<typeof systemsFunctionEnv>) => {
  const directory = awsDirectory(env);
  const systems = new DynamoDbSystemStore(directory.db, env.POLICIES_TABLE);
  const service = new SystemService({
    systems,
    now: directory.now,
    primaryRegion: env.PRIMARY_REGION,
  });
  return { ...directory, systems, service, idempotency: awsIdempotency(env.IDEMPOTENCY_TABLE) };
};
type Deps = Awaited<ReturnType<typeof deps>>;

/** The caller's own tenant, after checking the role may do `action` (systems are always the caller's). */
async function callerTenant(event: APIGatewayProxyEvent, deps: Deps, action: Action) {
  const caller = requireCaller(event);
  authorize(caller, action, caller.tid);
  const tenant = await deps.tenants.get(caller.tid);
  if (!tenant) throw new NotFoundError(`No tenant ${caller.tid}`);
  return { caller, tenant };
}

async function loadSystem(event: APIGatewayProxyEvent, deps: Deps, caller: SessionClaims) {
  const { systemId } = systemPathSchema.parse(event.pathParameters ?? {});
  return requireSystem(await deps.systems.get(caller.tid, systemId), systemId);
}

/** Protected systems and their DR policies (DESIGN.md §Domain; R-CL-*). */
export const handler = resourceHandler(
  systemsFunctionEnv,
  { eventSource: "systems.govdr", deps },
  {
    "POST /systems": {
      eventName: "CreateSystem",
      readOnly: false,
      handle: async (event, { deps, audit }) => {
        const { tenant } = await callerTenant(event, deps, "system:write");
        const system = await deps.service.create(tenant, parseBody(requests.system, event));
        audit.resources = [{ type: "govdr::system", id: system.systemId }];
        return { statusCode: 201, body: describeSystem(system) };
      },
    },
    "GET /systems": {
      eventName: "ListSystems",
      readOnly: true,
      handle: async (event, { deps }) => {
        const { caller } = await callerTenant(event, deps, "system:read");
        const page = await deps.systems.list(
          caller.tid,
          requests.page.parse(event.queryStringParameters ?? {}),
        );
        return { statusCode: 200, body: { ...page, items: page.items.map(describeSystem) } };
      },
    },
    "GET /systems/{systemId}": {
      eventName: "GetSystem",
      readOnly: true,
      handle: async (event, { deps, audit }) => {
        const { caller } = await callerTenant(event, deps, "system:read");
        const system = await loadSystem(event, deps, caller);
        audit.resources = [{ type: "govdr::system", id: system.systemId }];
        return { statusCode: 200, body: describeSystem(system) };
      },
    },
    "PUT /systems/{systemId}": {
      eventName: "UpdateSystem",
      readOnly: false,
      handle: async (event, { deps, audit }) => {
        const { caller, tenant } = await callerTenant(event, deps, "system:write");
        const current = await loadSystem(event, deps, caller);
        const next = await deps.service.update(tenant, current, parseBody(requests.system, event));
        audit.resources = [{ type: "govdr::system", id: next.systemId }];
        audit.responseElements = { before: current, after: next };
        return { statusCode: 200, body: describeSystem(next) };
      },
    },
    "PUT /systems/{systemId}/policy": {
      eventName: "PutPolicy",
      readOnly: false,
      handle: async (event, { deps, audit }) => {
        const { caller, tenant } = await callerTenant(event, deps, "policy:write");
        requireRecentAuthentication(caller, deps.now(), await deps.settings());
        const system = await loadSystem(event, deps, caller);
        audit.resources = [{ type: "govdr::system", id: system.systemId }];
        const before =
          system.policyVersion > 0
            ? await deps.systems.getPolicy(caller.tid, system.systemId, system.policyVersion)
            : undefined;
        const record = await deps.service.setPolicy(
          tenant,
          system,
          parseBody(requests.policy, event),
          caller.sub,
        );
        audit.responseElements = {
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
      handle: async (event, { deps }) => {
        const { caller } = await callerTenant(event, deps, "system:read");
        const system = await loadSystem(event, deps, caller);
        const record =
          system.policyVersion > 0
            ? await deps.systems.getPolicy(caller.tid, system.systemId, system.policyVersion)
            : undefined;
        if (!record) throw new NotFoundError(`System ${system.systemId} has no DR policy yet`);
        return { statusCode: 200, body: record };
      },
    },
    "GET /systems/{systemId}/policy/versions": {
      eventName: "ListPolicyVersions",
      readOnly: true,
      handle: async (event, { deps }) => {
        const { caller } = await callerTenant(event, deps, "system:read");
        const system = await loadSystem(event, deps, caller);
        const page = requests.page.parse(event.queryStringParameters ?? {});
        return {
          statusCode: 200,
          body: await deps.systems.listPolicyVersions(caller.tid, system.systemId, page),
        };
      },
    },
  },
);
