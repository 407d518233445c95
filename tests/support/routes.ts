import { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { AgentKeyService } from "../../shared/agents/agent-key-service.ts";
import { BackupService } from "../../shared/backups/backup-service.ts";
import { DrillService } from "../../shared/drills/drill-service.ts";
import { SwitchoverService } from "../../shared/failover/switchover-service.ts";
import { IdentityService } from "../../shared/identity/identity-service.ts";
import type { SessionClaims } from "../../shared/identity/session-token.ts";
import { defaultIdentitySettings } from "../../shared/identity/settings.ts";
import { UserService } from "../../shared/identity/user-service.ts";
import { type RouteDeps, type RouteMap, serveRoute } from "../../shared/lambda/resource-handler.ts";
import type { RouteKey } from "../../shared/lambda/router.ts";
import { NotificationService } from "../../shared/notifications/notification-service.ts";
import { ReplicationService } from "../../shared/replication/replication-service.ts";
import { SnapshotService } from "../../shared/snapshots/snapshot-service.ts";
import { SystemService } from "../../shared/systems/system-service.ts";
import { TenantService } from "../../shared/tenants/tenant-service.ts";
import { lambdaContext, loadEvent } from "./fixtures.ts";
import { fakeCipher, testKey } from "./identity-fixtures.ts";
import { MemoryArchiveCursors, MemoryArchiveObjects, MemoryAuditLog } from "./memory-audit.ts";
import { MemoryHeartbeatHistory, MemoryHeartbeatStates } from "./memory-heartbeat.ts";
import { MemoryRouteStore } from "./memory-routes.ts";
import { MemoryStores } from "./memory-stores.ts";
import { MemorySwitchoverStore } from "./memory-switchovers.ts";
import { MemoryTenantKeys } from "./memory-tenant-keys.ts";

/** Claims of a caller who signed in just now (recent enough for every sensitive route). */
export const signedInNow = (claims: SessionClaims, at = new Date()): SessionClaims => ({
  ...claims,
  auth_time: Math.floor(at.getTime() / 1000),
});

/** Every family's dependencies, wired to one set of in-memory stores and one clock. */
export function memoryDeps(now: () => Date = () => new Date()) {
  const stores = new MemoryStores();
  const audit = new MemoryAuditLog();
  const settings = async () => defaultIdentitySettings;
  const base = { audit, now, settings };
  const { tenants, users, systems, agentKeys, snapshots: catalog, drills } = stores;
  return {
    stores,
    audit,
    tenants: {
      ...base,
      tenants,
      service: new TenantService({ tenants, users, settings, now, keys: new MemoryTenantKeys() }),
    },
    systems: {
      ...base,
      tenants,
      systems,
      service: new SystemService({
        systems,
        now,
        primaryRegion: "cn-north-1",
        drillSchedules: stores.drillSchedules,
      }),
    },
    users: {
      ...base,
      users,
      settingsStore: stores.identitySettings,
      service: new UserService({ users, settings, now }),
    },
    snapshots: {
      ...base,
      systems,
      keys: new AgentKeyService({ agentKeys, systems, now }),
      snapshots: new SnapshotService({ catalog, systems, now }),
    },
    drills: {
      ...base,
      drills: new DrillService({
        drills,
        systems,
        catalog,
        runner: {
          executionArnOf: (drillId) =>
            `arn:aws:states:cn-north-1:000000000000:execution:govdr-drill:${drillId}`,
          start: async () => {},
        },
        reports: { read: async (key) => `report ${key}` },
        now,
      }),
    },
    backups: {
      ...base,
      backups: new BackupService({
        jobs: stores.backupJobs,
        systems,
        tenants,
        platform: { buckets: ["govdr-vault-000000000000-cn-north-1"], tables: [] },
        repositoryOf: (tenantId) => `s3://govdr-vault-000000000000-cn-north-1/tenants/${tenantId}/`,
        runner: {
          executionArnOf: (jobId) => `arn:aws:states:cn-north-1:000000000000:execution:govdr-backup:${jobId}`,
          start: async () => {},
        },
        now,
      }),
    },
    replication: {
      ...base,
      replication: new ReplicationService({
        systems,
        catalog,
        checks: stores.replicationChecks,
        listings: { prefixOf: () => undefined, primary: async function* () {}, dr: async function* () {} },
        now,
      }),
    },
    notifications: {
      ...base,
      notifications: new NotificationService({
        subscriptions: stores.subscriptions,
        topic: {
          subscribe: async (tenantId) =>
            `arn:aws:sns:cn-north-1:000000000000:govdr-notifications:${tenantId}`,
          unsubscribe: async () => {},
        },
        now,
      }),
    },
    failovers: {
      ...base,
      switchovers: new SwitchoverService({
        switchovers: new MemorySwitchoverStore(),
        systems,
        routes: new MemoryRouteStore(),
        runner: {
          executionArnOf: (kind, id) =>
            `arn:aws:states:cn-north-1:000000000000:execution:govdr-${kind}:${id}`,
          start: async () => {},
        },
        gate: { approve: async () => {}, reject: async () => {} },
        now,
      }),
      systems,
      heartbeats: { states: new MemoryHeartbeatStates(), history: new MemoryHeartbeatHistory() },
      secrets: { rotate: async () => "c2VjcmV0LWZvci10ZXN0cy1vbmx5" },
      reports: { read: async (key: string) => `report ${key}` },
    },
    audits: {
      ...base,
      archive: { cursors: new MemoryArchiveCursors(), objects: new MemoryArchiveObjects() },
    },
    auth: {
      ...base,
      users,
      agentKeys,
      identity: new IdentityService({
        ...stores,
        key: testKey,
        mfaCipher: fakeCipher,
        settings,
        now,
        issuer: "govdr",
      }),
    },
  };
}

export interface RouteCall {
  path?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  claims?: SessionClaims;
  headers?: Record<string, string>;
}

/** Serves one request through a family's exported route map, as its Lambda would. */
export async function callRoute<Deps extends RouteDeps>(
  routes: RouteMap<{ AWS_REGION: string }, Deps> | RouteMap<never, Deps>,
  deps: Deps,
  key: RouteKey,
  request: RouteCall = {},
): Promise<{ status: number; body: Record<string, unknown> & { code?: string }; text: string }> {
  const [method, resource] = key.split(" ") as [string, string];
  const base = loadEvent<APIGatewayProxyEvent>("api/get-health.json");
  const path = Object.entries(request.path ?? {}).reduce(
    (p, [name, value]) => p.replace(`{${name}}`, value),
    resource,
  );
  const event: APIGatewayProxyEvent = {
    ...base,
    httpMethod: method,
    resource,
    path,
    headers: { ...base.headers, ...request.headers },
    pathParameters: request.path ?? null,
    queryStringParameters: request.query ?? null,
    body: request.body === undefined ? null : JSON.stringify(request.body),
    requestContext: {
      ...base.requestContext,
      authorizer: request.claims ? { claims: JSON.stringify(request.claims) } : null,
    },
  };
  const response = await serveRoute(
    { eventSource: "test.govdr", routes: routes as RouteMap<{ AWS_REGION: string }, Deps> },
    { env: { AWS_REGION: "cn-north-1" }, deps, logger: new Logger({ logLevel: "SILENT" }) },
    event,
    lambdaContext(),
  );
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    // CSV and JSON lines answers: the text is in `text`.
  }
  return { status: response.statusCode, body, text: response.body };
}
