import { requests } from "../../shared/api/request-schemas.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { s3DrillReports } from "../../shared/aws/drills.ts";
import { awsHeartbeatStores } from "../../shared/aws/heartbeat.ts";
import { awsSwitchoverService, awsWebhookSecrets } from "../../shared/aws/switchovers.ts";
import { failoversFunctionEnv } from "../../shared/config/function-env.ts";
import { NotFoundError } from "../../shared/errors.ts";
import { type SwitchKind, systemsOf } from "../../shared/failover/switchover.ts";
import type { SwitchoverService } from "../../shared/failover/switchover-service.ts";
import { initialHeartbeatState } from "../../shared/heartbeat/heartbeat.ts";
import type { HeartbeatHistory, HeartbeatStates } from "../../shared/heartbeat/monitor.ts";
import type { FunctionEnv } from "../../shared/lambda/env.ts";
import { parseBody, parseQuery } from "../../shared/lambda/request.ts";
import {
  type RouteDeps,
  type RouteMap,
  type RouteSpec,
  resourceHandler,
} from "../../shared/lambda/resource-handler.ts";
import type { WebhookSecrets } from "../../shared/routing/webhook-secrets.ts";
import { DynamoDbSystemStore } from "../../shared/stores/dynamodb/system-store.ts";
import type { SystemStore } from "../../shared/stores/stores.ts";
import { requireSystem } from "../../shared/systems/system-service.ts";

type Env = FunctionEnv<typeof failoversFunctionEnv>;
export interface FailoverRouteDeps extends RouteDeps {
  switchovers: Pick<
    SwitchoverService,
    "start" | "failBack" | "get" | "getForSystem" | "list" | "route" | "decide"
  >;
  systems: Pick<SystemStore, "get">;
  heartbeats: { states: Pick<HeartbeatStates, "get">; history: Pick<HeartbeatHistory, "list"> };
  secrets: Pick<WebhookSecrets, "rotate">;
  reports: { read(key: string): Promise<string> };
}

const resources = (switchId?: string, systemIds: string[] = []) => [
  ...systemIds.map((id) => ({ type: "govdr::system", id })),
  ...(switchId ? [{ type: "govdr::switchover", id: switchId }] : []),
];

const starter = (caller: { tid: string; sub: string }) => ({
  tenantId: caller.tid,
  requestedBy: caller.sub,
  trigger: "request" as const,
});

type FailoverRoute = RouteSpec<Env, FailoverRouteDeps>;

/** A failover or failback of the path's system, with the caller's reason. */
const systemSwitchover = (kind: SwitchKind, eventName: string): FailoverRoute => ({
  eventName,
  readOnly: false,
  handle: async (event, { deps, caller, path, audit }) => {
    const systemId = path.systemId as string;
    const { reason } = parseBody(requests.newSystemSwitchover, event);
    const switchover = await deps.switchovers.start(starter(caller), kind, {
      systems: [systemId],
      ...(reason ? { reason } : {}),
    });
    audit.resources = resources(switchover.switchId, [systemId]);
    return { statusCode: 202, body: switchover };
  },
});

/** Approving or rejecting the path's switchover at its gate, with the caller's comment. */
const decision = (outcome: "approved" | "rejected", eventName: string): FailoverRoute => ({
  eventName,
  readOnly: false,
  handle: async (event, { deps, caller, path, audit }) => {
    const { comment } = parseBody(requests.approvalDecision, event);
    audit.resources = resources(path.failoverId);
    return {
      statusCode: 200,
      body: await deps.switchovers.decide(caller, path.failoverId as string, outcome, comment),
    };
  },
});

/**
 * Failovers and failbacks (statemachines/failover.asl.json, failback.asl.json): start them, follow
 * them, decide their approval gates, and see where each system is served from (issue #20).
 */
export const failoverRoutes: RouteMap<Env, FailoverRouteDeps> = {
  "POST /systems/{systemId}/failovers": systemSwitchover("failover", "StartFailover"),
  "POST /failovers": {
    eventName: "StartFailoverPlan",
    readOnly: false,
    handle: async (event, { deps, caller, audit }) => {
      const plan = parseBody(requests.newSwitchoverPlan, event);
      const switchover = await deps.switchovers.start(starter(caller), "failover", plan);
      audit.resources = resources(
        switchover.switchId,
        systemsOf(switchover).map((s) => s.systemId),
      );
      return { statusCode: 202, body: switchover };
    },
  },
  "GET /failovers": {
    eventName: "ListFailovers",
    readOnly: true,
    handle: async (event, { deps, caller }) => ({
      statusCode: 200,
      body: await deps.switchovers.list({ tenantId: caller.tid }, parseQuery(requests.page, event)),
    }),
  },
  "GET /failovers/{failoverId}": {
    eventName: "GetFailover",
    readOnly: true,
    handle: async (_event, { deps, caller, path, audit }) => {
      audit.resources = resources(path.failoverId);
      return {
        statusCode: 200,
        body: await deps.switchovers.get({ tenantId: caller.tid }, path.failoverId as string),
      };
    },
  },
  "GET /systems/{systemId}/failovers/{failoverId}": {
    eventName: "GetFailover",
    readOnly: true,
    handle: async (_event, { deps, caller, path, audit }) => {
      const { systemId, failoverId } = path as { systemId: string; failoverId: string };
      audit.resources = resources(failoverId, [systemId]);
      return {
        statusCode: 200,
        body: await deps.switchovers.getForSystem({ tenantId: caller.tid }, systemId, failoverId),
      };
    },
  },
  "GET /failovers/{failoverId}/report": {
    eventName: "GetFailoverReport",
    readOnly: true,
    handle: async (event, { deps, caller, path, audit }) => {
      const switchId = path.failoverId as string;
      const { format } = parseQuery(requests.reportFormat, event);
      audit.resources = resources(switchId);
      const switchover = await deps.switchovers.get({ tenantId: caller.tid }, switchId);
      if (!switchover.report) {
        throw new NotFoundError(
          `Switchover ${switchId} has not ended yet; its report is written when it does`,
        );
      }
      return {
        statusCode: 200,
        body: await deps.reports.read(switchover.report[format]),
        contentType: format === "html" ? "text/html; charset=utf-8" : "application/json; charset=utf-8",
      };
    },
  },
  "POST /failovers/{failoverId}/approve": decision("approved", "ApproveFailover"),
  "POST /failovers/{failoverId}/reject": decision("rejected", "RejectFailover"),
  "POST /systems/{systemId}/failbacks": systemSwitchover("failback", "StartFailback"),
  "POST /failbacks": {
    eventName: "StartFailbackPlan",
    readOnly: false,
    handle: async (event, { deps, caller, audit }) => {
      const { failoverId, reason } = parseBody(requests.newPlanFailback, event);
      const switchover = await deps.switchovers.failBack(starter(caller), failoverId, reason);
      audit.resources = resources(
        switchover.switchId,
        systemsOf(switchover).map((s) => s.systemId),
      );
      return { statusCode: 202, body: switchover };
    },
  },
  "GET /systems/{systemId}/route": {
    eventName: "GetRoute",
    readOnly: true,
    handle: async (_event, { deps, caller, path, audit }) => {
      audit.resources = resources(undefined, [path.systemId as string]);
      return {
        statusCode: 200,
        body: await deps.switchovers.route({ tenantId: caller.tid }, path.systemId as string),
      };
    },
  },
  "GET /systems/{systemId}/heartbeats": {
    eventName: "ListHeartbeats",
    readOnly: true,
    handle: async (event, { deps, caller, path, audit }) => {
      const systemId = path.systemId as string;
      audit.resources = resources(undefined, [systemId]);
      requireSystem(await deps.systems.get(caller.tid, systemId), systemId);
      const state =
        (await deps.heartbeats.states.get(caller.tid, systemId)) ??
        initialHeartbeatState(caller.tid, systemId);
      const samples = await deps.heartbeats.history.list(
        caller.tid,
        systemId,
        parseQuery(requests.page, event),
      );
      return { statusCode: 200, body: { state, ...samples } };
    },
  },
  "POST /systems/{systemId}/webhook-secret": {
    eventName: "RotateWebhookSecret",
    readOnly: false,
    handle: async (_event, { deps, caller, path, audit }) => {
      const systemId = path.systemId as string;
      audit.resources = resources(undefined, [systemId]);
      requireSystem(await deps.systems.get(caller.tid, systemId), systemId);
      const secret = await deps.secrets.rotate(caller.tid, systemId);
      // The secret itself is never in the audit record (responseElements stays unset).
      return {
        statusCode: 201,
        body: {
          systemId,
          secret,
          algorithm: "HMAC-SHA256",
          header: "X-Govdr-Signature: v1=<hex HMAC-SHA256(secret, X-Govdr-Timestamp + '.' + body)>",
        },
      };
    },
  },
};

export const handler = resourceHandler(
  failoversFunctionEnv,
  (env) => {
    const directory = awsDirectory(env);
    const stores = awsHeartbeatStores(directory.db, env.POLICIES_TABLE);
    const service = awsSwitchoverService(env, directory);
    return {
      ...directory,
      switchovers: service,
      systems: new DynamoDbSystemStore(directory.db, env.POLICIES_TABLE),
      heartbeats: { states: stores.states, history: stores.history },
      secrets: awsWebhookSecrets(env, directory),
      reports: s3DrillReports(env.REPORTS_BUCKET),
    };
  },
  { eventSource: "failovers.govdr", routes: failoverRoutes },
);
