import { readFileSync } from "node:fs";
import path from "node:path";
import { StateMachine } from "aws-local-stepfunctions";
import { runSwitchoverStep } from "../../shared/failover/run-step.ts";
import type { Switchover } from "../../shared/failover/switchover.ts";
import { switchoverTaskInput } from "../../shared/failover/task-input.ts";
import type { switchoverWorld } from "./switchovers.ts";

export type World = Awaited<ReturnType<typeof switchoverWorld>>;

function definition(kind: "failover" | "failback") {
  const text = readFileSync(
    path.resolve(import.meta.dirname, `../../statemachines/${kind}.asl.json`),
    "utf8",
  );
  return JSON.parse(
    text
      .replaceAll("${Partition}", "aws")
      .replace(/\$\{(\w+)Arn\}/g, "arn:aws:lambda:cn-north-1:000000000000:function:$1"),
  );
}

const taskStates = (machine: {
  States: Record<string, { Type: string; ItemProcessor?: { States: Record<string, { Type: string }> } }>;
}) => {
  const names: string[] = [];
  for (const [name, state] of Object.entries(machine.States)) {
    if (state.Type === "Task") names.push(name);
    if (state.ItemProcessor) names.push(...taskStates(state.ItemProcessor as never));
  }
  return names;
};

/**
 * Runs statemachines/<kind>.asl.json itself in an ASL interpreter (D-7): every task is served by
 * the step its Lambda runs (runSwitchoverStep, with the handler's input check), on in-memory stores.
 * The approval gate opens as on AWS (the step stores the task token) and waits for the API's
 * decision (SwitchoverService.decide → SendTaskSuccess/Failure), which `decide` makes here.
 */
export async function runMachine(
  world: World,
  kind: "failover" | "failback",
  switchId: string,
  decide?: (switchover: Switchover) => Promise<void>,
) {
  const machine = definition(kind);
  const invocations: string[] = [];
  const handlers = Object.fromEntries(
    taskStates(machine).map((state) => [
      state,
      async (parameters: unknown) => {
        const payload = (parameters as { Payload: Record<string, unknown> }).Payload;
        const input = switchoverTaskInput.parse(payload);
        invocations.push(input.systemId ? `${state}:${world.nameOf(input.systemId)}` : state);
        const result = await runSwitchoverStep(world.deps, input);
        if (state === "Approval") {
          const decided = new Promise<{ outcome: string; error?: string }>((resolve) =>
            world.gate.once("decided", resolve),
          );
          const waiting = await world.switchovers.get(input.tenantId, input.switchId);
          await decide?.(waiting as Switchover);
          const decision = await decided;
          if (decision.outcome === "reject") {
            const error = new Error("rejected at the gate");
            error.name = decision.error ?? "SwitchoverRejectedError";
            throw error;
          }
          return { decision: "approved" };
        }
        return JSON.parse(JSON.stringify({ Payload: result ?? null }));
      },
    ]),
  );
  const stateMachine = new StateMachine(machine, { validationOptions: { checkArn: false } });
  const execution = stateMachine.run(
    { tenantId: world.tenant.tenantId, switchId },
    {
      context: { Task: { Token: `token-${switchId}` } },
      overrides: {
        taskResourceLocalHandlers: handlers,
        retryIntervalOverrides: Object.fromEntries(taskStates(machine).map((s) => [s, 0])),
        waitTimeOverrides: { ResyncWait: 0 },
      },
    },
  );
  const outcome = await execution.result.then(
    (output) => ({ output, failure: undefined }),
    (failure: Error) => ({ output: undefined, failure }),
  );
  const record = (await world.switchovers.get(world.tenant.tenantId, switchId)) as Switchover;
  return { ...outcome, invocations, record };
}

/** The approver's decision at the gate, as the API's approve or reject makes it. */
const decide =
  (world: World, decision: "approved" | "rejected", comment: string) => async (waiting: Switchover) => {
    await world.api.decide(
      { tid: world.tenant.tenantId, sub: "u-approver0001" },
      waiting.switchId,
      decision,
      comment,
    );
  };
export const approve = (world: World) => decide(world, "approved", "go");
export const reject = (world: World, comment: string) => decide(world, "rejected", comment);
