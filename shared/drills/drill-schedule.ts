import type { DrPolicy } from "../policies/policy-schema.ts";
import { utcOffsetMinutes } from "../policies/wall-clock.ts";

export type DrillSchedule = NonNullable<DrPolicy["drill"]>;

/**
 * The EventBridge Scheduler cron expressions (in the policy's time zone) that start a drill at
 * `startAt` and every `periodMinutes` after it, the same minutes every day (R-DRL-04, R-DRL-05). A
 * cron lists minutes and hours independently, so the day's start times are grouped: the minutes
 * that share one set of hours make one expression (every 15 min from 02:37: one; every 90 min: two).
 */
export function drillCrons(schedule: Pick<DrillSchedule, "periodMinutes" | "startAt">): string[] {
  const [hours = 0, minutes = 0] = schedule.startAt.split(":").map(Number);
  const first = hours * 60 + minutes;
  const hoursByMinute = new Map<number, number[]>();
  for (let at = first % schedule.periodMinutes; at < 1440; at += schedule.periodMinutes) {
    const list = hoursByMinute.get(at % 60) ?? [];
    list.push(Math.floor(at / 60));
    hoursByMinute.set(at % 60, list);
  }
  const minutesByHours = new Map<string, number[]>();
  for (const [minute, hourList] of hoursByMinute) {
    const key = hourList.length === 24 ? "*" : hourList.sort((a, b) => a - b).join(",");
    minutesByHours.set(key, [...(minutesByHours.get(key) ?? []), minute]);
  }
  return [...minutesByHours].map(
    ([hourList, minuteList]) => `cron(${minuteList.sort((a, b) => a - b).join(",")} ${hourList} * * ? *)`,
  );
}

/**
 * `startAt` in `timezone` as the UTC time of day, at `now`'s offset. Only for schedulers that
 * ignore ScheduleExpressionTimezone and read every cron in UTC (the emulator: docs/emulator.md).
 */
export function startAtInUtc(startAt: string, timezone: string, now = new Date()): string {
  const [hours = 0, minutes = 0] = startAt.split(":").map(Number);
  const utc = (((hours * 60 + minutes - utcOffsetMinutes(timezone, now)) % 1440) + 1440) % 1440;
  return `${String(Math.floor(utc / 60)).padStart(2, "0")}:${String(utc % 60).padStart(2, "0")}`;
}

/** Keeps a system's drill schedules as its policy says: created, changed, or removed without a drill. */
export interface DrillSchedules {
  apply(tenantId: string, systemId: string, schedule: DrillSchedule | undefined): Promise<void>;
}
