import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from "@aws-sdk/client-scheduler";
import { type BackupSchedules, backupScheduleExpression } from "../backups/backup-schedule.ts";

/**
 * Backup schedules in EventBridge Scheduler, one per system (`backup-<systemId>` in the
 * `govdr-backups` group): a change replaces it; each fires the scheduled-backup function with the
 * system's key (D-43).
 */
export function schedulerBackupSchedules(
  env: {
    BACKUP_SCHEDULE_GROUP: string;
    BACKUP_SCHEDULER_TARGET_ARN: string;
    BACKUP_SCHEDULER_ROLE_ARN: string;
    /** The emulator reads every cron in UTC (the drill schedules' setting, docs/emulator.md). */
    DRILL_SCHEDULES_IN_UTC?: boolean;
  },
  scheduler = new SchedulerClient({}),
): BackupSchedules {
  const group = env.BACKUP_SCHEDULE_GROUP;
  return {
    apply: async (tenantId, systemId, schedule) => {
      const name = `backup-${systemId}`;
      try {
        await scheduler.send(new DeleteScheduleCommand({ GroupName: group, Name: name }));
      } catch (error) {
        if (
          !(
            error instanceof ResourceNotFoundException ||
            (error as Error).name === "ResourceNotFoundException"
          )
        )
          throw error;
      }
      const expression = schedule
        ? backupScheduleExpression(schedule, { inUtc: env.DRILL_SCHEDULES_IN_UTC === true })
        : undefined;
      if (!expression) return;
      await scheduler.send(
        new CreateScheduleCommand({
          GroupName: group,
          Name: name,
          Description: `server-side backup of ${systemId}: ${JSON.stringify(schedule)}`.slice(0, 512),
          ScheduleExpression: expression.expression,
          ScheduleExpressionTimezone: expression.timezone,
          FlexibleTimeWindow: { Mode: "OFF" },
          State: "ENABLED",
          Target: {
            Arn: env.BACKUP_SCHEDULER_TARGET_ARN,
            RoleArn: env.BACKUP_SCHEDULER_ROLE_ARN,
            Input: JSON.stringify({ tenantId, systemId }),
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
          },
        }),
      );
    },
  };
}
