import { awsDirectory } from "../../shared/aws/directory.ts";
import { awsSwitchoverStepDeps } from "../../shared/aws/switchovers.ts";
import { sliceDeadline } from "../../shared/backups/backup-steps.ts";
import { switchoverTaskFunctionEnv } from "../../shared/config/function-env.ts";
import { runSwitchoverStep } from "../../shared/failover/run-step.ts";
import { switchoverTaskInput } from "../../shared/failover/task-input.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";

/**
 * Every task of statemachines/failover.asl.json and failback.asl.json: one function, the step named
 * in its input, so that each step starts warm (an RTO is measured in seconds) and all share one role.
 */
export const handler = taskHandler(
  switchoverTaskFunctionEnv,
  {
    deps: (env) =>
      awsSwitchoverStepDeps({ ...env, AWS_REGION: process.env.AWS_REGION ?? "" }, awsDirectory(env)),
    input: switchoverTaskInput,
  },
  (input, { deps, lambda }) =>
    runSwitchoverStep(deps, input, sliceDeadline(deps.now(), lambda.getRemainingTimeInMillis())),
);
