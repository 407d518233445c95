import { requests } from "../../shared/api/request-schemas.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { s3VaultListings } from "../../shared/aws/replication.ts";
import { replicationFunctionEnv } from "../../shared/config/function-env.ts";
import type { FunctionEnv } from "../../shared/lambda/env.ts";
import { parseQuery } from "../../shared/lambda/request.ts";
import { type RouteDeps, type RouteMap, resourceHandler } from "../../shared/lambda/resource-handler.ts";
import { ReplicationService } from "../../shared/replication/replication-service.ts";
import { DynamoDbReplicationChecks } from "../../shared/stores/dynamodb/replication-checks.ts";
import { DynamoDbSnapshotCatalog } from "../../shared/stores/dynamodb/snapshot-catalog.ts";
import { DynamoDbSystemStore } from "../../shared/stores/dynamodb/system-store.ts";

type Env = FunctionEnv<typeof replicationFunctionEnv>;

export interface ReplicationRouteDeps extends RouteDeps {
  replication: Pick<ReplicationService, "current" | "history">;
}

export const replicationRoutes: RouteMap<Env, ReplicationRouteDeps> = {
  "GET /systems/{systemId}/replication": {
    eventName: "GetReplicationStatus",
    readOnly: true,
    handle: async (_event, { deps, caller, path, audit }) => {
      audit.resources = [{ type: "govdr::system", id: path.systemId as string }];
      return { statusCode: 200, body: await deps.replication.current(caller, path.systemId as string) };
    },
  },
  "GET /systems/{systemId}/replication/history": {
    eventName: "ListReplicationChecks",
    readOnly: true,
    handle: async (event, { deps, caller, path, audit }) => {
      audit.resources = [{ type: "govdr::system", id: path.systemId as string }];
      return {
        statusCode: 200,
        body: await deps.replication.history(
          caller,
          path.systemId as string,
          parseQuery(requests.page, event),
        ),
      };
    },
  },
};

export const handler = resourceHandler(
  replicationFunctionEnv,
  (env) => {
    const directory = awsDirectory(env);
    return {
      ...directory,
      replication: new ReplicationService({
        systems: new DynamoDbSystemStore(directory.db, env.POLICIES_TABLE),
        catalog: new DynamoDbSnapshotCatalog(directory.db, env.POLICIES_TABLE),
        checks: new DynamoDbReplicationChecks(directory.db, env.POLICIES_TABLE),
        listings: s3VaultListings(env),
        now: directory.now,
      }),
    };
  },
  { eventSource: "replication.govdr", routes: replicationRoutes },
);
