import { awsDrillStepDeps } from "../../shared/aws/drills.ts";
import { drillTaskFunctionEnv } from "../../shared/config/function-env.ts";
import { planDrill } from "../../shared/drills/drill-steps.ts";
import { drillTaskInput } from "../../shared/drills/drill-task-input.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";

/** Drill step 1: picks the recovery point (the newest snapshot in the DR vault at or before the incident time). */
export const handler = taskHandler(
  drillTaskFunctionEnv,
  { deps: awsDrillStepDeps, input: drillTaskInput },
  (input, { deps }) => planDrill(deps, input),
);
