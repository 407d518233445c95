import type { DeploymentConfig } from "./config.ts";

/**
 * Names other code addresses deployed things by. Kept free of aws-cdk-lib imports so the CLI can
 * use them without loading the CDK.
 */
export function stackNames(stage: DeploymentConfig["stage"]) {
  const prefix = `Govdr-${stage}`;
  return {
    drVault: `${prefix}-DrVault`,
    vault: `${prefix}-Vault`,
    data: `${prefix}-Data`,
    api: `${prefix}-Api`,
    orchestration: `${prefix}-Orchestration`,
    /** CloudFront: not deployed to the emulator (cli/local-stack/deploy.ts), which has no CloudFront. */
    console: `${prefix}-Console`,
  };
}

export const apiStageName = "v1";
