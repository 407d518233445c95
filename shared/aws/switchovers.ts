import { KMSClient } from "@aws-sdk/client-kms";
import { Route53Client } from "@aws-sdk/client-route-53";
import {
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { STSClient } from "@aws-sdk/client-sts";
import { latestSnapshotAt } from "../drills/drill-service.ts";
import { MisconfigurationError } from "../errors.ts";
import type { SwitchoverStepDeps } from "../failover/switchover-context.ts";
import { SwitchoverService } from "../failover/switchover-service.ts";
import { probe } from "../heartbeat/probe.ts";
import { routeAdapterFor } from "../routing/adapters.ts";
import { RouteSwitchFailedError } from "../routing/errors.ts";
import { DynamoDbHeartbeatStates } from "../stores/dynamodb/heartbeat-store.ts";
import { DynamoDbRouteStore } from "../stores/dynamodb/route-store.ts";
import { DynamoDbSnapshotCatalog } from "../stores/dynamodb/snapshot-catalog.ts";
import { DynamoDbSwitchoverStore } from "../stores/dynamodb/switchover-store.ts";
import { DynamoDbSystemStore } from "../stores/dynamodb/system-store.ts";
import { DynamoDbWebhookSecretStore } from "../stores/dynamodb/webhook-secret-store.ts";
import { loadSnapshot } from "../vault/snapshot.ts";
import { awsBackupStepDeps, tenantRepository } from "./backups.ts";
import { assumedRoleDataLocations } from "./data-locations.ts";
import type { awsDirectory } from "./directory.ts";
import { drVaults, s3DrillReports } from "./drills.ts";
import { snsNotifier } from "./notifications.ts";
import { assumeUnitRole } from "./unit-role.ts";

type Directory = Pick<ReturnType<typeof awsDirectory>, "db" | "now" | "tenants">;

const sts = new STSClient({});

/**
 * A Route 53 client acting as the unit's own switching role, assumed with ExternalId = the unit's
 * id (as server-side backup sources are, D-43): the platform's credentials change no hosted zone,
 * so a unit can only switch records its own account lets it. No role: every call is refused.
 */
function route53As(roleArn: string | undefined, tenantId: string): Route53Client {
  return new Route53Client({
    maxAttempts: 6,
    credentials: async () => {
      if (!roleArn) {
        throw new RouteSwitchFailedError(
          "The route53 adapter needs failover.route53.roleArn (a govdr-switch-<name> role in the unit's account); set the policy again",
        );
      }
      return assumeUnitRole(
        sts,
        { roleArn, tenantId, sessionName: `govdr-switch-${tenantId}`, durationSeconds: 900 },
        (message) => new RouteSwitchFailedError(message),
      );
    },
  });
}

/** How long one health probe of a site may take inside a switchover step. */
const probeTimeoutMs = 5_000;

/** The unit's webhook signing secrets, under the unit's own KMS key. */
export function awsWebhookSecrets(env: { POLICIES_TABLE: string }, directory: Directory) {
  return new DynamoDbWebhookSecretStore(directory.db, new KMSClient({}), env.POLICIES_TABLE, {
    keyIdOf: async (tenantId) => {
      const tenant = await directory.tenants.get(tenantId);
      if (!tenant?.vaultKeyId) throw new MisconfigurationError(`Tenant ${tenantId} has no key`);
      return tenant.vaultKeyId;
    },
  });
}

/** The switchover service wired to AWS: the Policies table and the two state machines. */
export function awsSwitchoverService(
  env: { POLICIES_TABLE: string; FAILOVER_STATE_MACHINE_ARN: string; FAILBACK_STATE_MACHINE_ARN: string },
  directory: Directory,
): SwitchoverService {
  const sfn = new SFNClient({});
  const machineOf = (kind: "failover" | "failback") =>
    kind === "failover" ? env.FAILOVER_STATE_MACHINE_ARN : env.FAILBACK_STATE_MACHINE_ARN;
  return new SwitchoverService({
    switchovers: new DynamoDbSwitchoverStore(directory.db, env.POLICIES_TABLE),
    systems: new DynamoDbSystemStore(directory.db, env.POLICIES_TABLE),
    routes: new DynamoDbRouteStore(directory.db, env.POLICIES_TABLE),
    runner: {
      executionArnOf: (kind, switchId) =>
        `${machineOf(kind).replace(":stateMachine:", ":execution:")}:${switchId}`,
      start: async (switchover) => {
        await sfn.send(
          new StartExecutionCommand({
            stateMachineArn: machineOf(switchover.kind),
            // One execution per switchover: a retried start cannot run it twice.
            name: switchover.switchId,
            input: JSON.stringify({ tenantId: switchover.tenantId, switchId: switchover.switchId }),
          }),
        );
      },
    },
    gate: {
      approve: async (token, output) => {
        await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
      },
      reject: async (token, error, cause) => {
        await sfn.send(new SendTaskFailureCommand({ taskToken: token, error, cause }));
      },
    },
    now: directory.now,
  });
}

export interface SwitchoverTaskEnv {
  TENANTS_TABLE: string;
  AUDIT_TABLE: string;
  POLICIES_TABLE: string;
  VAULT_BUCKET: string;
  DR_VAULT_BUCKET: string;
  DR_REGION: string;
  REPORTS_BUCKET: string;
  REPORT_RETENTION_DAYS: number;
  NOTIFICATIONS_TOPIC_ARN: string;
  ALLOW_LOOPBACK_ENDPOINTS: boolean;
  AWS_REGION: string;
}

/** What every switchover task works with, wired to AWS. */
export function awsSwitchoverStepDeps(
  env: SwitchoverTaskEnv,
  directory: Directory & Pick<ReturnType<typeof awsDirectory>, "audit">,
): SwitchoverStepDeps {
  const vaults = drVaults(env);
  const catalog = new DynamoDbSnapshotCatalog(directory.db, env.POLICIES_TABLE);
  const secrets = awsWebhookSecrets(env, directory);
  const states = new DynamoDbHeartbeatStates(directory.db, env.POLICIES_TABLE);
  /** The system's newest snapshot whose manifest is in the DR vault (what a recovery there has). */
  const latestInDr = async (tenantId: string, systemId: string) => {
    const manifests = new Map<string, string[]>();
    const manifestOf = async (repository: string, snapshotId: string) => {
      if (!manifests.has(repository)) manifests.set(repository, await vaults.manifestNames(repository));
      return (manifests.get(repository) ?? []).find((name) => name.endsWith(`-${snapshotId}`));
    };
    const record = await latestSnapshotAt(catalog, tenantId, systemId, undefined, async (snapshot) => {
      const repository = vaults.drRepositoryOf(snapshot);
      return !!repository && !!(await manifestOf(repository, snapshot.snapshotId));
    });
    const repository = record && vaults.drRepositoryOf(record);
    const manifest = repository && (await manifestOf(repository, record.snapshotId));
    if (!record || !repository || !manifest) return undefined;
    return {
      repository,
      manifest,
      point: { snapshotId: record.snapshotId, takenAt: record.startedAt ?? record.time },
    };
  };
  return {
    switchovers: new DynamoDbSwitchoverStore(directory.db, env.POLICIES_TABLE),
    systems: new DynamoDbSystemStore(directory.db, env.POLICIES_TABLE),
    routes: new DynamoDbRouteStore(directory.db, env.POLICIES_TABLE),
    adapterFor: (policy, tenantId) =>
      routeAdapterFor(policy, {
        route53: route53As(policy.route53?.roleArn, tenantId),
        secrets,
        allowLoopback: env.ALLOW_LOOPBACK_ENDPOINTS,
      }),
    health: {
      check: async (url) => {
        const result = await probe(url, probeTimeoutMs, { allowLoopback: env.ALLOW_LOOPBACK_ENDPOINTS });
        return {
          ok: result.ok,
          detail: result.ok
            ? `${url} answered ${result.httpStatus} in ${result.latencyMs} ms`
            : `${url}: ${result.error ?? `HTTP ${result.httpStatus}`}`,
        };
      },
    },
    recoveryPoints: {
      latest: async (tenantId, systemId) => (await latestInDr(tenantId, systemId))?.point,
    },
    recoveryData: {
      locations: assumedRoleDataLocations({
        regions: { primary: env.AWS_REGION, dr: env.DR_REGION },
        endpoint: process.env.AWS_ENDPOINT_URL,
      }),
      openLatestInDr: async (tenantId, systemId) => {
        const latest = await latestInDr(tenantId, systemId);
        const tenant = latest && (await directory.tenants.get(tenantId));
        if (!latest || !tenant) return undefined;
        const repository = await vaults.open(latest.repository, tenant);
        return { repository, snapshot: await loadSnapshot(repository, latest.manifest), point: latest.point };
      },
      backups: awsBackupStepDeps(env, directory),
      repositoryOf: (tenantId) => tenantRepository(env.VAULT_BUCKET, tenantId),
    },
    heartbeats: {
      state: async (tenantId, systemId) => {
        const state = await states.get(tenantId, systemId);
        return state
          ? {
              status: state.status,
              consecutiveFailures: state.consecutiveFailures,
              ...(state.lastOkAt ? { lastOkAt: state.lastOkAt } : {}),
            }
          : undefined;
      },
    },
    reports: s3DrillReports(env.REPORTS_BUCKET),
    notifier: snsNotifier(env.NOTIFICATIONS_TOPIC_ARN),
    audit: directory.audit,
    now: directory.now,
    region: env.AWS_REGION,
    reportRetentionDays: env.REPORT_RETENTION_DAYS,
  };
}
