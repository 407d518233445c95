import { awsDrillStepDeps } from "../../shared/aws/drills.ts";
import { drillTaskFunctionEnv } from "../../shared/config/function-env.ts";
import { cleanupDrill } from "../../shared/drills/drill-steps.ts";
import { drillTaskInput } from "../../shared/drills/drill-task-input.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";

/** Drill step 6, always run (the state machine's Catch leads here): removes the sandbox, ends the drill. */
export const handler = taskHandler(
  drillTaskFunctionEnv,
  { deps: awsDrillStepDeps, input: drillTaskInput },
  (input, { deps }) => cleanupDrill(deps, input, input.failure ?? undefined),
);
