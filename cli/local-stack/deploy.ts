import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { CliError } from "../../agent/errors.ts";
import { defaultDeploymentConfig } from "../../infra/config.ts";
import { apiStageName, stackNames } from "../../infra/names.ts";
import { localAccount, localCredentials } from "../emulator/settings.ts";
import { projectRoot, stateDir, statePaths } from "../paths.ts";
import { run, tail } from "../run.ts";
import { applyDroppedBucketSettings } from "./apply-dropped-settings.ts";

export const localRegions = {
  primary: defaultDeploymentConfig.primaryRegion,
  dr: defaultDeploymentConfig.drRegion,
};

const localStackSchema = z.object({
  endpoint: z.string(),
  apiUrl: z.string(),
  restApiId: z.string(),
  regions: z.object({ primary: z.string(), dr: z.string() }),
  vaultBucket: z.string(),
  drVaultBucket: z.string(),
  tenantsTable: z.string(),
  policiesTable: z.string(),
  auditTable: z.string(),
  auditArchiveBucket: z.string(),
  auditArchiverFunction: z.string(),
  auditSequencerFunction: z.string(),
  keyShredderFunction: z.string(),
  selfCheckStateMachineArn: z.string(),
  drillStateMachineArn: z.string(),
  sandboxBucket: z.string(),
  reportsBucket: z.string(),
  notificationsTopicArn: z.string(),
  replicationMonitorFunction: z.string(),
  replicatorFunction: z.string(),
  replicationReplayFunction: z.string(),
  replicationQueueUrl: z.string(),
  replicationDeadLetterQueueUrl: z.string(),
  replicationDeadLetterAlarm: z.string(),
  scheduledDrillFunctionArn: z.string(),
  drillSchedulerRoleArn: z.string(),
  drillSweepFunction: z.string(),
  failoverStateMachineArn: z.string(),
  failbackStateMachineArn: z.string(),
  switchoverStepFunction: z.string(),
  heartbeatMonitorFunction: z.string(),
  deployedAt: z.string(),
});
export type LocalStack = z.infer<typeof localStackSchema>;

const cloudAssemblyDir = path.join(stateDir, "cdk.out");
const cdklocal = path.join(projectRoot, "node_modules", ".bin", "cdklocal");

/** The API as the emulator serves it; both ministack and LocalStack route this path form. */
export function emulatorApiUrl(endpoint: string, restApiId: string, stage: string): string {
  return `${endpoint}/_aws/execute-api/${restApiId}/${stage}`;
}

function cdkEnvironment(endpoint: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_REGION: localRegions.primary,
    AWS_DEFAULT_REGION: localRegions.primary,
    CDK_DEFAULT_ACCOUNT: localAccount,
    CDK_DISABLE_VERSION_CHECK: "1",
    CDK_DISABLE_CLI_TELEMETRY: "true",
  };
}

const contextArgs = [
  ["stage", "local"],
  ["account", localAccount],
  ["primaryRegion", localRegions.primary],
  ["drRegion", localRegions.dr],
].flatMap(([k, v]) => ["-c", `${k}=${v}`]);

async function cdk(endpoint: string, args: string[], what: string): Promise<void> {
  const result = await run(cdklocal, [...args, ...contextArgs, "--output", cloudAssemblyDir], {
    cwd: projectRoot,
    env: cdkEnvironment(endpoint),
    logFile: statePaths.deployLog,
  });
  if (result.code !== 0) {
    throw new CliError(`${what} failed (full log: ${statePaths.deployLog}):\n${tail(result.output, 25)}`);
  }
}

/**
 * The stacks the emulator gets: all but the Console stack. The emulator implements no CloudFront, so
 * locally the console server (cli/console/server.ts) serves the console and forwards `/api/*`, as
 * CloudFront does in the cloud (docs/decisions.md D-45). `cdk deploy` adds any stack these depend on.
 */
export function locallyDeployedStacks(): string[] {
  const { console: _cloudOnly, ...deployed } = stackNames("local");
  return Object.values(deployed);
}

/**
 * Deploys both regions' stacks but the Console stack (`locallyDeployedStacks`) into the emulator
 * (idempotent: unchanged stacks are skipped), then applies the bucket settings the emulator's
 * CloudFormation drops, logging each one.
 */
export async function deployLocalStack(endpoint: string, log: (line: string) => void): Promise<LocalStack> {
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(statePaths.deployLog, `# govdr local deploy ${new Date().toISOString()} → ${endpoint}\n`);
  const started = performance.now();
  await cdk(
    endpoint,
    [
      "bootstrap",
      `aws://${localAccount}/${localRegions.primary}`,
      `aws://${localAccount}/${localRegions.dr}`,
    ],
    "cdk bootstrap",
  );
  await cdk(
    endpoint,
    [
      "deploy",
      ...locallyDeployedStacks(),
      "--require-approval",
      "never",
      "--outputs-file",
      statePaths.outputs,
      "--progress",
      "events",
    ],
    "cdk deploy",
  );
  const names = stackNames("local");
  for (const [stackName, region] of [
    [names.drVault, localRegions.dr],
    [names.vault, localRegions.primary],
    [names.data, localRegions.primary],
  ] as const) {
    const applied = await applyDroppedBucketSettings({ endpoint, stackName, region, cloudAssemblyDir });
    for (const line of applied) log(`post-deploy (emulator only): ${line}`);
  }
  const stack = readLocalStack(endpoint);
  writeFileSync(statePaths.localStack, `${JSON.stringify(stack, null, 2)}\n`);
  log(
    `deployed ${locallyDeployedStacks().length} stacks in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return stack;
}

function readLocalStack(endpoint: string): LocalStack {
  const outputs = JSON.parse(readFileSync(statePaths.outputs, "utf8")) as Record<
    string,
    Record<string, string>
  >;
  const names = stackNames("local");
  const output = (stack: string, key: string): string => {
    const value = outputs[stack]?.[key];
    if (!value) throw new CliError(`Deployment output ${stack}.${key} is missing from ${statePaths.outputs}`);
    return value;
  };
  const restApiId = output(names.api, "RestApiId");
  return localStackSchema.parse({
    endpoint,
    restApiId,
    apiUrl: emulatorApiUrl(endpoint, restApiId, apiStageName),
    regions: localRegions,
    vaultBucket: output(names.vault, "VaultBucketName"),
    drVaultBucket: output(names.drVault, "VaultBucketName"),
    tenantsTable: output(names.data, "TenantsTableName"),
    policiesTable: output(names.data, "PoliciesTableName"),
    auditTable: output(names.data, "AuditTableName"),
    auditArchiveBucket: output(names.data, "AuditArchiveBucketName"),
    auditArchiverFunction: output(names.orchestration, "AuditArchiverFunctionName"),
    auditSequencerFunction: output(names.orchestration, "AuditSequencerFunctionName"),
    keyShredderFunction: output(names.orchestration, "KeyShredderFunctionName"),
    selfCheckStateMachineArn: output(names.orchestration, "SelfCheckStateMachineArn"),
    drillStateMachineArn: output(names.orchestration, "DrillStateMachineArn"),
    sandboxBucket: output(names.drVault, "SandboxBucketName"),
    reportsBucket: output(names.data, "ReportsBucketName"),
    notificationsTopicArn: output(names.orchestration, "NotificationsTopicArn"),
    replicationMonitorFunction: output(names.orchestration, "ReplicationMonitorFunctionName"),
    replicatorFunction: output(names.orchestration, "ReplicatorFunctionName"),
    replicationReplayFunction: output(names.orchestration, "ReplicationReplayFunctionName"),
    replicationQueueUrl: output(names.vault, "ReplicationQueueUrl"),
    replicationDeadLetterQueueUrl: output(names.vault, "ReplicationDeadLetterQueueUrl"),
    replicationDeadLetterAlarm: output(names.orchestration, "ReplicationDeadLetterAlarmName"),
    scheduledDrillFunctionArn: output(names.orchestration, "ScheduledDrillFunctionArn"),
    drillSchedulerRoleArn: output(names.orchestration, "DrillSchedulerRoleArn"),
    drillSweepFunction: output(names.orchestration, "DrillSweepFunctionName"),
    failoverStateMachineArn: output(names.orchestration, "FailoverStateMachineArn"),
    failbackStateMachineArn: output(names.orchestration, "FailbackStateMachineArn"),
    switchoverStepFunction: output(names.orchestration, "SwitchoverStepFunctionName"),
    heartbeatMonitorFunction: output(names.orchestration, "HeartbeatMonitorFunctionName"),
    deployedAt: new Date().toISOString(),
  });
}

/** The local stack as last deployed, for tests and tools that run against it. */
export function loadLocalStack(): LocalStack {
  if (!existsSync(statePaths.localStack)) {
    throw new CliError("No local stack is deployed.", "Run `npm start` (or `npx govdr deploy`) first.");
  }
  return localStackSchema.parse(JSON.parse(readFileSync(statePaths.localStack, "utf8")));
}
