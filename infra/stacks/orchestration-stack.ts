import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import { selfCheckFunctionEnv } from "../../shared/config/function-env.ts";
import type { DeploymentConfig } from "../config.ts";
import { AslStateMachine } from "../constructs/asl-state-machine.ts";
import { GovdrFunction } from "../constructs/govdr-function.ts";
import { stageSettings } from "./stage-settings.ts";

export interface OrchestrationStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly tenants: ITable;
  readonly policies: ITable;
  readonly vault: IBucket;
}

export class OrchestrationStack extends Stack {
  readonly selfCheck: AslStateMachine;

  constructor(scope: Construct, id: string, props: OrchestrationStackProps) {
    super(scope, id, props);
    const settings = stageSettings(props.config);
    const task = new GovdrFunction(this, "SelfCheckTask", {
      entry: "tasks/selfcheck.ts",
      description: "Self-check task: control-plane tables and vault reachable and correctly configured",
      envSchema: selfCheckFunctionEnv,
      environment: {
        GOVDR_STAGE: props.config.stage,
        POWERTOOLS_SERVICE_NAME: "govdr-selfcheck",
        TENANTS_TABLE: props.tenants.tableName,
        POLICIES_TABLE: props.policies.tableName,
        VAULT_BUCKET: props.vault.bucketName,
      },
      logRetention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });
    task.function.addToRolePolicy(
      new PolicyStatement({
        actions: ["dynamodb:DescribeTable"],
        resources: [props.tenants.tableArn, props.policies.tableArn],
      }),
    );
    task.function.addToRolePolicy(
      new PolicyStatement({
        actions: ["s3:GetBucketVersioning", "s3:GetBucketObjectLockConfiguration"],
        resources: [props.vault.bucketArn],
      }),
    );

    this.selfCheck = new AslStateMachine(this, "SelfCheck", {
      name: "selfcheck",
      substitutions: { Partition: this.partition, SelfCheckFunctionArn: task.function.functionArn },
      invokes: [task.function],
      logRetention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });
    new CfnOutput(this, "SelfCheckStateMachineArn", { value: this.selfCheck.stateMachine.stateMachineArn });
  }
}
