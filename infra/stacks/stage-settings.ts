import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { DeploymentConfig } from "../config.ts";

/** What differs between a throw-away local stack and a production one, decided in one place. */
export interface StageSettings {
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: RetentionDays;
  readonly deletionProtection: boolean;
  /** How long functions may cache the identity settings (0 locally: a change shows at once). */
  readonly identitySettingsMaxAgeSeconds: number;
  /**
   * How long an API function may run. Locally the emulator starts one Node process per concurrent
   * call on a small host, so a burst of cold starts takes seconds there that it never takes in a
   * cloud; a slow answer beats a failed one. 29 s is API Gateway's own integration limit.
   */
  readonly apiFunctionTimeout: Duration;
}

export function stageSettings(config: DeploymentConfig): StageSettings {
  const local = config.stage === "local";
  return {
    removalPolicy: local ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    logRetention: retentionAtLeast(config.logRetentionDays),
    deletionProtection: !local,
    identitySettingsMaxAgeSeconds: local ? 0 : 60,
    apiFunctionTimeout: Duration.seconds(local ? 29 : 10),
  };
}

/** Log retention is rounded up to the next value CloudWatch Logs accepts. */
function retentionAtLeast(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays)
    .filter((v): v is RetentionDays => typeof v === "number" && v > 0)
    .sort((a, b) => a - b);
  return allowed.find((v) => v >= days) ?? RetentionDays.INFINITE;
}
