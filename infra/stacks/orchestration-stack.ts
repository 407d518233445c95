import { Aws, CfnOutput, type CfnResource, Duration, Stack, type StackProps } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { Rule, Schedule } from "aws-cdk-lib/aws-events";
import { LambdaFunction } from "aws-cdk-lib/aws-events-targets";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import { FilterCriteria, FilterRule, type IFunction, StartingPosition } from "aws-cdk-lib/aws-lambda";
import { DynamoEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import { CfnScheduleGroup } from "aws-cdk-lib/aws-scheduler";
import { Topic } from "aws-cdk-lib/aws-sns";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { notificationsKeyAlias, notificationsTopicName } from "../../shared/aws/notifications.ts";
import type { FunctionEnvSchema } from "../../shared/config/function-env.ts";
import {
  auditArchiverFunctionEnv,
  auditSequencerFunctionEnv,
  backupTaskFunctionEnv,
  drillTaskFunctionEnv,
  failoverMonitorFunctionEnv,
  replicationMonitorFunctionEnv,
  scheduledBackupFunctionEnv,
  scheduledDrillFunctionEnv,
  selfCheckFunctionEnv,
  shredderFunctionEnv,
  switchoverTaskFunctionEnv,
} from "../../shared/config/function-env.ts";
import { pendingPartitionPrefix } from "../../shared/stores/dynamodb/audit-log.ts";
import { acknowledgeNag, nagResource } from "../acknowledge.ts";
import type { DeploymentConfig } from "../config.ts";
import { grantAuditArchiveAccess } from "../constructs/archive-access.ts";
import { AslStateMachine } from "../constructs/asl-state-machine.ts";
import { backupScheduling, grantServerBackupAccess } from "../constructs/backup-access.ts";
import {
  type DrillAccess,
  drillScheduling,
  grantDrillRegionAccess,
  grantReportsAccess,
  grantVaultListing,
} from "../constructs/drill-access.ts";
import { sandboxBucketName } from "../constructs/drill-buckets.ts";
import { GovdrFunction } from "../constructs/govdr-function.ts";
import { ManagedReplication } from "../constructs/managed-replication.ts";
import { grantRoute53Switching, grantSwitchoverControl } from "../constructs/switchover-access.ts";
import { grantTableAccess } from "../constructs/table-access.ts";
import { grantTenantKeyAccess } from "../constructs/tenant-key-access.ts";
import { vaultBucketName } from "../constructs/vault-bucket.ts";
import { stageSettings } from "./stage-settings.ts";

export interface OrchestrationStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly tenants: ITable;
  readonly policies: ITable;
  readonly vault: IBucket;
  /** The primary vault's new versions (infra/constructs/replication-queue.ts), for the managed replicator. */
  readonly replicationQueue: IQueue;
  readonly replicationDeadLetters: IQueue;
  /** The role S3 replication runs as; the monitor keeps the vault's rules to the units' transports. */
  readonly vaultReplicationRoleArn: string;
  readonly audit: ITable;
  readonly auditArchive: IBucket;
  readonly reports: IBucket;
}

export class OrchestrationStack extends Stack {
  readonly selfCheck: AslStateMachine;
  readonly drill: AslStateMachine;
  readonly backup: AslStateMachine;
  /** The platform's topic for drill results, RPO breaches and failed jobs, and its key. */
  private readonly notifications: { topic: Topic; key: Key };

  constructor(scope: Construct, id: string, props: OrchestrationStackProps) {
    super(scope, id, props);
    const settings = stageSettings(props.config);
    const task = new GovdrFunction(this, "SelfCheckTask", {
      entry: "tasks/selfcheck.ts",
      description: "Self-check task: control-plane tables and vault reachable and correctly configured",
      envSchema: selfCheckFunctionEnv,
      environment: {
        GOVDR_STAGE: props.config.stage,
        POWERTOOLS_SERVICE_NAME: "govdr-selfcheck",
        TENANTS_TABLE: props.tenants.tableName,
        POLICIES_TABLE: props.policies.tableName,
        VAULT_BUCKET: props.vault.bucketName,
      },
      logRetention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });
    task.function.addToRolePolicy(
      new PolicyStatement({
        actions: ["dynamodb:DescribeTable"],
        resources: [props.tenants.tableArn, props.policies.tableArn],
      }),
    );
    task.function.addToRolePolicy(
      new PolicyStatement({
        actions: ["s3:GetBucketVersioning", "s3:GetBucketObjectLockConfiguration"],
        resources: [props.vault.bucketArn],
      }),
    );

    this.selfCheck = new AslStateMachine(this, "SelfCheck", {
      name: "selfcheck",
      substitutions: { Partition: this.partition, SelfCheckFunctionArn: task.function.functionArn },
      invokes: [task.function],
      logRetention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });
    new CfnOutput(this, "SelfCheckStateMachineArn", { value: this.selfCheck.stateMachine.stateMachineArn });
    this.notifications = this.notificationsTopic(settings);
    this.drill = this.drills(props, settings);
    this.auditSequencer(props, settings);
    this.auditArchiver(props, settings);
    this.keyShredder(props, settings);
    this.backup = this.backups(props, settings);
    this.switchovers(props, settings);
  }

  /**
   * Failover and failback (statemachines/failover.asl.json, failback.asl.json; issue #20): one task
   * function for every step (each starts warm: an RTO is counted in seconds), and the heartbeat
   * monitor, which probes the units' health endpoints, starts what a breach calls for and sweeps.
   */
  private switchovers(props: OrchestrationStackProps, settings: ReturnType<typeof stageSettings>) {
    const { topic, key: topicKey } = this.notifications;
    const allowLoopback = props.config.stage === "local" ? "true" : "false";
    const step = new GovdrFunction(this, "SwitchoverStep", {
      entry: "tasks/switchover-step.ts",
      description:
        "Failover and failback steps: precheck, resync, approval gate, fence, recover (promote or restore), check, switch, verify, record, rollback, report",
      envSchema: switchoverTaskFunctionEnv,
      environment: {
        ...directoryEnvironment(props, "govdr-switchover"),
        ALLOW_LOOPBACK_ENDPOINTS: allowLoopback,
        POLICIES_TABLE: props.policies.tableName,
        VAULT_BUCKET: props.vault.bucketName,
        DR_VAULT_BUCKET: vaultBucketName(props.config.drRegion),
        DR_REGION: props.config.drRegion,
        REPORTS_BUCKET: props.reports.bucketName,
        REPORT_RETENTION_DAYS: props.config.auditRetentionDays,
        NOTIFICATIONS_TOPIC_ARN: topic.topicArn,
      },
      ...lifecycle(settings),
      // A restore of the DR vault's latest point into the DR site, or a resync's backup slice and
      // restore (D-51): as the drill's restore and the backup's slice. Its packs are read in memory.
      timeout: Duration.minutes(15),
      memorySize: 2048,
    });
    grantTableAccess(step.function, props.tenants, "read-only", { indexes: ["gsi1"] });
    grantTableAccess(step.function, props.policies, "read-write", { indexes: ["gsi1"] });
    grantTableAccess(step.function, props.audit, "append-only");
    grantVaultListing(step.function, props.config);
    grantDrillRegionAccess(step, props.config.drRegion, ["read-dr-vault"]);
    // A failback's resync backs the DR site's data up into the unit's repository (D-51), as a
    // server-side backup does, and restores into the unit's data locations with its source roles.
    grantServerBackupAccess(step, props.config.primaryRegion);
    grantReportsAccess(step, props.reports, "write");
    grantPublish(step, topic, topicKey);
    grantTenantKeyAccess(step, "unwrap");
    grantRoute53Switching(step);
    const machine = (kind: "failover" | "failback") => {
      const stateMachine = new AslStateMachine(this, kind === "failover" ? "Failover" : "Failback", {
        name: kind,
        substitutions: { Partition: this.partition, SwitchoverStepFunctionArn: step.function.functionArn },
        invokes: [step.function],
        logRetention: settings.logRetention,
        removalPolicy: settings.removalPolicy,
      });
      new CfnOutput(this, `${kind === "failover" ? "Failover" : "Failback"}StateMachineArn`, {
        value: stateMachine.stateMachine.stateMachineArn,
      });
      return stateMachine;
    };
    const failover = machine("failover");
    const failback = machine("failback");
    new CfnOutput(this, "SwitchoverStepFunctionName", { value: step.function.functionName });
    const monitor = new GovdrFunction(this, "HeartbeatMonitor", {
      entry: "events/heartbeat-monitor.ts",
      description: "Probes each system's health endpoint; a breach starts its failover; sweeps switchovers",
      envSchema: failoverMonitorFunctionEnv,
      environment: {
        ...directoryEnvironment(props, "govdr-heartbeat-monitor"),
        ALLOW_LOOPBACK_ENDPOINTS: allowLoopback,
        POLICIES_TABLE: props.policies.tableName,
        NOTIFICATIONS_TOPIC_ARN: topic.topicArn,
        FAILOVER_STATE_MACHINE_ARN: failover.stateMachine.stateMachineArn,
        FAILBACK_STATE_MACHINE_ARN: failback.stateMachine.stateMachineArn,
      },
      ...lifecycle(settings),
      // A 59 s window, so the next minute's run starts as it ends (overlapping runs share the
      // state, D-48); its last probe may take up to its policy's timeout (at most 60 s).
      timeout: Duration.seconds(130),
      memorySize: 512,
    });
    grantTableAccess(monitor.function, props.tenants, "read-only", { indexes: ["gsi1"] });
    grantTableAccess(monitor.function, props.policies, "read-write", { indexes: ["gsi1"] });
    grantTableAccess(monitor.function, props.audit, "append-only");
    grantPublish(monitor, topic, topicKey);
    grantSwitchoverControl(monitor, ["start", "describe"]);
    // The next minute's run is the retry: a window is not run twice.
    new Rule(this, "HeartbeatMonitorSchedule", {
      description: "Probe the systems' heartbeats and sweep switchovers every minute",
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(monitor.function, { retryAttempts: 0 })],
    });
    new CfnOutput(this, "HeartbeatMonitorFunctionName", { value: monitor.function.functionName });
  }

  /**
   * Server-side backups (statemachines/backup.asl.json, D-43): a task that backs up one slice of a
   * job within one invocation and the one that ends a failed job, both with the primary vault's
   * tenant prefixes, the tenants' keys and the units' source roles; and what the policies' backup
   * schedules start.
   */
  private backups(
    props: OrchestrationStackProps,
    settings: ReturnType<typeof stageSettings>,
  ): AslStateMachine {
    const environment = {
      ...directoryEnvironment(props, "govdr-backup"),
      POLICIES_TABLE: props.policies.tableName,
      VAULT_BUCKET: vaultBucketName(props.config.primaryRegion),
      DR_VAULT_BUCKET: vaultBucketName(props.config.drRegion),
      REPORTS_BUCKET: props.reports.bucketName,
      NOTIFICATIONS_TOPIC_ARN: this.notifications.topic.topicArn,
    };
    const task = (id: string, entry: string, description: string, timeout: Duration, memorySize: number) => {
      const fn = new GovdrFunction(this, id, {
        entry,
        description,
        envSchema: backupTaskFunctionEnv,
        environment,
        ...lifecycle(settings),
        timeout,
        memorySize,
      });
      grantTableAccess(fn.function, props.tenants, "read-only");
      grantTableAccess(fn.function, props.policies, "read-write", { indexes: ["gsi1"] });
      grantTableAccess(fn.function, props.audit, "append-only");
      return fn;
    };
    const run = task(
      "BackupRun",
      "tasks/backup-run.ts",
      "Server-side backup: one slice of a job (S3 prefixes, DynamoDB tables) into the unit's vault",
      Duration.minutes(15),
      2048,
    );
    grantServerBackupAccess(run, props.config.primaryRegion);
    const fail = task(
      "BackupFail",
      "tasks/backup-fail.ts",
      "Server-side backup: ends a failed job, audits it and tells the unit",
      Duration.minutes(1),
      256,
    );
    grantPublish(fail, this.notifications.topic, this.notifications.key);
    const backup = new AslStateMachine(this, "Backup", {
      name: "backup",
      substitutions: {
        Partition: this.partition,
        BackupRunFunctionArn: run.function.functionArn,
        BackupFailFunctionArn: fail.function.functionArn,
      },
      invokes: [run.function, fail.function],
      logRetention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });
    new CfnOutput(this, "BackupStateMachineArn", { value: backup.stateMachine.stateMachineArn });
    new CfnOutput(this, "BackupRunFunctionName", { value: run.function.functionName });
    this.backupSchedules(props, settings, backup);
    return backup;
  }

  /** What each policy's backup schedule starts: a function that starts the job as the API would. */
  private backupSchedules(
    props: OrchestrationStackProps,
    settings: ReturnType<typeof stageSettings>,
    backup: AslStateMachine,
  ) {
    new CfnScheduleGroup(this, "BackupScheduleGroup", { name: backupScheduling.group });
    const starter = new GovdrFunction(this, "ScheduledBackup", {
      entry: "events/scheduled-backup.ts",
      functionName: backupScheduling.functionName,
      description: "Starts a system's server-side backup when its schedule fires",
      envSchema: scheduledBackupFunctionEnv,
      environment: {
        ...directoryEnvironment(props, "govdr-scheduled-backup"),
        POLICIES_TABLE: props.policies.tableName,
        VAULT_BUCKET: vaultBucketName(props.config.primaryRegion),
        DR_VAULT_BUCKET: vaultBucketName(props.config.drRegion),
        REPORTS_BUCKET: props.reports.bucketName,
        BACKUP_STATE_MACHINE_ARN: backup.stateMachine.stateMachineArn,
      },
      ...lifecycle(settings),
      timeout: Duration.seconds(30),
    });
    grantTableAccess(starter.function, props.tenants, "read-only");
    grantTableAccess(starter.function, props.policies, "read-write", { indexes: ["gsi1"] });
    grantTableAccess(starter.function, props.audit, "append-only");
    backup.stateMachine.grantStartExecution(starter.function);
    const role = new Role(this, "BackupSchedulerRole", {
      roleName: backupScheduling.roleName,
      assumedBy: new ServicePrincipal("scheduler.amazonaws.com"),
      description: "EventBridge Scheduler starts scheduled server-side backups with this role",
    });
    role.addToPolicy(
      new PolicyStatement({ actions: ["lambda:InvokeFunction"], resources: [starter.function.functionArn] }),
    );
    new CfnOutput(this, "ScheduledBackupFunctionArn", { value: starter.function.functionArn });
  }

  private notificationsTopic(settings: ReturnType<typeof stageSettings>) {
    const key = new Key(this, "NotificationsKey", {
      alias: notificationsKeyAlias,
      description: "govdr notifications topic encryption",
      enableKeyRotation: true,
      removalPolicy: settings.removalPolicy,
    });
    const topic = new Topic(this, "Notifications", {
      topicName: notificationsTopicName,
      displayName: "govdr drill results, RPO breaches and failed jobs",
      masterKey: key,
      enforceSSL: true,
    });
    return { topic, key };
  }

  /**
   * The restore drill (statemachines/drill.asl.json): one task function per step, all with the same
   * access — the catalogue, the tenant's key to open its repository, the DR vault (read) and sandbox,
   * the locked reports — and the topic that tells each unit the outcome.
   */
  private drills(
    props: OrchestrationStackProps,
    settings: ReturnType<typeof stageSettings>,
  ): AslStateMachine {
    const { topic, key: topicKey } = this.notifications;
    const steps: Record<string, { entry: string; what: string; timeout: Duration; access: StepAccess }> = {
      Plan: {
        entry: "drill-plan",
        what: "picks the recovery point in the DR vault",
        access: { region: ["list-dr-vault"] },
        timeout: Duration.minutes(2),
      },
      Restore: {
        entry: "drill-restore",
        what: "restores the recovery point into the DR sandbox",
        access: { region: ["read-dr-vault", "sandbox-write"], unwrap: true },
        timeout: Duration.minutes(15),
      },
      Verify: {
        entry: "drill-verify",
        what: "checks the sandbox against the manifest",
        access: { region: ["read-dr-vault", "sandbox-list"], unwrap: true },
        timeout: Duration.minutes(15),
      },
      Report: {
        entry: "drill-report",
        what: "evaluates against the targets and writes the report",
        access: { region: [], reports: true },
        timeout: Duration.minutes(5),
      },
      Cleanup: {
        entry: "drill-cleanup",
        what: "removes the sandbox and ends the drill",
        access: { region: ["sandbox-clean"], reports: true },
        timeout: Duration.minutes(15),
      },
      Notify: {
        entry: "drill-notify",
        what: "tells the unit the outcome and ends the drill",
        timeout: Duration.minutes(1),
        access: { region: [], publish: true },
      },
    };
    /** A function that works on drills (every step, and the sweep), with only the access it needs. */
    const drillFunction = (
      id: string,
      entry: string,
      description: string,
      timeout: Duration,
      access: StepAccess,
      memorySize = 512,
    ) => {
      const fn = new GovdrFunction(this, id, {
        entry,
        description,
        envSchema: drillTaskFunctionEnv,
        environment: {
          ...directoryEnvironment(props, `govdr-${entry.replace(/^.*\/|\.ts$/g, "")}`),
          POLICIES_TABLE: props.policies.tableName,
          VAULT_BUCKET: props.vault.bucketName,
          DR_VAULT_BUCKET: vaultBucketName(props.config.drRegion),
          DR_REGION: props.config.drRegion,
          SANDBOX_BUCKET: sandboxBucketName(props.config.drRegion),
          REPORTS_BUCKET: props.reports.bucketName,
          REPORT_RETENTION_DAYS: props.config.auditRetentionDays,
          NOTIFICATIONS_TOPIC_ARN: topic.topicArn,
        },
        ...lifecycle(settings),
        timeout,
        memorySize,
      });
      grantTableAccess(fn.function, props.tenants, "read-only", { indexes: ["gsi1"] });
      grantTableAccess(fn.function, props.policies, "read-write", { indexes: ["gsi1"] });
      grantTableAccess(fn.function, props.audit, "append-only");
      if (access.unwrap) grantTenantKeyAccess(fn, "unwrap");
      grantDrillRegionAccess(fn, props.config.drRegion, access.region);
      if (access.reports) grantReportsAccess(fn, props.reports, "write");
      if (access.publish) grantPublish(fn, topic, topicKey);
      return fn;
    };
    const functions = Object.entries(steps).map(([step, spec]) => {
      const memory = step === "Restore" || step === "Verify" ? 2048 : 512;
      const fn = drillFunction(
        `Drill${step}`,
        `tasks/${spec.entry}.ts`,
        `Drill step: ${spec.what}`,
        spec.timeout,
        spec.access,
        memory,
      );
      return [`Drill${step}FunctionArn`, fn.function] as const;
    });
    const drill = new AslStateMachine(this, "Drill", {
      name: "drill",
      substitutions: {
        Partition: this.partition,
        ...Object.fromEntries(functions.map(([name, fn]) => [name, fn.functionArn])),
      },
      invokes: functions.map(([, fn]) => fn),
      logRetention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });
    new CfnOutput(this, "DrillStateMachineArn", { value: drill.stateMachine.stateMachineArn });
    new CfnOutput(this, "NotificationsTopicArn", { value: topic.topicArn });
    this.replicationMonitor(props, settings, topic, topicKey);
    this.drillSchedules(props, settings, drill);
    const sweep = drillFunction(
      "DrillSweep",
      "events/drill-sweep.ts",
      "Ends drills whose execution stopped mid-way and removes what they left in the sandbox",
      Duration.minutes(5),
      { region: ["sandbox-clean"], reports: true },
    );
    sweep.function.addToRolePolicy(
      new PolicyStatement({
        actions: ["states:DescribeExecution"],
        resources: [`arn:${this.partition}:states:${this.region}:${this.account}:execution:govdr-drill:*`],
      }),
    );
    acknowledgeNag(sweep, {
      id: `IAM5[${nagResource(sweep.function.node.defaultChild as CfnResource, `arn:${this.partition}:states:${this.region}:${this.account}:execution:govdr-drill:*`)}]`,
      reason:
        "The sweep reads the status of the drill state machine's executions, one per drill, named after it.",
    });
    this.runEvery(
      Duration.minutes(15),
      sweep.function,
      "DrillSweepSchedule",
      "End stranded drills and empty their sandboxes every 15 minutes",
    );
    new CfnOutput(this, "DrillSweepFunctionName", { value: sweep.function.functionName });
    return drill;
  }

  /**
   * What each policy's drill schedule starts (the systems API keeps the schedules, one group): a
   * function that starts the drill as the API would, and the role the scheduler invokes it with.
   */
  private drillSchedules(
    props: OrchestrationStackProps,
    settings: ReturnType<typeof stageSettings>,
    drill: AslStateMachine,
  ) {
    new CfnScheduleGroup(this, "DrillScheduleGroup", { name: drillScheduling.group });
    const starter = new GovdrFunction(this, "ScheduledDrill", {
      entry: "events/scheduled-drill.ts",
      functionName: drillScheduling.functionName,
      description: "Starts a system's drill when its schedule fires",
      envSchema: scheduledDrillFunctionEnv,
      environment: {
        ...directoryEnvironment(props, "govdr-scheduled-drill"),
        POLICIES_TABLE: props.policies.tableName,
        DRILL_STATE_MACHINE_ARN: drill.stateMachine.stateMachineArn,
        REPORTS_BUCKET: props.reports.bucketName,
      },
      ...lifecycle(settings),
      timeout: Duration.seconds(30),
    });
    grantTableAccess(starter.function, props.tenants, "read-only");
    grantTableAccess(starter.function, props.policies, "read-write", { indexes: ["gsi1"] });
    grantTableAccess(starter.function, props.audit, "append-only");
    drill.stateMachine.grantStartExecution(starter.function);
    const role = new Role(this, "DrillSchedulerRole", {
      roleName: drillScheduling.roleName,
      assumedBy: new ServicePrincipal("scheduler.amazonaws.com"),
      description: "EventBridge Scheduler starts scheduled drills with this role",
    });
    role.addToPolicy(
      new PolicyStatement({ actions: ["lambda:InvokeFunction"], resources: [starter.function.functionArn] }),
    );
    new CfnOutput(this, "ScheduledDrillFunctionArn", { value: starter.function.functionArn });
    new CfnOutput(this, "DrillSchedulerRoleArn", { value: role.roleArn });
  }

  /** Every minute: each system's achievable RPO from both vaults; a breach is notified (DESIGN.md §Replication). */
  private replicationMonitor(
    props: OrchestrationStackProps,
    settings: ReturnType<typeof stageSettings>,
    topic: Topic,
    topicKey: Key,
  ) {
    const monitor = new GovdrFunction(this, "ReplicationMonitor", {
      entry: "events/replication-monitor.ts",
      description: "Measures how current each system's DR copy is and notifies RPO breaches",
      envSchema: replicationMonitorFunctionEnv,
      environment: {
        ...directoryEnvironment(props, "govdr-replication-monitor"),
        POLICIES_TABLE: props.policies.tableName,
        VAULT_BUCKET: props.vault.bucketName,
        DR_VAULT_BUCKET: vaultBucketName(props.config.drRegion),
        DR_REGION: props.config.drRegion,
        NOTIFICATIONS_TOPIC_ARN: topic.topicArn,
      },
      ...lifecycle(settings),
      timeout: Duration.minutes(1),
      memorySize: 512,
    });
    grantTableAccess(monitor.function, props.tenants, "read-only", { indexes: ["gsi1"] });
    grantTableAccess(monitor.function, props.policies, "read-write", { indexes: ["gsi1"] });
    grantTableAccess(monitor.function, props.audit, "append-only");
    grantVaultListing(monitor.function, props.config);
    grantPublish(monitor, topic, topicKey);
    monitor.function.addToRolePolicy(
      new PolicyStatement({
        actions: ["s3:GetReplicationConfiguration", "s3:PutReplicationConfiguration"],
        resources: [`arn:${this.partition}:s3:::${vaultBucketName(props.config.primaryRegion)}`],
      }),
    );
    monitor.function.addToRolePolicy(
      new PolicyStatement({
        actions: ["iam:PassRole"],
        resources: [props.vaultReplicationRoleArn],
        conditions: { StringEquals: { "iam:PassedToService": "s3.amazonaws.com" } },
      }),
    );
    const managed = new ManagedReplication(this, "ManagedReplication", {
      stage: props.config.stage,
      primaryRegion: props.config.primaryRegion,
      drRegion: props.config.drRegion,
      policies: props.policies,
      queue: props.replicationQueue,
      deadLetters: props.replicationDeadLetters,
      alarmTopic: topic,
      timeout: settings.replicator.timeout,
      ...lifecycle(settings),
    });
    // CloudWatch publishes the replication alarms to the encrypted topic.
    topicKey.grant(new ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey");
    new CfnOutput(this, "ReplicatorFunctionName", { value: managed.replicator.function.functionName });
    new CfnOutput(this, "ReplicationReplayFunctionName", { value: managed.replay.function.functionName });
    new CfnOutput(this, "ReplicationDeadLetterAlarmName", { value: managed.deadLetterAlarm.alarmName });
    this.runEvery(
      Duration.minutes(1),
      monitor.function,
      "ReplicationMonitorSchedule",
      "Measure every system's achievable RPO each minute",
    );
    new CfnOutput(this, "ReplicationMonitorFunctionName", { value: monitor.function.functionName });
  }

  /**
   * Chains recorded audit events within seconds: triggered by each new pending item on the Audit
   * table's stream, and a sweep of every trail each minute catches whatever a trigger missed.
   */
  private auditSequencer(props: OrchestrationStackProps, settings: ReturnType<typeof stageSettings>) {
    const sequencer = new GovdrFunction(this, "AuditSequencer", {
      entry: "events/audit-sequencer.ts",
      description: "Chains recorded audit events into each tenant's hash chain, in order, exactly once",
      envSchema: auditSequencerFunctionEnv,
      environment: directoryEnvironment(props, "govdr-audit-sequencer"),
      ...lifecycle(settings),
      timeout: Duration.minutes(1),
      memorySize: 512,
    });
    grantTableAccess(sequencer.function, props.tenants, "read-only", { indexes: ["gsi1"] });
    grantTableAccess(sequencer.function, props.audit, "audit-sequencer");
    sequencer.function.addEventSource(
      new DynamoEventSource(props.audit, {
        // LATEST: the sweep chains whatever was recorded before the mapping started (or, on the
        // emulator, which forgets stream positions, before it restarted) without replaying a day.
        startingPosition: StartingPosition.LATEST,
        // One invocation can chain every trail a thousand stream records name; the emulator's
        // poller reads this many records a pass, so its lag behind a burst stays short.
        batchSize: 1000,
        // A failed batch is retried, then left: the events stay recorded and the sweep chains them.
        retryAttempts: 10,
        maxRecordAge: Duration.hours(1),
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual("INSERT"),
            dynamodb: { Keys: { pk: { S: FilterRule.beginsWith(pendingPartitionPrefix) } } },
          }),
        ],
      }),
    );
    this.runEvery(
      Duration.minutes(1),
      sequencer.function,
      "AuditSequencerSweep",
      "Chain any recorded audit events a stream trigger missed, every minute",
    );
    new CfnOutput(this, "AuditSequencerFunctionName", { value: sequencer.function.functionName });
  }

  /** Daily: schedules the deletion of exited tenants' vault keys once their export window is over (R-EX-06). */
  private keyShredder(props: OrchestrationStackProps, settings: ReturnType<typeof stageSettings>) {
    const shredder = new GovdrFunction(this, "KeyShredder", {
      entry: "tasks/key-shredder.ts",
      description: "Crypto-shredding: deletes exited tenants' vault keys after the export window",
      envSchema: shredderFunctionEnv,
      environment: directoryEnvironment(props, "govdr-key-shredder"),
      ...lifecycle(settings),
      timeout: Duration.minutes(5),
    });
    grantTableAccess(shredder.function, props.tenants, "read-write", { indexes: ["gsi1"] });
    grantTableAccess(shredder.function, props.audit, "append-only");
    grantTenantKeyAccess(shredder, "shred");
    this.runEvery(
      Duration.days(1),
      shredder.function,
      "KeyShredderSchedule",
      "Crypto-shred exited tenants' keys once a day",
    );
    new CfnOutput(this, "KeyShredderFunctionName", { value: shredder.function.functionName });
  }

  /** Copies every audit trail's new records to the locked archive every 15 minutes (R-AU). */
  private auditArchiver(props: OrchestrationStackProps, settings: ReturnType<typeof stageSettings>) {
    const archiver = new GovdrFunction(this, "AuditArchiver", {
      entry: "tasks/audit-archiver.ts",
      description: "Archives audit batches and digest files to the Object Lock audit bucket",
      envSchema: auditArchiverFunctionEnv,
      environment: {
        ...directoryEnvironment(props, "govdr-audit-archiver"),
        AUDIT_ARCHIVE_BUCKET: props.auditArchive.bucketName,
        AUDIT_RETENTION_DAYS: props.config.auditRetentionDays,
      },
      ...lifecycle(settings),
      timeout: Duration.minutes(5),
      memorySize: 512,
    });
    grantTableAccess(archiver.function, props.tenants, "read-only", { indexes: ["gsi1"] });
    grantTableAccess(archiver.function, props.audit, "append-only");
    grantAuditArchiveAccess(archiver, props.auditArchive, "write");
    this.runEvery(
      Duration.minutes(15),
      archiver.function,
      "AuditArchiveSchedule",
      "Archive new audit records every 15 minutes",
    );
    new CfnOutput(this, "AuditArchiverFunctionName", { value: archiver.function.functionName });
  }

  /** Invokes `fn` on a fixed rate; a failed run is retried twice, then the next run catches up. */
  private runEvery(rate: Duration, fn: IFunction, id: string, description: string) {
    new Rule(this, id, {
      description,
      schedule: Schedule.rate(rate),
      targets: [new LambdaFunction(fn, { retryAttempts: 2 })],
    });
  }
}

/**
 * Publishing to the platform's topic and to every unit's own topic (govdr-tenant-<tenantId>). Not
 * topic.grantPublish: that grants kms:GenerateDataKey*, more than publishing needs.
 */
function grantPublish(govdrFunction: GovdrFunction<FunctionEnvSchema>, topic: Topic, key: Key) {
  const fn = govdrFunction.function;
  const tenantTopics = `arn:${Aws.PARTITION}:sns:${Aws.REGION}:${Aws.ACCOUNT_ID}:govdr-tenant-*`;
  fn.addToRolePolicy(
    new PolicyStatement({ actions: ["sns:Publish"], resources: [topic.topicArn, tenantTopics] }),
  );
  acknowledgeNag(govdrFunction, {
    id: `IAM5[${nagResource(fn.node.defaultChild as CfnResource, tenantTopics)}]`,
    reason: "Each unit has its own topic, govdr-tenant-<tenantId>, made with its first subscription.",
  });
  fn.addToRolePolicy(
    new PolicyStatement({ actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [key.keyArn] }),
  );
}

/** What one drill function may reach besides the tables (infra/constructs/drill-access.ts). */
interface StepAccess {
  region: DrillAccess[];
  unwrap?: boolean;
  reports?: boolean;
  publish?: boolean;
}

const lifecycle = (settings: ReturnType<typeof stageSettings>) => ({
  logRetention: settings.logRetention,
  removalPolicy: settings.removalPolicy,
});

/** What every function reading the directory and recording audit events is told. */
const directoryEnvironment = (props: OrchestrationStackProps, serviceName: string) => ({
  GOVDR_STAGE: props.config.stage,
  POWERTOOLS_SERVICE_NAME: serviceName,
  TENANTS_TABLE: props.tenants.tableName,
  AUDIT_TABLE: props.audit.tableName,
});
