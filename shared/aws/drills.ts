import { KMSClient } from "@aws-sdk/client-kms";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { type DrillReports, DrillService } from "../drills/drill-service.ts";
import type { DrillReportStore, DrillStepDeps, DrillVaults } from "../drills/drill-steps.ts";
import { MisconfigurationError } from "../errors.ts";
import { DynamoDbDrillStore } from "../stores/dynamodb/drill-store.ts";
import { DynamoDbSnapshotCatalog } from "../stores/dynamodb/snapshot-catalog.ts";
import { DynamoDbSystemStore } from "../stores/dynamodb/system-store.ts";
import { S3Sandbox } from "../stores/s3/sandbox.ts";
import { S3Backend } from "../vault/backends/s3.ts";
import { kmsKeyWrapper } from "../vault/kms-key-wrapper.ts";
import { Repository } from "../vault/repository.ts";
import { awsDirectory } from "./directory.ts";
import { snsNotifier } from "./notifications.ts";

const s3Location = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.*)$/;

/** The S3 client every drill and replication adapter uses: retried adaptively, path-style on emulators. */
export const s3Client = (region?: string) =>
  new S3Client({
    region,
    maxAttempts: 8,
    retryMode: "adaptive",
    forcePathStyle: !!process.env.AWS_ENDPOINT_URL,
  });

/**
 * The DR copy of a snapshot's repository: the same prefix in the DR region's vault. Only snapshots
 * in the platform's own vault, under their own tenant's prefix, have one: an agent's report naming
 * any other place (a local directory, another bucket, another tenant's prefix) is not followed.
 */
export function drRepositoryMapping(vaultBucket: string, drVaultBucket: string) {
  return (record: { tenantId: string; repository: string }): string | undefined => {
    const match = s3Location.exec(record.repository);
    if (!match || match[1] !== vaultBucket) return undefined;
    const prefix = (match[2] ?? "").replace(/\/*$/, "/");
    if (!prefix.startsWith(`tenants/${record.tenantId}/`) || prefix.includes("/../")) return undefined;
    return `s3://${drVaultBucket}/${prefix}`;
  };
}

export function drVaults(
  env: Pick<DrillTaskEnv, "VAULT_BUCKET" | "DR_VAULT_BUCKET" | "DR_REGION">,
): DrillVaults {
  const s3 = s3Client(env.DR_REGION);
  const kms = new KMSClient({});
  const backend = (repository: string) => {
    const match = s3Location.exec(repository);
    if (!match) throw new MisconfigurationError(`${repository} is not an S3 location`);
    return new S3Backend(s3, match[1] as string, match[2] ?? "");
  };
  return {
    drRepositoryOf: drRepositoryMapping(env.VAULT_BUCKET, env.DR_VAULT_BUCKET),
    manifestNames: async (repository) => {
      const names: string[] = [];
      for await (const name of backend(repository).list("snapshots/")) names.push(name);
      return names;
    },
    open: async (repository, tenant) => {
      if (!tenant.vaultKeyId) throw new MisconfigurationError(`Tenant ${tenant.tenantId} has no vault key`);
      return Repository.open(backend(repository), kmsKeyWrapper(kms, tenant.vaultKeyId, tenant.tenantId));
    },
  };
}

/** Drill reports in the locked reports bucket: written once under COMPLIANCE retention, read back as text. */
export function s3DrillReports(bucket: string, s3: S3Client = s3Client()): DrillReportStore & DrillReports {
  const objects = new S3Backend(s3, bucket, "");
  return {
    write: async (key, body, contentType, retainUntil) => {
      await objects.put(key, Buffer.from(body, "utf8"), { retainUntil, contentType });
    },
    read: async (key) => (await objects.get(key)).toString("utf8"),
  };
}

/** The drill service wired to AWS: the Policies table, the drill state machine, the reports bucket. */
export function awsDrillService(
  env: { POLICIES_TABLE: string; DRILL_STATE_MACHINE_ARN: string; REPORTS_BUCKET: string },
  directory: Pick<ReturnType<typeof awsDirectory>, "db" | "now">,
): DrillService {
  const sfn = new SFNClient({});
  return new DrillService({
    drills: new DynamoDbDrillStore(directory.db, env.POLICIES_TABLE),
    systems: new DynamoDbSystemStore(directory.db, env.POLICIES_TABLE),
    catalog: new DynamoDbSnapshotCatalog(directory.db, env.POLICIES_TABLE),
    runner: {
      executionArnOf: (drillId) =>
        `${env.DRILL_STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:${drillId}`,
      start: async (drill) => {
        await sfn.send(
          new StartExecutionCommand({
            stateMachineArn: env.DRILL_STATE_MACHINE_ARN,
            // One execution per drill: a retried start cannot run the drill twice.
            name: drill.drillId,
            input: JSON.stringify({
              tenantId: drill.tenantId,
              systemId: drill.systemId,
              drillId: drill.drillId,
            }),
          }),
        );
      },
    },
    reports: s3DrillReports(env.REPORTS_BUCKET),
    now: directory.now,
  });
}

export interface DrillTaskEnv {
  TENANTS_TABLE: string;
  AUDIT_TABLE: string;
  POLICIES_TABLE: string;
  VAULT_BUCKET: string;
  DR_VAULT_BUCKET: string;
  DR_REGION: string;
  SANDBOX_BUCKET: string;
  REPORTS_BUCKET: string;
  REPORT_RETENTION_DAYS: number;
  NOTIFICATIONS_TOPIC_ARN: string;
  AWS_REGION: string;
}

/** What every drill task works with, wired to AWS. */
export function awsDrillStepDeps(env: DrillTaskEnv, directory = awsDirectory(env)): DrillStepDeps {
  return {
    drills: new DynamoDbDrillStore(directory.db, env.POLICIES_TABLE),
    catalog: new DynamoDbSnapshotCatalog(directory.db, env.POLICIES_TABLE),
    tenants: directory.tenants,
    vaults: drVaults(env),
    sandbox: new S3Sandbox(s3Client(env.DR_REGION), env.SANDBOX_BUCKET),
    reports: s3DrillReports(env.REPORTS_BUCKET),
    notifier: snsNotifier(env.NOTIFICATIONS_TOPIC_ARN),
    audit: directory.audit,
    now: directory.now,
    region: env.AWS_REGION,
    reportRetentionDays: env.REPORT_RETENTION_DAYS,
  };
}
