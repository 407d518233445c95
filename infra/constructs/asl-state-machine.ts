import { readFileSync } from "node:fs";
import path from "node:path";
import type { CfnResource, RemovalPolicy } from "aws-cdk-lib";
import type { IGrantable } from "aws-cdk-lib/aws-iam";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import { acknowledgeNag, nagResource, xrayWildcardReason } from "../acknowledge.ts";
import { projectRoot } from "../paths.ts";

/** `${Name}` placeholders of an ASL file, the names DefinitionSubstitutions must supply. */
export function aslPlaceholders(definition: string): Set<string> {
  return new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string));
}

export interface AslStateMachineProps {
  /** File name under statemachines/, without `.asl.json`. */
  readonly name: string;
  readonly substitutions: Record<string, string>;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** Principals (usually task functions) the state machine's role may invoke. */
  readonly invokes?: { functionArn: string; grantInvoke(grantee: IGrantable): unknown }[];
}

/**
 * A state machine whose definition lives in `statemachines/<name>.asl.json`, so it reads the same
 * in the console, in tests and in review. Synthesis fails when a placeholder is left unsupplied or
 * a substitution names no placeholder, instead of deploying a definition that breaks at run time.
 */
export class AslStateMachine extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: AslStateMachineProps) {
    super(scope, id);
    const file = path.join(projectRoot, "statemachines", `${props.name}.asl.json`);
    const definition = readFileSync(file, "utf8");
    JSON.parse(definition);
    const wanted = aslPlaceholders(definition);
    const given = new Set(Object.keys(props.substitutions));
    const missing = [...wanted].filter((n) => !given.has(n));
    const unused = [...given].filter((n) => !wanted.has(n));
    if (missing.length > 0 || unused.length > 0) {
      throw new Error(
        `${file}: substitutions do not match placeholders (missing: ${missing.join(", ") || "none"}; unused: ${unused.join(", ") || "none"})`,
      );
    }
    const logs = new LogGroup(this, "Logs", {
      logGroupName: `/aws/vendedlogs/states/govdr-${props.name}-${id}`.toLowerCase(),
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.stateMachine = new StateMachine(this, "StateMachine", {
      stateMachineName: `govdr-${props.name}`,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(definition),
      definitionSubstitutions: props.substitutions,
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: true },
    });
    for (const target of props.invokes ?? []) target.grantInvoke(this.stateMachine);
    const anchor = this.stateMachine.node.defaultChild as CfnResource;
    acknowledgeNag(
      this,
      {
        id: "IAM5[Resource::*]",
        reason: `${xrayWildcardReason} CloudWatch Logs vended-log delivery actions also accept only '*'.`,
      },
      ...(props.invokes ?? []).map((fn) => ({
        id: `IAM5[${nagResource(anchor, `${fn.functionArn}:*`)}]`,
        reason:
          "lambda:InvokeFunction on <function>:* covers the versions and aliases of that one task function.",
      })),
    );
  }
}
