import { awsBackupStepDeps } from "../../shared/aws/backups.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { runBackupSlice, sliceDeadline } from "../../shared/backups/backup-steps.ts";
import { backupTaskInput } from "../../shared/backups/backup-task-input.ts";
import { backupTaskFunctionEnv } from "../../shared/config/function-env.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";

/**
 * The backup state machine's loop body: one slice of a server-side backup, ending at a checkpoint
 * well before this invocation's timeout (D-43); `{done}` says whether the loop goes on.
 */
export const handler = taskHandler(
  backupTaskFunctionEnv,
  { deps: (env) => awsBackupStepDeps(env, awsDirectory(env)), input: backupTaskInput },
  (input, { deps, lambda }) =>
    runBackupSlice(deps, input, sliceDeadline(deps.now(), lambda.getRemainingTimeInMillis())),
);
