import { awsDrillStepDeps } from "../../shared/aws/drills.ts";
import { drillTaskFunctionEnv } from "../../shared/config/function-env.ts";
import { restoreDrill } from "../../shared/drills/drill-steps.ts";
import { drillTaskInput } from "../../shared/drills/drill-task-input.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";

/** Drill step 2: restores the recovery point into the drill's sandbox in the DR region. */
export const handler = taskHandler(
  drillTaskFunctionEnv,
  { deps: awsDrillStepDeps, input: drillTaskInput },
  (input, { deps }) => restoreDrill(deps, input),
);
