import { readFileSync } from "node:fs";
import path from "node:path";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectLockConfigurationCommand } from "@aws-sdk/client-s3";
import { StateMachine } from "aws-local-stepfunctions";
import { describe, expect, it } from "vitest";
import { handler } from "../../../functions/tasks/selfcheck.ts";
import { lambdaContext } from "../../support/fixtures.ts";
import { healthySelfCheckDependencies } from "../../support/selfcheck.ts";

/** The ASL file as deployed, its `${…}` substitutions filled with placeholders of the right form. */
function definition(file: string) {
  const text = readFileSync(path.resolve(import.meta.dirname, "../../../statemachines", file), "utf8");
  return JSON.parse(
    text
      .replaceAll("${Partition}", "aws")
      .replace(/\$\{(\w+)Arn\}/g, "arn:aws:lambda:cn-north-1:000000000000:function:$1"),
  );
}

const timeout = Object.assign(new Error("socket hang up"), { name: "TimeoutError" });

/** Runs statemachines/selfcheck.asl.json itself, its task served by the real task handler. */
async function runSelfCheckMachine() {
  let invocations = 0;
  const machine = new StateMachine(definition("selfcheck.asl.json"), {
    validationOptions: { checkArn: false },
  });
  const execution = machine.run(
    {},
    {
      context: {
        Execution: { Id: "arn:aws:states:::execution:selfcheck:1", StartTime: new Date().toISOString() },
      },
      overrides: {
        taskResourceLocalHandlers: {
          CheckDependencies: async (payload) => {
            invocations += 1;
            // What Lambda hands back is JSON, as `lambda:invoke` wraps it: `{Payload: …}`.
            return JSON.parse(JSON.stringify({ Payload: await handler(payload, lambdaContext()) }));
          },
        },
        retryIntervalOverrides: { CheckDependencies: 0 },
      },
    },
  );
  const outcome = await execution.result.then(
    (output) => ({ output, failure: undefined }),
    (failure: Error) => ({ output: undefined, failure }),
  );
  return { ...outcome, invocations: () => invocations };
}

describe("statemachines/selfcheck.asl.json run by an ASL interpreter with the real task handler (D-7, D-37)", () => {
  const { dynamodb, s3 } = healthySelfCheckDependencies();

  it("retries a DependencyUnavailableError by name, as the definition says, and succeeds once the table answers", async () => {
    dynamodb
      .on(DescribeTableCommand, { TableName: "policies" })
      .rejectsOnce(timeout)
      .rejectsOnce(timeout)
      .resolves({ Table: { TableStatus: "ACTIVE" } });

    const run = await runSelfCheckMachine();

    expect(run.failure).toBeUndefined();
    expect(run.output).toMatchObject({ ok: true });
    expect(run.invocations()).toBe(3);
  });

  it("stops retrying after MaxAttempts (3) and ends in the SelfCheckFailed state through the Catch", async () => {
    dynamodb.on(DescribeTableCommand, { TableName: "policies" }).rejects(timeout);

    const run = await runSelfCheckMachine();

    expect(run.invocations()).toBe(4);
    expect(run.failure?.message).toContain("A platform dependency is unreachable");
  });

  it("does not retry a MisconfigurationError (not in the Retry list): it goes straight to the Catch", async () => {
    s3.on(GetObjectLockConfigurationCommand).resolves({});

    const run = await runSelfCheckMachine();

    expect(run.invocations()).toBe(1);
    expect(run.failure?.message).toContain("A platform dependency is unreachable");
  });
});
