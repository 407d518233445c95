import { z } from "zod";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { awsDrillService } from "../../shared/aws/drills.ts";
import { scheduledDrillFunctionEnv } from "../../shared/config/function-env.ts";
import { startScheduledDrill } from "../../shared/drills/scheduled-drill.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";

/** Fired by a system's drill schedule (EventBridge Scheduler, kept from its policy): starts the drill. */
export const handler = taskHandler(
  scheduledDrillFunctionEnv,
  {
    deps: (env) => {
      const directory = awsDirectory(env);
      return { ...directory, drills: awsDrillService(env, directory), region: env.AWS_REGION };
    },
    input: z.object({
      tenantId: z.string().regex(/^t-[0-9a-z]{12}$/),
      systemId: z.string().regex(/^s-[0-9a-z]{12}$/),
    }),
  },
  async (key, { deps, logger }) => {
    const result = await startScheduledDrill(deps, key);
    logger.info("scheduled drill", { ...key, ...result });
    return result;
  },
);
