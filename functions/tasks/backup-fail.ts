import { z } from "zod";
import { awsBackupStepDeps } from "../../shared/aws/backups.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { snsNotifier } from "../../shared/aws/notifications.ts";
import { failBackup } from "../../shared/backups/backup-steps.ts";
import { backupTaskInput } from "../../shared/backups/backup-task-input.ts";
import { backupTaskFunctionEnv } from "../../shared/config/function-env.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";

/** The backup state machine's Catch: ends the job as failed with what stopped it, audits it and tells the unit. */
export const handler = taskHandler(
  backupTaskFunctionEnv,
  {
    deps: (env) => ({
      ...awsBackupStepDeps(env, awsDirectory(env)),
      notifier: snsNotifier(env.NOTIFICATIONS_TOPIC_ARN),
    }),
    input: backupTaskInput.extend({
      failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).nullable(),
    }),
  },
  ({ failure, ...key }, { deps }) => failBackup(deps, key, failure),
);
