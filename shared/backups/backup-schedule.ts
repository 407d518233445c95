import type { BackupSchedule, DrPolicy } from "../policies/policy-schema.ts";
import { utcOffsetMinutes } from "../policies/wall-clock.ts";
import { hasServerSources } from "./policy-rules.ts";

/** EventBridge cron day-of-week names for ISO weekdays 1 (Monday) … 7 (Sunday). */
const weekdays = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"] as const;

/**
 * The EventBridge Scheduler expression that runs a server-side backup as the policy's schedule says
 * (R-BK-01 scheduled mode): `every` N minutes a rate, `daily` and `weekly` a cron in the policy's
 * time zone. Undefined for `continuous`, which a server-side source cannot do (D-43). `inUtc`: for
 * schedulers that read every cron in UTC (the emulator), the time is converted at `now`'s offset,
 * the weekday with it.
 */
export function backupScheduleExpression(
  schedule: BackupSchedule,
  options: { inUtc?: boolean; now?: Date } = {},
): { expression: string; timezone: string } | undefined {
  if (schedule.kind === "continuous") return undefined;
  if (schedule.kind === "every") return { expression: `rate(${schedule.minutes} minutes)`, timezone: "UTC" };
  const [hours = 0, minutes = 0] = schedule.at.split(":").map(Number);
  let minuteOfWeek = ((schedule.kind === "weekly" ? schedule.weekday : 1) - 1) * 1440 + hours * 60 + minutes;
  let timezone = schedule.timezone;
  if (options.inUtc) {
    minuteOfWeek =
      (((minuteOfWeek - utcOffsetMinutes(schedule.timezone, options.now)) % 10080) + 10080) % 10080;
    timezone = "UTC";
  }
  const minute = minuteOfWeek % 60;
  const hour = Math.floor(minuteOfWeek / 60) % 24;
  if (schedule.kind === "daily") return { expression: `cron(${minute} ${hour} * * ? *)`, timezone };
  const day = weekdays[Math.floor(minuteOfWeek / 1440)] as string;
  return { expression: `cron(${minute} ${hour} ? * ${day} *)`, timezone };
}

/** The schedule a policy needs for its server-side sources, if any. */
export const serverBackupSchedule = (policy: Pick<DrPolicy, "backup">) =>
  hasServerSources(policy) ? policy.backup.schedule : undefined;

/** Keeps a system's backup schedule as its policy says: created, changed, or removed. */
export interface BackupSchedules {
  apply(tenantId: string, systemId: string, schedule: BackupSchedule | undefined): Promise<void>;
}
