import { DescribeExecutionCommand, SFNClient } from "@aws-sdk/client-sfn";
import { z } from "zod";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { awsDrillStepDeps } from "../../shared/aws/drills.ts";
import { drillTaskFunctionEnv } from "../../shared/config/function-env.ts";
import { sweepDrills } from "../../shared/drills/sweep.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";
import { DynamoDbSystemStore } from "../../shared/stores/dynamodb/system-store.ts";

/** Every 15 minutes: ends drills whose execution stopped mid-way and removes what they left in the sandbox. */
export const handler = taskHandler(
  drillTaskFunctionEnv,
  {
    deps: (env) => {
      const sfn = new SFNClient({});
      const directory = awsDirectory(env);
      return {
        ...awsDrillStepDeps(env, directory),
        tenants: directory.tenants,
        systems: new DynamoDbSystemStore(directory.db, env.POLICIES_TABLE),
        executions: {
          isRunning: async (executionArn: string) => {
            try {
              return (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status === "RUNNING";
            } catch (error) {
              // An execution that never started (or is gone from the history) runs nothing.
              if ((error as Error).name === "ExecutionDoesNotExist") return false;
              throw error;
            }
          },
        },
      };
    },
    input: z.looseObject({}),
  },
  async (_input, { deps, logger }) => {
    const result = await sweepDrills(deps);
    logger.info("drill sweep", result);
    return result;
  },
);
