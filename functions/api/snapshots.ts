import type { APIGatewayProxyEvent } from "aws-lambda";
import type { z } from "zod";
import { agentKeyIdSchema } from "../../shared/agents/agent-key.ts";
import { AgentKeyService } from "../../shared/agents/agent-key-service.ts";
import { requests } from "../../shared/api/request-schemas.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { systemsFunctionEnv } from "../../shared/config/function-env.ts";
import { requireRecentAuthentication } from "../../shared/identity/session-token.ts";
import { awsIdempotency } from "../../shared/lambda/aws-idempotency.ts";
import { requireCaller } from "../../shared/lambda/caller.ts";
import { parseBody } from "../../shared/lambda/request.ts";
import { resourceHandler } from "../../shared/lambda/resource-handler.ts";
import { snapshotIdSchema } from "../../shared/snapshots/snapshot-record.ts";
import { SnapshotService } from "../../shared/snapshots/snapshot-service.ts";
import { DynamoDbSnapshotCatalog } from "../../shared/stores/dynamodb/snapshot-catalog.ts";
import { DynamoDbSystemStore } from "../../shared/stores/dynamodb/system-store.ts";
import { systemPathSchema } from "../../shared/systems/system.ts";

const paths = {
  system: systemPathSchema,
  key: systemPathSchema.extend({ keyId: agentKeyIdSchema }),
  snapshot: systemPathSchema.extend({ snapshotId: snapshotIdSchema }),
};
const pathOf = <T extends z.ZodType>(schema: T, event: APIGatewayProxyEvent): z.infer<T> =>
  schema.parse(event.pathParameters ?? {});

const deps = async (env: z.infer<typeof systemsFunctionEnv>) => {
  const directory = awsDirectory(env);
  const systems = new DynamoDbSystemStore(directory.db, env.POLICIES_TABLE);
  const { now, agentKeys } = directory;
  return {
    ...directory,
    keys: new AgentKeyService({ agentKeys, systems, now }),
    snapshots: new SnapshotService({
      catalog: new DynamoDbSnapshotCatalog(directory.db, env.POLICIES_TABLE),
      systems,
      now,
    }),
    idempotency: awsIdempotency(env.IDEMPOTENCY_TABLE),
  };
};

/** Backup agents' keys and the catalogue of the snapshots they write (docs/decisions.md D-23). */
export const handler = resourceHandler(
  systemsFunctionEnv,
  { eventSource: "snapshots.govdr", deps },
  {
    "POST /systems/{systemId}/agent-keys": {
      eventName: "CreateAgentKey",
      readOnly: false,
      handle: async (event, { deps, audit }) => {
        const caller = requireCaller(event);
        const { systemId } = pathOf(paths.system, event);
        requireRecentAuthentication(caller, deps.now(), await deps.settings());
        const { name } = parseBody(requests.newAgentKey, event);
        const key = await deps.keys.create(caller, systemId, name);
        audit.resources = [
          { type: "govdr::system", id: systemId },
          { type: "govdr::agent-key", id: key.keyId },
        ];
        return { statusCode: 201, body: key };
      },
    },
    "GET /systems/{systemId}/agent-keys": {
      eventName: "ListAgentKeys",
      readOnly: true,
      handle: async (event, { deps }) => {
        const { systemId } = pathOf(paths.system, event);
        const page = requests.page.parse(event.queryStringParameters ?? {});
        return { statusCode: 200, body: await deps.keys.list(requireCaller(event), systemId, page) };
      },
    },
    "POST /systems/{systemId}/agent-keys/{keyId}/revoke": {
      eventName: "RevokeAgentKey",
      readOnly: false,
      handle: async (event, { deps, audit }) => {
        const { systemId, keyId } = pathOf(paths.key, event);
        audit.resources = [
          { type: "govdr::system", id: systemId },
          { type: "govdr::agent-key", id: keyId },
        ];
        return { statusCode: 200, body: await deps.keys.revoke(requireCaller(event), systemId, keyId) };
      },
    },
    "PUT /systems/{systemId}/snapshots/{snapshotId}": {
      eventName: "RegisterSnapshot",
      readOnly: false,
      handle: async (event, { deps, audit }) => {
        const { systemId, snapshotId } = pathOf(paths.snapshot, event);
        audit.resources = [
          { type: "govdr::system", id: systemId },
          { type: "govdr::snapshot", id: snapshotId },
        ];
        const report = parseBody(requests.snapshotReport, event);
        const { created, record } = await deps.snapshots.register(
          requireCaller(event),
          systemId,
          snapshotId,
          report,
        );
        return { statusCode: created ? 201 : 200, body: record };
      },
    },
    "GET /systems/{systemId}/snapshots": {
      eventName: "ListSnapshots",
      readOnly: true,
      handle: async (event, { deps }) => {
        const { systemId } = pathOf(paths.system, event);
        const page = requests.page.parse(event.queryStringParameters ?? {});
        return { statusCode: 200, body: await deps.snapshots.list(requireCaller(event), systemId, page) };
      },
    },
    "GET /systems/{systemId}/snapshots/{snapshotId}": {
      eventName: "GetSnapshot",
      readOnly: true,
      handle: async (event, { deps, audit }) => {
        const { systemId, snapshotId } = pathOf(paths.snapshot, event);
        audit.resources = [{ type: "govdr::snapshot", id: snapshotId }];
        return {
          statusCode: 200,
          body: await deps.snapshots.get(requireCaller(event), systemId, snapshotId),
        };
      },
    },
  },
);
