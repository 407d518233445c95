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
   * call, each loading its bundle (0.2 s of CPU), so on a 2-core host the first burst of 96
   * requests waits up to 40 s for its processes, which no cloud Lambda does; a slow answer beats a
   * failed one. The emulator's API Gateway does not cut integrations at AWS's 29 s.
   */
  readonly apiFunctionTimeout: Duration;
  /**
   * The managed replicator's limits: a delivery stays hidden for 6 × the function's timeout (as SQS
   * event sources want); locally short, so a failing copy reaches the dead-letter queue in a test.
   */
  readonly replicator: { timeout: Duration; visibilityTimeout: Duration; maxReceiveCount: number };
}

export function stageSettings(config: DeploymentConfig): StageSettings {
  const local = config.stage === "local";
  return {
    removalPolicy: local ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    logRetention: retentionAtLeast(config.logRetentionDays),
    deletionProtection: !local,
    identitySettingsMaxAgeSeconds: local ? 0 : 60,
    apiFunctionTimeout: Duration.seconds(local ? 60 : 10),
    replicator: local
      ? { timeout: Duration.seconds(20), visibilityTimeout: Duration.seconds(20), maxReceiveCount: 3 }
      : { timeout: Duration.minutes(2), visibilityTimeout: Duration.minutes(12), maxReceiveCount: 5 },
  };
}

/** Log retention is rounded up to the next value CloudWatch Logs accepts. */
function retentionAtLeast(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays)
    .filter((v): v is RetentionDays => typeof v === "number" && v > 0)
    .sort((a, b) => a - b);
  return allowed.find((v) => v >= days) ?? RetentionDays.INFINITE;
}
