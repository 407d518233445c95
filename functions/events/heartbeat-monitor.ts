import { DescribeExecutionCommand, SFNClient } from "@aws-sdk/client-sfn";
import { z } from "zod";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { awsHeartbeatDeps } from "../../shared/aws/heartbeat.ts";
import { snsNotifier } from "../../shared/aws/notifications.ts";
import { awsSwitchoverService } from "../../shared/aws/switchovers.ts";
import { failoverMonitorFunctionEnv } from "../../shared/config/function-env.ts";
import { breachHandlers } from "../../shared/failover/breach.ts";
import { sweepSwitchovers } from "../../shared/failover/sweep.ts";
import { runHeartbeatWindow } from "../../shared/heartbeat/monitor.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";
import { DynamoDbSwitchoverStore } from "../../shared/stores/dynamodb/switchover-store.ts";
import { DynamoDbSystemStore } from "../../shared/stores/dynamodb/system-store.ts";

/** How long one invocation probes: the schedule's minute less the time to start and to finish. */
export const windowSeconds = 59;

/**
 * Every minute: first a sweep of the switchovers (an approval nobody decided in time is expired at
 * its gate; one whose execution died frees its systems), then one window of 59 s in which each
 * system whose policy has a heartbeat is probed at its own interval. A breach of its failure
 * threshold starts the failover its policy asks for (000 §7.5.5(2), R-FO-02).
 */
export const handler = taskHandler(
  failoverMonitorFunctionEnv,
  {
    deps: (env) => {
      const directory = awsDirectory(env);
      const switchovers = awsSwitchoverService(env, directory);
      const sfn = new SFNClient({});
      const handlers = breachHandlers({
        switchovers,
        systems: new DynamoDbSystemStore(directory.db, env.POLICIES_TABLE),
        notifier: snsNotifier(env.NOTIFICATIONS_TOPIC_ARN),
        audit: directory.audit,
        now: directory.now,
        region: env.AWS_REGION,
      });
      return {
        heartbeat: awsHeartbeatDeps(env, directory, handlers),
        sweep: {
          switchovers: new DynamoDbSwitchoverStore(directory.db, env.POLICIES_TABLE),
          gate: {
            reject: (token: string, error: string, cause: string) =>
              switchovers.rejectAtGate(token, error, cause),
          },
          executionRunning: async (executionArn: string) => {
            const execution = await sfn
              .send(new DescribeExecutionCommand({ executionArn }))
              .catch((error: Error) => {
                if (error.name === "ExecutionDoesNotExist") return { status: "NONE" };
                throw error;
              });
            return execution.status === "RUNNING";
          },
          now: directory.now,
          notifier: snsNotifier(env.NOTIFICATIONS_TOPIC_ARN),
          audit: directory.audit,
          region: env.AWS_REGION,
        },
      };
    },
    // An EventBridge scheduled event; `windowSeconds` shortens the window (tests, a manual run).
    input: z.looseObject({ windowSeconds: z.number().int().min(1).max(windowSeconds).optional() }),
  },
  async (input, { deps, logger }) => {
    // A sweep that fails must not stop every unit's heartbeats: it is logged and tried next minute.
    const swept = await sweepSwitchovers(deps.sweep).catch((error: Error) => {
      logger.error("switchover sweep failed", { error });
      return { failed: error.message };
    });
    const result = await runHeartbeatWindow(
      { ...deps.heartbeat, log: (level, message, details) => logger[level](message, details ?? {}) },
      { windowMs: (input.windowSeconds ?? windowSeconds) * 1000 },
    );
    logger.info("heartbeat window", { ...result, swept });
    return { ...result, swept };
  },
);
