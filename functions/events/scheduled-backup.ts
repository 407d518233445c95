import { z } from "zod";
import { awsBackupService } from "../../shared/aws/backups.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { startScheduledBackup } from "../../shared/backups/scheduled-backup.ts";
import { scheduledBackupFunctionEnv } from "../../shared/config/function-env.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";
import { DynamoDbSystemStore } from "../../shared/stores/dynamodb/system-store.ts";

/** Fired by a system's backup schedule (EventBridge Scheduler, kept from its policy): starts the job (D-43). */
export const handler = taskHandler(
  scheduledBackupFunctionEnv,
  {
    deps: (env) => {
      const directory = awsDirectory(env);
      return {
        ...directory,
        systems: new DynamoDbSystemStore(directory.db, env.POLICIES_TABLE),
        backups: awsBackupService(env, directory),
        region: env.AWS_REGION,
      };
    },
    input: z.object({
      tenantId: z.string().regex(/^t-[0-9a-z]{12}$/),
      systemId: z.string().regex(/^s-[0-9a-z]{12}$/),
    }),
  },
  async (key, { deps, logger }) => {
    const result = await startScheduledBackup(deps, key);
    logger.info("scheduled backup", { ...key, ...result });
    return result;
  },
);
