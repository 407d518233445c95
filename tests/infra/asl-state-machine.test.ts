import { App, RemovalPolicy, Stack } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { describe, expect, it } from "vitest";
import { AslStateMachine } from "../../infra/constructs/asl-state-machine.ts";

const common = {
  name: "selfcheck",
  logRetention: RetentionDays.SIX_MONTHS,
  removalPolicy: RemovalPolicy.DESTROY,
};

describe("AslStateMachine", () => {
  it("refuses to synthesize when a placeholder of the ASL file is not supplied", () => {
    const stack = new Stack(new App(), "S");

    expect(() => new AslStateMachine(stack, "M", { ...common, substitutions: { Partition: "aws" } })).toThrow(
      /missing: SelfCheckFunctionArn; unused: none/,
    );
  });

  it("refuses a substitution that names no placeholder (a typo would otherwise pass silently)", () => {
    const stack = new Stack(new App(), "S");
    const substitutions = { Partition: "aws", SelfCheckFunctionArn: "arn", SelfChekFunctionArn: "arn" };

    expect(() => new AslStateMachine(stack, "M", { ...common, substitutions })).toThrow(
      /missing: none; unused: SelfChekFunctionArn/,
    );
  });
});
