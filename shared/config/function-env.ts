import { z } from "zod";

/**
 * Environment contract of every Lambda function. The CDK construct types each function's
 * `environment` from these schemas, and the handler parses `process.env` with the same one,
 * so a variable the infrastructure forgets fails to compile rather than at run time.
 */
export const baseFunctionEnv = z.object({
  GOVDR_STAGE: z.enum(["local", "prod"]),
  POWERTOOLS_SERVICE_NAME: z.string().min(1),
});

export const healthFunctionEnv = baseFunctionEnv.extend({
  GOVDR_VERSION: z.string().min(1),
});

/** Functions that read and write the directory (tenants, users, sessions) and write audit events. */
export const directoryFunctionEnv = baseFunctionEnv.extend({
  TENANTS_TABLE: z.string().min(1),
  AUDIT_TABLE: z.string().min(1),
  /** How stale the identity settings may be; the local stage uses 0 so that a change shows at once. */
  IDENTITY_SETTINGS_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(300).default(60),
});

/** Resource families with mutating routes: they remember `Idempotency-Key`s (shared/lambda/idempotency). */
export const writerFunctionEnv = directoryFunctionEnv.extend({
  IDEMPOTENCY_TABLE: z.string().min(1),
});

/** The systems and policies family: the directory plus the Policies table and the region rules. */
export const systemsFunctionEnv = writerFunctionEnv.extend({
  POLICIES_TABLE: z.string().min(1),
  PRIMARY_REGION: z.string().min(1),
});

/** Where drill schedules live and what they start (infra/stacks/orchestration-stack.ts). */
export const drillScheduleEnv = {
  DRILL_SCHEDULE_GROUP: z.string().min(1),
  DRILL_SCHEDULER_TARGET_ARN: z.string().min(1),
  DRILL_SCHEDULER_ROLE_ARN: z.string().min(1),
  /** Local stage only: the emulator ignores ScheduleExpressionTimezone (docs/emulator.md). */
  DRILL_SCHEDULES_IN_UTC: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true"),
};

/** Where backup schedules live and what they start (infra/stacks/orchestration-stack.ts, D-43). */
export const backupScheduleEnv = {
  BACKUP_SCHEDULE_GROUP: z.string().min(1),
  BACKUP_SCHEDULER_TARGET_ARN: z.string().min(1),
  BACKUP_SCHEDULER_ROLE_ARN: z.string().min(1),
};

/** The systems family also keeps each policy's drill schedule and its server-side backup schedule. */
export const policiesFunctionEnv = systemsFunctionEnv.extend(drillScheduleEnv).extend(backupScheduleEnv);

/** Functions that also sign or verify session tokens. */
const identityEnv = directoryFunctionEnv.extend({
  SIGNING_SECRET_ARN: z.string().min(1),
});

export const authorizerFunctionEnv = identityEnv;

export const authFunctionEnv = identityEnv.extend({
  IDENTITY_KEY_ID: z.string().min(1),
});

/** The auditor API also reads the audit archive to verify it. */
export const auditFunctionEnv = directoryFunctionEnv.extend({
  AUDIT_ARCHIVE_BUCKET: z.string().min(1),
});

export const auditArchiverFunctionEnv = auditFunctionEnv.extend({
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(180),
});

/** The audit sequencer: chains recorded events (DynamoDB stream trigger and a sweep of every trail). */
export const auditSequencerFunctionEnv = directoryFunctionEnv;

/** The crypto-shredder: exiting tenants, their keys, and their audit trails. */
export const shredderFunctionEnv = directoryFunctionEnv;

export const selfCheckFunctionEnv = baseFunctionEnv.extend({
  TENANTS_TABLE: z.string().min(1),
  POLICIES_TABLE: z.string().min(1),
  VAULT_BUCKET: z.string().min(1),
});

/** The drill's task functions: the catalogue, both vaults, the DR sandbox, the reports and the notifications. */
export const drillTaskFunctionEnv = directoryFunctionEnv.extend({
  POLICIES_TABLE: z.string().min(1),
  VAULT_BUCKET: z.string().min(1),
  DR_VAULT_BUCKET: z.string().min(1),
  DR_REGION: z.string().min(1),
  SANDBOX_BUCKET: z.string().min(1),
  REPORTS_BUCKET: z.string().min(1),
  REPORT_RETENTION_DAYS: z.coerce.number().int().min(180),
  NOTIFICATIONS_TOPIC_ARN: z.string().min(1),
});

/** The drills API: the systems family's tables, the drill state machine and the reports bucket. */
export const drillsFunctionEnv = systemsFunctionEnv.extend({
  DRILL_STATE_MACHINE_ARN: z.string().min(1),
  REPORTS_BUCKET: z.string().min(1),
});

/** A drill schedule's target: starts the drill as the API would (functions/events/scheduled-drill.ts). */
export const scheduledDrillFunctionEnv = directoryFunctionEnv.extend({
  POLICIES_TABLE: z.string().min(1),
  DRILL_STATE_MACHINE_ARN: z.string().min(1),
  REPORTS_BUCKET: z.string().min(1),
});

/** The platform's own buckets and tables, which no unit may name as a server-side source (D-43). */
const platformResourcesEnv = {
  VAULT_BUCKET: z.string().min(1),
  DR_VAULT_BUCKET: z.string().min(1),
  REPORTS_BUCKET: z.string().min(1),
};

/** The backups API: starts server-side backups (statemachines/backup.asl.json) and reads their jobs. */
export const backupsFunctionEnv = systemsFunctionEnv.extend({
  ...platformResourcesEnv,
  BACKUP_STATE_MACHINE_ARN: z.string().min(1),
});

/** The backup state machine's tasks: the catalogue, the primary vault, the units' sources (D-43). */
export const backupTaskFunctionEnv = directoryFunctionEnv.extend({
  POLICIES_TABLE: z.string().min(1),
  ...platformResourcesEnv,
  /** Where a failed job is told (000 §7.5.3(5)). */
  NOTIFICATIONS_TOPIC_ARN: z.string().min(1),
});

/** A backup schedule's target: starts the job as the API would (functions/events/scheduled-backup.ts). */
export const scheduledBackupFunctionEnv = directoryFunctionEnv.extend({
  POLICIES_TABLE: z.string().min(1),
  ...platformResourcesEnv,
  BACKUP_STATE_MACHINE_ARN: z.string().min(1),
});

/** The notifications family: subscriptions in the Policies table, of the platform's topic. */
export const notificationsFunctionEnv = writerFunctionEnv.extend({
  POLICIES_TABLE: z.string().min(1),
  NOTIFICATIONS_TOPIC_ARN: z.string().min(1),
  /** The key every unit's topic is encrypted with (alias/govdr-notifications). */
  NOTIFICATIONS_KEY_ID: z.string().min(1),
});

/** Both vaults, to compare a repository's objects in the primary and the DR region. */
const vaultPairEnv = {
  VAULT_BUCKET: z.string().min(1),
  DR_VAULT_BUCKET: z.string().min(1),
  DR_REGION: z.string().min(1),
};

/** The scheduled replication monitor: every unit's systems, their catalogue, both vaults, the topic. */
export const replicationMonitorFunctionEnv = directoryFunctionEnv.extend({
  POLICIES_TABLE: z.string().min(1),
  ...vaultPairEnv,
  NOTIFICATIONS_TOPIC_ARN: z.string().min(1),
});

/** The managed replicator: the primary vault's new versions to the DR vault (D-42). */
export const replicatorFunctionEnv = baseFunctionEnv.extend({
  POLICIES_TABLE: z.string().min(1),
  ...vaultPairEnv,
  /** Where versions held back by a transfer window are put again. */
  REPLICATION_QUEUE_URL: z.string().min(1),
});

/** Moves what the replicator gave up on from the dead-letter queue back to its queue. */
export const replicationReplayFunctionEnv = baseFunctionEnv.extend({
  REPLICATION_QUEUE_URL: z.string().min(1),
  REPLICATION_DLQ_URL: z.string().min(1),
});

/** The replication API: measures one system now, and reads the monitor's history. */
export const replicationFunctionEnv = systemsFunctionEnv.extend(vaultPairEnv);

export type FunctionEnvSchema = z.ZodObject<z.ZodRawShape>;

/** The heartbeat monitor (000 §7.5.5(2), R-FO-02): its targets, states and samples in the Policies table. */
export const heartbeatMonitorFunctionEnv = directoryFunctionEnv.extend({
  POLICIES_TABLE: z.string().min(1),
  /** The local stage only: its systems' health endpoints are on 127.0.0.1 (D-46). */
  ALLOW_LOOPBACK_ENDPOINTS: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true"),
});

/** What starts and decides switchovers: the two state machines (statemachines/failover, failback). */
const switchoverRunnerEnv = {
  FAILOVER_STATE_MACHINE_ARN: z.string().min(1),
  FAILBACK_STATE_MACHINE_ARN: z.string().min(1),
};

/** Local stage only: the emulator, the demo service and tests live on 127.0.0.1 (D-46). */
const loopbackEnv = {
  ALLOW_LOOPBACK_ENDPOINTS: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true"),
};

/** The failovers API: start, follow, approve and reject switchovers; read reports and routes. */
export const failoversFunctionEnv = systemsFunctionEnv.extend({
  ...switchoverRunnerEnv,
  POLICIES_TABLE: z.string().min(1),
  REPORTS_BUCKET: z.string().min(1),
});

/** The switchover state machines' task function: both vaults' listings, routes, reports, notices. */
export const switchoverTaskFunctionEnv = directoryFunctionEnv.extend({
  ...loopbackEnv,
  POLICIES_TABLE: z.string().min(1),
  VAULT_BUCKET: z.string().min(1),
  DR_VAULT_BUCKET: z.string().min(1),
  DR_REGION: z.string().min(1),
  REPORTS_BUCKET: z.string().min(1),
  REPORT_RETENTION_DAYS: z.coerce.number().int().min(180),
  NOTIFICATIONS_TOPIC_ARN: z.string().min(1),
});

/** The heartbeat monitor also starts the failover a breach calls for, and sweeps switchovers. */
export const failoverMonitorFunctionEnv = heartbeatMonitorFunctionEnv.extend({
  ...switchoverRunnerEnv,
  NOTIFICATIONS_TOPIC_ARN: z.string().min(1),
});
