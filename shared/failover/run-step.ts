import { failureOf } from "../drills/drill-steps.ts";
import { DependencyUnavailableError, GovdrError, ValidationError } from "../errors.ts";
import { finish } from "./finish.ts";
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

const throttling = new Set([
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "TransactionConflictException",
]);

/**
 * An AWS error worth trying again (throttled, or the service failed) as the DependencyUnavailableError
 * the state machines retry by name; every other error is left as it is.
 */
export function asRetryable(error: unknown): unknown {
  if (error instanceof GovdrError || !(error instanceof Error)) return error;
  const aws = error as Error & { $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = aws.$metadata?.httpStatusCode ?? 0;
  if (!aws.$retryable && !throttling.has(aws.name) && status < 500) return error;
  return new DependencyUnavailableError(`${aws.name}: ${aws.message}`, { cause: error });
}

/** Runs the step a switchover state machine asks for; what it returns becomes the task's result. */
export async function runSwitchoverStep(
  deps: SwitchoverStepDeps,
  input: SwitchoverTaskInput,
): Promise<unknown> {
  try {
    return await runStep(deps, input);
  } catch (error) {
    throw asRetryable(error);
  }
}

async function runStep(deps: SwitchoverStepDeps, input: SwitchoverTaskInput): Promise<unknown> {
  const key = { tenantId: input.tenantId, switchId: input.switchId };
  const system = () => ({ ...key, systemId: required(input.systemId, "systemId", input.step) });
  const wave = () => required(input.waveIndex, "waveIndex", input.step);
  switch (input.step) {
    case "precheck":
      return precheck(deps, key);
    case "resync":
      return resync(deps, key);
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
