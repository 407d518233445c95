import { awsDrillStepDeps } from "../../shared/aws/drills.ts";
import { drillTaskFunctionEnv } from "../../shared/config/function-env.ts";
import { reportDrill } from "../../shared/drills/drill-steps.ts";
import { drillTaskInput } from "../../shared/drills/drill-task-input.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";

/** Drill steps 4 and 5: evaluates against the system's targets and writes the locked report. */
export const handler = taskHandler(
  drillTaskFunctionEnv,
  { deps: awsDrillStepDeps, input: drillTaskInput },
  (input, { deps }) => reportDrill(deps, input),
);
