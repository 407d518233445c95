import { AgentKeyService } from "../../shared/agents/agent-key-service.ts";
import { type BackupPlanDeps, backupPlan } from "../../shared/agents/backup-plan.ts";
import { requests } from "../../shared/api/request-schemas.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { systemsFunctionEnv } from "../../shared/config/function-env.ts";
import type { SessionClaims } from "../../shared/identity/session-token.ts";
import type { FunctionEnv } from "../../shared/lambda/env.ts";
import { parseBody, parseQuery } from "../../shared/lambda/request.ts";
import {
  type RouteDeps,
  type RouteMap,
  type RouteSpec,
  resourceHandler,
} from "../../shared/lambda/resource-handler.ts";
import { SnapshotService } from "../../shared/snapshots/snapshot-service.ts";
import { DynamoDbSnapshotCatalog } from "../../shared/stores/dynamodb/snapshot-catalog.ts";
import { DynamoDbSystemStore } from "../../shared/stores/dynamodb/system-store.ts";

type Env = FunctionEnv<typeof systemsFunctionEnv>;
export interface SnapshotDeps extends RouteDeps, BackupPlanDeps {
  keys: Pick<AgentKeyService, "create" | "list" | "revoke">;
  snapshots: Pick<SnapshotService, "register" | "list" | "get">;
}

const system = (systemId: string) => ({ type: "govdr::system", id: systemId });

type Page = { limit: number; cursor?: string };
/** A page of what the path's system has (its agent keys, its snapshots). */
function listing(
  eventName: string,
  of: (deps: SnapshotDeps) => { list(caller: SessionClaims, systemId: string, page: Page): Promise<unknown> },
): RouteSpec<Env, SnapshotDeps> {
  return {
    eventName,
    readOnly: true,
    handle: async (event, { deps, caller, path }) => ({
      statusCode: 200,
      body: await of(deps).list(caller, path.systemId as string, parseQuery(requests.page, event)),
    }),
  };
}

/** Backup agents' keys and the catalogue of the snapshots they write (docs/decisions.md D-23). */
export const snapshotRoutes: RouteMap<Env, SnapshotDeps> = {
  "POST /systems/{systemId}/agent-keys": {
    eventName: "CreateAgentKey",
    readOnly: false,
    handle: async (event, { deps, caller, path, audit }) => {
      const systemId = path.systemId as string;
      const { name } = parseBody(requests.newAgentKey, event);
      const key = await deps.keys.create(caller, systemId, name);
      audit.resources = [system(systemId), { type: "govdr::agent-key", id: key.keyId }];
      return { statusCode: 201, body: key };
    },
  },
  "GET /systems/{systemId}/agent-keys": listing("ListAgentKeys", (deps) => deps.keys),
  "POST /systems/{systemId}/agent-keys/{keyId}/revoke": {
    eventName: "RevokeAgentKey",
    readOnly: false,
    handle: async (_event, { deps, caller, path, audit }) => {
      const { systemId, keyId } = path as { systemId: string; keyId: string };
      audit.resources = [system(systemId), { type: "govdr::agent-key", id: keyId }];
      return { statusCode: 200, body: await deps.keys.revoke(caller, systemId, keyId) };
    },
  },
  "PUT /systems/{systemId}/snapshots/{snapshotId}": {
    eventName: "RegisterSnapshot",
    readOnly: false,
    handle: async (event, { deps, caller, path, audit }) => {
      const { systemId, snapshotId } = path as { systemId: string; snapshotId: string };
      audit.resources = [system(systemId), { type: "govdr::snapshot", id: snapshotId }];
      const report = parseBody(requests.snapshotReport, event);
      const { created, record } = await deps.snapshots.register(caller, systemId, snapshotId, report);
      return { statusCode: created ? 201 : 200, body: record };
    },
  },
  "GET /systems/{systemId}/snapshots": listing("ListSnapshots", (deps) => deps.snapshots),
  "GET /systems/{systemId}/snapshots/{snapshotId}": {
    eventName: "GetSnapshot",
    readOnly: true,
    handle: async (_event, { deps, caller, path, audit }) => {
      const { systemId, snapshotId } = path as { systemId: string; snapshotId: string };
      audit.resources = [{ type: "govdr::snapshot", id: snapshotId }];
      return { statusCode: 200, body: await deps.snapshots.get(caller, systemId, snapshotId) };
    },
  },
  "GET /systems/{systemId}/backup-plan": {
    eventName: "GetBackupPlan",
    readOnly: true,
    handle: async (_event, { deps, caller, path, audit }) => {
      const systemId = path.systemId as string;
      audit.resources = [system(systemId)];
      return { statusCode: 200, body: await backupPlan(deps, caller, systemId) };
    },
  },
};

export const handler = resourceHandler(
  systemsFunctionEnv,
  (env) => {
    const directory = awsDirectory(env);
    const systems = new DynamoDbSystemStore(directory.db, env.POLICIES_TABLE);
    const { now, agentKeys } = directory;
    const catalog = new DynamoDbSnapshotCatalog(directory.db, env.POLICIES_TABLE);
    return {
      ...directory,
      systems,
      keys: new AgentKeyService({ agentKeys, systems, now }),
      snapshots: new SnapshotService({ catalog, systems, now }),
    };
  },
  { eventSource: "snapshots.govdr", routes: snapshotRoutes },
);
