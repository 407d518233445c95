import { readFileSync } from "node:fs";
import path from "node:path";
import { App, Tags, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { type DeploymentConfig, readDeploymentConfig } from "./config.ts";
import { stackNames } from "./names.ts";
import { projectRoot } from "./paths.ts";
import { ApiStack } from "./stacks/api-stack.ts";
import { ConsoleStack } from "./stacks/console-stack.ts";
import { DataStack } from "./stacks/data-stack.ts";
import { OrchestrationStack } from "./stacks/orchestration-stack.ts";
import { VaultStack } from "./stacks/vault-stack.ts";

export interface GovdrStacks {
  drVault: VaultStack;
  vault: VaultStack;
  data: DataStack;
  api: ApiStack;
  orchestration: OrchestrationStack;
  console: ConsoleStack;
}

/** What the app takes besides the CDK context: where the built console is, a WAF web ACL for it. */
export interface GovdrAppOptions {
  /** The built console (default web/dist); when it has no index.html the Console stack deploys no files. */
  readonly consoleAssetDir?: string;
  /** A WAF web ACL (scope CLOUDFRONT, us-east-1) for the console's distribution. */
  readonly consoleWebAclArn?: string;
}

export function projectVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/** Builds both regions' stacks. The DR vault comes first: the primary vault replicates into it. */
export function buildGovdrApp(
  app: App,
  config: DeploymentConfig,
  options: GovdrAppOptions = {},
): GovdrStacks {
  const names = stackNames(config.stage);
  const primary = { account: config.account, region: config.primaryRegion };
  const dr = { account: config.account, region: config.drRegion };

  const drVault = new VaultStack(app, names.drVault, {
    env: dr,
    config,
    drillSandbox: true,
    description: "govdr DR-region vault and drill sandbox",
  });
  const vault = new VaultStack(app, names.vault, {
    env: primary,
    config,
    replicateToRegion: config.drRegion,
    description: "govdr primary-region vault, replicated to the DR region",
  });
  vault.addStackDependency(drVault);
  const data = new DataStack(app, names.data, {
    env: primary,
    config,
    description: "govdr control-plane tables",
  });
  const api = new ApiStack(app, names.api, {
    env: primary,
    config,
    version: projectVersion(),
    tenants: data.tenants,
    policies: data.policies,
    audit: data.audit,
    auditArchive: data.auditArchive,
    idempotency: data.idempotency,
    identityKey: data.identityKey,
    signingSecret: data.signingSecret,
    reports: data.reports,
    description: "govdr control-plane API",
  });
  const replication = vault.replication;
  const replicationRoleArn = vault.vault.bucket.replicationRoleArn;
  if (!replication || !replicationRoleArn)
    throw new Error("The primary vault must replicate to the DR vault");
  const orchestration = new OrchestrationStack(app, names.orchestration, {
    env: primary,
    config,
    tenants: data.tenants,
    policies: data.policies,
    vault: vault.vault.bucket,
    replicationQueue: replication.queue,
    replicationDeadLetters: replication.deadLetters,
    vaultReplicationRoleArn: replicationRoleArn,
    audit: data.audit,
    auditArchive: data.auditArchive,
    reports: data.reports,
    description: "govdr state machines and task functions",
  });

  const consoleStack = new ConsoleStack(app, names.console, {
    env: primary,
    config,
    api: api.api,
    consoleAssetDir: options.consoleAssetDir,
    webAclArn: options.consoleWebAclArn,
    description: "govdr web console: S3 behind CloudFront, with the API under /api/* (D-45)",
  });

  Tags.of(app).add("project", "govdr");
  Tags.of(app).add("stage", config.stage);
  const stacks = { drVault, vault, data, api, orchestration, console: consoleStack };
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stacks;
}

/** Feature flags, set here rather than in cdk.json so tests synthesize exactly what deploys. */
export const featureFlags = {
  "@aws-cdk/core:defaultCrossStackReferences": "strong",
  "@aws-cdk/aws-iam:minimizePolicies": true,
  "@aws-cdk/core:checkSecretUsage": true,
  "@aws-cdk/core:validateSnapshotRemovalPolicy": true,
  "@aws-cdk/aws-s3:createDefaultLoggingPolicy": true,
  "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": true,
  "@aws-cdk/core:enablePartitionLiterals": true,
  "@aws-cdk/aws-lambda:recognizeLayerVersion": true,
};

/** The app as `cdk` runs it; tests pass context (stage, regions, outdir) to synthesize variants. */
export function createGovdrApp(
  props: { context?: Record<string, unknown>; outdir?: string } & GovdrAppOptions = {},
) {
  const app = new App({ context: { ...featureFlags, ...props.context }, outdir: props.outdir });
  const config = readDeploymentConfig(app);
  return { app, config, stacks: buildGovdrApp(app, config, props) };
}
