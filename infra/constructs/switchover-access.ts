import { ArnFormat, Aws, type CfnResource, Stack } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import type { Construct } from "constructs";
import { acknowledgeNag, nagResource } from "../acknowledge.ts";

type GovdrFunctionLike = Construct & { function: LambdaFunction };

/** A switchover state machine by its fixed name (govdr-failover, govdr-failback), as the drill's. */
export function switchoverStateMachineArn(scope: Construct, kind: "failover" | "failback"): string {
  return Stack.of(scope).formatArn({
    partition: Aws.PARTITION,
    service: "states",
    resource: "stateMachine",
    resourceName: `govdr-${kind}`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

const executions = () =>
  (["failover", "failback"] as const).map(
    (kind) => `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:execution:govdr-${kind}:*`,
  );

/**
 * `start`: start either machine and decide its approval gates (the API, the heartbeat monitor).
 * `describe`: read an execution's status (the monitor's sweep).
 */
export function grantSwitchoverControl(govdrFunction: GovdrFunctionLike, access: ("start" | "describe")[]) {
  const fn = govdrFunction.function;
  const machines = (["failover", "failback"] as const).map((kind) => switchoverStateMachineArn(fn, kind));
  if (access.includes("start")) {
    fn.addToRolePolicy(new PolicyStatement({ actions: ["states:StartExecution"], resources: machines }));
    // Task tokens name no resource: SendTask* cannot be scoped further (AWS's own documentation).
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ["states:SendTaskSuccess", "states:SendTaskFailure"],
        resources: ["*"],
      }),
    );
    acknowledgeNag(govdrFunction, {
      id: "IAM5[Resource::*]",
      reason:
        "states:SendTaskSuccess and SendTaskFailure take a task token and support no resource-level scope.",
    });
  }
  if (access.includes("describe")) {
    const arns = executions();
    fn.addToRolePolicy(new PolicyStatement({ actions: ["states:DescribeExecution"], resources: arns }));
    acknowledgeNag(
      govdrFunction,
      ...arns.map((arn) => ({
        id: `IAM5[${nagResource(fn.node.defaultChild as CfnResource, arn)}]`,
        reason:
          "The sweep reads the status of the switchover machines' executions, one per switchover, named after it.",
      })),
    );
  }
}

/**
 * The route53 adapter switches as the unit's own role (`govdr-switch-<name>` in its account, trusting
 * the platform with ExternalId = the unit's id): the platform's role itself changes no hosted zone.
 */
export function grantRoute53Switching(govdrFunction: GovdrFunctionLike) {
  const fn = govdrFunction.function;
  const switchRoles = [
    `arn:${Aws.PARTITION}:iam::*:role/govdr-switch-*`,
    `arn:${Aws.PARTITION}:iam::*:role/*/govdr-switch-*`,
  ];
  fn.addToRolePolicy(new PolicyStatement({ actions: ["sts:AssumeRole"], resources: switchRoles }));
  acknowledgeNag(
    govdrFunction,
    ...switchRoles.map((arn) => ({
      id: `IAM5[${nagResource(fn.node.defaultChild as CfnResource, arn)}]`,
      reason:
        "Units name their own switching roles (govdr-switch-<name>) in their accounts; each trusts the platform only with ExternalId = the unit's id, so no unit can have another's zone switched.",
    })),
  );
}
