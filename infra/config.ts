import type { App } from "aws-cdk-lib";
import { z } from "zod";

/** Deployment settings, read from CDK context (`-c key=value` or cdk.json). */
export const deploymentConfigSchema = z.object({
  stage: z.enum(["local", "prod"]),
  primaryRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region name such as cn-north-1"),
  drRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region name such as cn-northwest-1"),
  account: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  /** Default Object Lock retention of vault objects; the vault engine sets longer per-object retention. */
  vaultRetentionDays: z.coerce.number().int().min(1).max(36500),
  logRetentionDays: z.coerce.number().int().min(180),
  /** Object Lock retention of archived audit batches and digests (000 §7.5.11: at least 180 days). */
  auditRetentionDays: z.coerce.number().int().min(180).max(36500),
});

export type DeploymentConfig = z.infer<typeof deploymentConfigSchema>;

export const defaultDeploymentConfig: DeploymentConfig = {
  stage: "prod",
  primaryRegion: "cn-north-1",
  drRegion: "cn-northwest-1",
  vaultRetentionDays: 30,
  logRetentionDays: 180,
  auditRetentionDays: 180,
};

export function readDeploymentConfig(app: App): DeploymentConfig {
  const fromContext = (key: keyof DeploymentConfig): unknown => app.node.tryGetContext(key);
  const raw = Object.fromEntries(
    Object.keys(deploymentConfigSchema.shape).map((key) => [
      key,
      fromContext(key as keyof DeploymentConfig) ?? defaultDeploymentConfig[key as keyof DeploymentConfig],
    ]),
  );
  const parsed = deploymentConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid CDK context: ${problems}`);
  }
  if (parsed.data.primaryRegion === parsed.data.drRegion) {
    throw new Error("Invalid CDK context: drRegion must differ from primaryRegion (R-DRL remote site)");
  }
  return parsed.data;
}
