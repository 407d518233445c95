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

/** The route53 adapter: the units' hosted zones are theirs, so their ids are not known at deploy time. */
export function grantRoute53Switching(govdrFunction: GovdrFunctionLike) {
  const fn = govdrFunction.function;
  const zones = `arn:${Aws.PARTITION}:route53:::hostedzone/*`;
  const changes = `arn:${Aws.PARTITION}:route53:::change/*`;
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
      resources: [zones],
    }),
  );
  fn.addToRolePolicy(new PolicyStatement({ actions: ["route53:GetChange"], resources: [changes] }));
  acknowledgeNag(
    govdrFunction,
    ...[zones, changes].map((arn) => ({
      id: `IAM5[${nagResource(fn.node.defaultChild as CfnResource, arn)}]`,
      reason:
        "A unit names its own hosted zone in its failover policy; zone and change ids are not known at deploy time.",
    })),
  );
}
