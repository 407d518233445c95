import { KMSClient } from "@aws-sdk/client-kms";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { BackupService, type PlatformResources } from "../backups/backup-service.ts";
import type { BackupStepDeps, BackupVault } from "../backups/backup-steps.ts";
import { MisconfigurationError } from "../errors.ts";
import { SnapshotService } from "../snapshots/snapshot-service.ts";
import { DynamoDbBackupJobStore } from "../stores/dynamodb/backup-job-store.ts";
import { DynamoDbSnapshotCatalog } from "../stores/dynamodb/snapshot-catalog.ts";
import { DynamoDbSystemStore } from "../stores/dynamodb/system-store.ts";
import { S3Backend } from "../vault/backends/s3.ts";
import { kmsKeyWrapper } from "../vault/kms-key-wrapper.ts";
import { NoRepositoryError, Repository } from "../vault/repository.ts";
import { assumedRoleSources } from "./backup-sources.ts";
import type { awsDirectory } from "./directory.ts";
import { s3Client } from "./drills.ts";

/** The unit's repository in the primary vault, as agents write it: s3://<vault>/tenants/<tenantId>/. */
export const tenantRepository = (vaultBucket: string, tenantId: string) =>
  `s3://${vaultBucket}/tenants/${tenantId}/`;

interface PlatformEnv {
  VAULT_BUCKET: string;
  DR_VAULT_BUCKET: string;
  REPORTS_BUCKET: string;
  TENANTS_TABLE: string;
  POLICIES_TABLE: string;
  AUDIT_TABLE: string;
}

/** What no unit may name as a source: the platform's buckets and tables (besides every govdr-/Govdr- name). */
export const platformResources = (env: PlatformEnv): PlatformResources => ({
  buckets: [env.VAULT_BUCKET, env.DR_VAULT_BUCKET, env.REPORTS_BUCKET],
  tables: [env.TENANTS_TABLE, env.POLICIES_TABLE, env.AUDIT_TABLE],
});

/** The backup service wired to AWS: the Policies table and the backup state machine. */
export function awsBackupService(
  env: PlatformEnv & { BACKUP_STATE_MACHINE_ARN: string },
  directory: Pick<ReturnType<typeof awsDirectory>, "db" | "now" | "tenants">,
): BackupService {
  const sfn = new SFNClient({});
  return new BackupService({
    jobs: new DynamoDbBackupJobStore(directory.db, env.POLICIES_TABLE),
    systems: new DynamoDbSystemStore(directory.db, env.POLICIES_TABLE),
    tenants: directory.tenants,
    platform: platformResources(env),
    repositoryOf: (tenantId) => tenantRepository(env.VAULT_BUCKET, tenantId),
    runner: {
      executionArnOf: (jobId) =>
        `${env.BACKUP_STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:${jobId}`,
      start: async (job) => {
        await sfn.send(
          new StartExecutionCommand({
            stateMachineArn: env.BACKUP_STATE_MACHINE_ARN,
            // One execution per job: a retried start cannot run it twice.
            name: job.jobId,
            input: JSON.stringify({ tenantId: job.tenantId, systemId: job.systemId, jobId: job.jobId }),
          }),
        );
      },
    },
    now: directory.now,
  });
}

/** The unit's repository in the primary vault, opened with its KMS key; created on its first backup. */
export function primaryVault(vaultBucket: string): BackupVault {
  const s3 = s3Client();
  const kms = new KMSClient({});
  return {
    open: async (tenant, { suite, retainUntil }) => {
      if (!tenant.vaultKeyId) throw new MisconfigurationError(`Tenant ${tenant.tenantId} has no vault key`);
      const backend = new S3Backend(s3, vaultBucket, `tenants/${tenant.tenantId}/`);
      const wrapper = kmsKeyWrapper(kms, tenant.vaultKeyId, tenant.tenantId);
      const options = { retainUntil };
      let repository: Repository;
      try {
        repository = await Repository.open(backend, wrapper, options);
      } catch (error) {
        if (!(error instanceof NoRepositoryError)) throw error;
        await Repository.init(backend, wrapper, { suite }, options).catch(async (raced) => {
          // Another writer (an agent, another system's job) created it meanwhile: open theirs.
          if ((raced as Error).name !== "RepositoryExistsError") throw raced;
        });
        repository = await Repository.open(backend, wrapper, options);
      }
      if (repository.dataSuite.name !== suite) repository.useSuite(suite);
      return repository;
    },
  };
}

export interface BackupTaskEnv extends PlatformEnv {
  AWS_REGION: string;
}

/** What the backup state machine's tasks work with, wired to AWS. */
export function awsBackupStepDeps(
  env: BackupTaskEnv,
  directory: Pick<ReturnType<typeof awsDirectory>, "db" | "now" | "tenants" | "audit">,
): BackupStepDeps {
  const catalog = new DynamoDbSnapshotCatalog(directory.db, env.POLICIES_TABLE);
  const systems = new DynamoDbSystemStore(directory.db, env.POLICIES_TABLE);
  return {
    jobs: new DynamoDbBackupJobStore(directory.db, env.POLICIES_TABLE),
    systems,
    tenants: directory.tenants,
    snapshots: new SnapshotService({ catalog, systems, now: directory.now }),
    vault: primaryVault(env.VAULT_BUCKET),
    sources: assumedRoleSources({ region: env.AWS_REGION, endpoint: process.env.AWS_ENDPOINT_URL }),
    audit: directory.audit,
    now: directory.now,
    region: env.AWS_REGION,
  };
}
