import type { Finding } from "../classification/findings.ts";
import { ConflictError, ForbiddenError, GovdrError, NotFoundError, PolicyRejectedError } from "../errors.ts";
import type { SessionClaims } from "../identity/session-token.ts";
import type { DrPolicy } from "../policies/policy-schema.ts";
import { newId } from "../stores/ids.ts";
import type { BackupJobStore, SystemStore, TenantStore } from "../stores/stores.ts";
import { requireSystem } from "../systems/system-service.ts";
import { tenantCanWrite } from "../tenants/tenant.ts";
import type { BackupType } from "../vault/snapshot.ts";
import { type BackupJob, describeBackupJob, emptyProgress } from "./backup-job.ts";
import { serverSourceFindings } from "./policy-rules.ts";
import { platformResourceRefusal, type ServerSource, serverSourceSchema } from "./server-sources.ts";

/**
 * The longest a job may hold its system's slot: a job whose execution died frees it after this
 * (the state machine gives up on a job after 23 hours, statemachines/backup.asl.json).
 */
export const backupSlotMs = 24 * 3600_000;

export interface BackupRequest {
  /** The backup type for this run; by default the policy's. */
  type?: BackupType;
}

/** Runs statemachines/backup.asl.json, one execution per job, named after it. */
export interface BackupRunner {
  executionArnOf(jobId: string): string;
  start(job: BackupJob): Promise<void>;
}

/** The platform's own buckets and tables: never a unit's source (D-43). */
export interface PlatformResources {
  buckets: readonly string[];
  tables: readonly string[];
}

export interface BackupServiceDeps {
  jobs: BackupJobStore;
  systems: Pick<SystemStore, "get" | "getPolicy">;
  tenants: Pick<TenantStore, "get">;
  runner: BackupRunner;
  platform: PlatformResources;
  /** The unit's repository in the primary vault, where its snapshots go. */
  repositoryOf(tenantId: string): string;
  now: () => Date;
}

/**
 * The server-side sources of a policy, checked as a new policy is (roles, table ARNs, schedule) and
 * against the platform's own resources by name; every problem is a finding with its field.
 */
export function serverSourcesOf(policy: DrPolicy, platform: PlatformResources): ServerSource[] {
  const findings: Finding[] = serverSourceFindings(policy).filter(
    (f) => f.code !== "CONTINUOUS_SERVER_BACKUP",
  );
  const sources: ServerSource[] = [];
  policy.backup.sources.forEach((source, index) => {
    if (source.type !== "s3-prefix" && source.type !== "dynamodb-table") return;
    const refusal = platformResourceRefusal(source, platform);
    if (refusal && !findings.some((f) => f.path === `backup.sources.${index}.${refusal.field}`)) {
      findings.push({
        rule: "R-BK-01",
        code: "SOURCE_IS_PLATFORM_RESOURCE",
        severity: "error",
        path: `backup.sources.${index}.${refusal.field}`,
        message: { zh: "备份源不能是平台自身的存储桶或表。", en: `The source is ${refusal.message}.` },
      });
    }
    const parsed = serverSourceSchema.safeParse(source);
    if (parsed.success) sources.push(parsed.data);
  });
  if (findings.length > 0) {
    throw new PolicyRejectedError(
      `The policy in force cannot be used for a server-side backup: ${findings.map((f) => `[${f.path}] ${f.message.en}`).join(" ")} Set a corrected policy.`,
      findings,
    );
  }
  return sources;
}

/** Server-side backups as the unit's users start and follow them (`POST/GET /systems/{id}/backups`). */
export class BackupService {
  constructor(private readonly deps: BackupServiceDeps) {}

  async start(
    caller: Pick<SessionClaims, "tid" | "sub">,
    systemId: string,
    request: BackupRequest,
    trigger: BackupJob["trigger"] = "on-demand",
  ) {
    const system = requireSystem(await this.deps.systems.get(caller.tid, systemId), systemId);
    const tenant = await this.deps.tenants.get(caller.tid);
    if (!tenant) throw new NotFoundError(`No tenant ${caller.tid}`);
    if (!tenantCanWrite(tenant)) {
      throw new ForbiddenError(`The unit is ${tenant.status}; backups are blocked`, "TENANT_NOT_ACTIVE");
    }
    if (!tenant.vaultKeyId) {
      throw new ConflictError(
        "The unit has no vault key yet (it is created when the unit is approved)",
        "INVALID_TENANT_STATE",
      );
    }
    if (system.policyVersion === 0) {
      throw new ConflictError(
        `System ${systemId} has no DR policy yet; set one that names its S3 prefixes or DynamoDB tables`,
        "NO_POLICY",
      );
    }
    const record = await this.deps.systems.getPolicy(caller.tid, systemId, system.policyVersion);
    if (!record)
      throw new GovdrError("INTERNAL", `Policy v${system.policyVersion} of ${systemId} is missing`);
    const sources = serverSourcesOf(record.policy, this.deps.platform);
    if (sources.length === 0) {
      throw new ConflictError(
        `The policy of system ${systemId} names no S3 prefix or DynamoDB table; its agent backs up its other sources`,
        "NO_SERVER_SOURCES",
      );
    }
    const now = this.deps.now();
    const jobId = newId("b");
    const job: BackupJob = {
      tenantId: caller.tid,
      systemId,
      jobId,
      trigger,
      requestedBy: caller.sub,
      status: "running",
      policyVersion: system.policyVersion,
      type: request.type ?? record.policy.backup.type,
      sources,
      repository: this.deps.repositoryOf(caller.tid),
      startedAt: now.toISOString(),
      progress: emptyProgress(now),
      warnings: [],
      executionArn: this.deps.runner.executionArnOf(jobId),
      version: 1,
    };
    const { expired } = await this.deps.jobs.start(job, new Date(now.getTime() + backupSlotMs));
    if (expired) await abandonExpiredJob(this.deps, caller.tid, systemId, expired);
    try {
      await this.deps.runner.start(job);
    } catch (error) {
      await this.deps.jobs.update({
        ...job,
        status: "failed",
        finishedAt: this.deps.now().toISOString(),
        error: {
          code: "DEPENDENCY_UNAVAILABLE",
          message: `The backup could not be started: ${(error as Error).message}`,
        },
        version: 2,
      });
      throw new GovdrError("DEPENDENCY_UNAVAILABLE", "The backup could not be started; try again", {
        cause: error,
      });
    }
    return describeBackupJob(job);
  }

  async list(caller: Pick<SessionClaims, "tid">, systemId: string, page: { limit: number; cursor?: string }) {
    requireSystem(await this.deps.systems.get(caller.tid, systemId), systemId);
    const listed = await this.deps.jobs.list(caller.tid, systemId, page);
    return { ...listed, items: listed.items.map(describeBackupJob) };
  }

  async get(caller: Pick<SessionClaims, "tid">, systemId: string, jobId: string) {
    const job = await this.deps.jobs.get(caller.tid, systemId, jobId);
    if (!job) throw new NotFoundError(`No backup ${jobId} of system ${systemId}`);
    return describeBackupJob(job);
  }
}

/** A job whose slot expired while it still read "running": its execution died; it is ended as failed. */
export async function abandonExpiredJob(
  deps: Pick<BackupServiceDeps, "jobs" | "now">,
  tenantId: string,
  systemId: string,
  jobId: string,
): Promise<void> {
  const job = await deps.jobs.get(tenantId, systemId, jobId);
  if (job?.status !== "running") return;
  try {
    await deps.jobs.update({
      ...job,
      status: "failed",
      finishedAt: deps.now().toISOString(),
      error: {
        code: "BACKUP_ABANDONED",
        message: "The job stopped without finishing and held its slot past its time; no snapshot was written",
      },
      version: job.version + 1,
    });
  } catch (error) {
    // Ended meanwhile by its own execution: nothing left to do.
    if (!(error instanceof GovdrError && error.code === "STALE_VERSION")) throw error;
  }
}
