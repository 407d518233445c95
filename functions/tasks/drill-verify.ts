import { awsDrillStepDeps } from "../../shared/aws/drills.ts";
import { drillTaskFunctionEnv } from "../../shared/config/function-env.ts";
import { verifyDrill } from "../../shared/drills/drill-steps.ts";
import { drillTaskInput } from "../../shared/drills/drill-task-input.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";

/** Drill step 3: checks the sandbox against the manifest and measures the achieved RTO. */
export const handler = taskHandler(
  drillTaskFunctionEnv,
  { deps: awsDrillStepDeps, input: drillTaskInput },
  (input, { deps }) => verifyDrill(deps, input),
);
