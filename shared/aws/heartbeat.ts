import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type HeartbeatDeps, type HeartbeatHandlers, realWaitUntil } from "../heartbeat/monitor.ts";
import { probe } from "../heartbeat/probe.ts";
import {
  DynamoDbHeartbeatHistory,
  DynamoDbHeartbeatStates,
  DynamoDbHeartbeatTargets,
} from "../stores/dynamodb/heartbeat-store.ts";

/** The heartbeat's stores on the Policies table, for the monitor and for whoever keeps its targets. */
export function awsHeartbeatStores(db: DynamoDBDocumentClient, policiesTable: string) {
  return {
    targets: new DynamoDbHeartbeatTargets(db, policiesTable),
    states: new DynamoDbHeartbeatStates(db, policiesTable),
    history: new DynamoDbHeartbeatHistory(db, policiesTable),
  };
}

/** The monitor's dependencies: the DynamoDB stores, real probes and real time, and the handlers given. */
export function awsHeartbeatDeps(
  env: { POLICIES_TABLE: string; ALLOW_LOOPBACK_ENDPOINTS: boolean },
  directory: { db: DynamoDBDocumentClient; now?: () => Date },
  handlers: HeartbeatHandlers,
): HeartbeatDeps {
  const now = directory.now ?? (() => new Date());
  return {
    ...awsHeartbeatStores(directory.db, env.POLICIES_TABLE),
    probe: (target) =>
      probe(target.url, target.timeoutSeconds * 1000, { allowLoopback: env.ALLOW_LOOPBACK_ENDPOINTS }),
    now,
    waitUntil: realWaitUntil(now),
    onBreach: (target, state) => handlers.onBreach(target, state),
    onRecovery: (target, state) => handlers.onRecovery(target, state),
  };
}
