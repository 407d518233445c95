import { sliceMs } from "../backups/backup-steps.ts";
import { failureOf } from "../drills/drill-steps.ts";
import { ValidationError } from "../errors.ts";
import { finish } from "./finish.ts";
import { asRetryable } from "./retryable.ts";
import type { SwitchoverStepDeps } from "./switchover-context.ts";
import { endWave, nextWave, requestApproval, resync, rollbackWave } from "./switchover-phases.ts";
import {
  check,
  fence,
  precheck,
  recordAchieved,
  recover,
  switchRoute,
  systemFailed,
  verify,
} from "./switchover-steps.ts";
import type { SwitchoverTaskInput } from "./task-input.ts";

function required<T>(value: T | undefined | null, field: string, step: string): T {
  if (value === undefined || value === null) {
    throw new ValidationError(`Step ${step} needs ${field}`, [
      { path: field, message: "required by this step" },
    ]);
  }
  return value;
}

/** Runs the step a switchover state machine asks for; what it returns becomes the task's result. */
export async function runSwitchoverStep(
  deps: SwitchoverStepDeps,
  input: SwitchoverTaskInput,
  /** When a step that goes on over several invocations (the resync) stops taking on work. */
  deadline: Date = new Date(deps.now().getTime() + sliceMs),
): Promise<unknown> {
  try {
    return await runStep(deps, input, deadline);
  } catch (error) {
    throw asRetryable(error);
  }
}

async function runStep(
  deps: SwitchoverStepDeps,
  input: SwitchoverTaskInput,
  deadline: Date,
): Promise<unknown> {
  const key = { tenantId: input.tenantId, switchId: input.switchId };
  const system = () => ({ ...key, systemId: required(input.systemId, "systemId", input.step) });
  const wave = () => required(input.waveIndex, "waveIndex", input.step);
  switch (input.step) {
    case "precheck":
      return precheck(deps, key);
    case "resync":
      return resync(deps, key, deadline);
    case "request-approval":
      return requestApproval(deps, key, required(input.taskToken, "taskToken", input.step));
    case "next-wave":
      return nextWave(deps, key);
    case "fence":
      return fence(deps, system());
    case "recover":
      return recover(deps, system());
    case "check":
      return check(deps, system());
    case "switch":
      return switchRoute(deps, system());
    case "verify":
      return verify(deps, system());
    case "record":
      return recordAchieved(deps, system());
    case "system-failed":
      return systemFailed(deps, system(), failureOf(required(input.failure, "failure", input.step)));
    case "end-wave":
      return endWave(deps, key, wave());
    case "rollback-wave":
      return rollbackWave(deps, key, wave());
    case "finish":
      return finish(deps, key, input.failure ?? undefined);
  }
}
