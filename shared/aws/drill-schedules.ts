import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  paginateListSchedules,
  SchedulerClient,
} from "@aws-sdk/client-scheduler";
import { type DrillSchedules, drillCrons, startAtInUtc } from "../drills/drill-schedule.ts";

/** The schedule group every drill schedule is in (created by infra/stacks/orchestration-stack.ts). */
export const drillScheduleGroup = "govdr-drills";

/**
 * Drill schedules in EventBridge Scheduler, in the `govdr-drills` group, named after their system
 * (`drill-<systemId>-<n>`). A change replaces the system's schedules: listed by name, removed, and
 * created again from the policy; each fires the scheduled-drill function with the system's key.
 */
export function schedulerDrillSchedules(
  env: {
    DRILL_SCHEDULE_GROUP: string;
    DRILL_SCHEDULER_TARGET_ARN: string;
    DRILL_SCHEDULER_ROLE_ARN: string;
    /** The emulator reads every cron in UTC: the policy's time is converted instead (local stage only). */
    DRILL_SCHEDULES_IN_UTC?: boolean;
  },
  scheduler = new SchedulerClient({}),
): DrillSchedules {
  const group = env.DRILL_SCHEDULE_GROUP;
  return {
    apply: async (tenantId, systemId, schedule) => {
      const prefix = `drill-${systemId}-`;
      for await (const page of paginateListSchedules(
        { client: scheduler },
        { GroupName: group, NamePrefix: prefix },
      )) {
        for (const existing of page.Schedules ?? []) {
          await scheduler.send(new DeleteScheduleCommand({ GroupName: group, Name: existing.Name }));
        }
      }
      if (!schedule) return;
      const inUtc = env.DRILL_SCHEDULES_IN_UTC === true;
      const startAt = inUtc ? startAtInUtc(schedule.startAt, schedule.timezone) : schedule.startAt;
      for (const [index, expression] of drillCrons({ ...schedule, startAt }).entries()) {
        await scheduler.send(
          new CreateScheduleCommand({
            GroupName: group,
            Name: `${prefix}${index}`,
            Description: `${schedule.type} drill of ${systemId} every ${schedule.periodMinutes} min from ${schedule.startAt} ${schedule.timezone}`,
            ScheduleExpression: expression,
            ScheduleExpressionTimezone: inUtc ? "UTC" : schedule.timezone,
            FlexibleTimeWindow: { Mode: "OFF" },
            State: "ENABLED",
            Target: {
              Arn: env.DRILL_SCHEDULER_TARGET_ARN,
              RoleArn: env.DRILL_SCHEDULER_ROLE_ARN,
              Input: JSON.stringify({ tenantId, systemId }),
              RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
            },
          }),
        );
      }
    },
  };
}
