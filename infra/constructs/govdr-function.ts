import path from "node:path";
import { Duration, type RemovalPolicy } from "aws-cdk-lib";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, LoggingFormat, Runtime, Tracing } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, type RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import type { z } from "zod";
import type { FunctionEnvSchema } from "../../shared/config/function-env.ts";
import { acknowledgeNag, xrayWildcardReason } from "../acknowledge.ts";
import { projectRoot } from "../paths.ts";

export interface GovdrFunctionProps<Env extends FunctionEnvSchema> {
  /** Handler file relative to functions/, e.g. `api/health.ts`; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  /** Parsed by the handler with the same schema; a missing variable fails to compile. */
  readonly envSchema: Env;
  readonly environment: z.input<Env>;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  /** A fixed name, for a function other stacks address by name (e.g. a schedule's target). */
  readonly functionName?: string;
}

/**
 * The one way this project declares a Lambda function: Node.js 22 runtime (the emulator runs the
 * bundles on the Node.js 22 that `npm ci` installs, docs/decisions.md D-37), x86_64 for the widest
 * gov-cloud support, JSON logs into a retained log group, X-Ray tracing, and the AWS SDK bundled
 * so the code does not depend on the SDK version a cloud's runtime happens to ship.
 */
export class GovdrFunction<Env extends FunctionEnvSchema> extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: GovdrFunctionProps<Env>) {
    super(scope, id);
    const environment = Object.fromEntries(
      Object.entries(props.envSchema.parse(props.environment)).map(([name, value]) => [name, String(value)]),
    );
    const logGroup = new LogGroup(this, "Logs", {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    // Its own role instead of AWSLambdaBasicExecutionRole: logs only into its own log group.
    const role = new Role(this, "Role", { assumedBy: new ServicePrincipal("lambda.amazonaws.com") });
    role.addToPolicy(
      new PolicyStatement({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [logGroup.logGroupArn],
      }),
    );
    this.function = new NodejsFunction(this, "Function", {
      role,
      entry: path.join(projectRoot, "functions", props.entry),
      handler: "handler",
      functionName: props.functionName,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.X86_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      environment: { ...environment, NODE_OPTIONS: "--enable-source-maps" },
      projectRoot,
      depsLockFilePath: path.join(projectRoot, "package-lock.json"),
      bundling: {
        format: OutputFormat.CJS,
        target: "node22",
        bundleAwsSDK: true,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
      },
    });
    acknowledgeNag(
      this,
      { id: "IAM5[Resource::*]", reason: xrayWildcardReason },
      {
        id: "L1",
        reason:
          "nodejs22.x is the newest runtime offered in every targeted partition (incl. aws-cn); it is supported until 2027.",
      },
    );
  }
}
