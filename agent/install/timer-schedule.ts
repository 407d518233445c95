import type { BackupSchedule } from "../../shared/policies/policy-schema.ts";

const weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

/**
 * The [Timer] lines that fire the policy's backups (D-54). Calendar times are in the policy's time
 * zone (systemd ≥ 235 reads the zone in OnCalendar), so the host's own zone does not move them, and a
 * run missed while the host was down is made up at boot (Persistent). `every` N minutes is a calendar
 * step when N divides the hour or (in whole hours) the day, else a period after each start;
 * `continuous`: the next backup a minute after the last one ended.
 */
export function timerLines(schedule: BackupSchedule): string[] {
  const exact = ["AccuracySec=1s"];
  switch (schedule.kind) {
    case "continuous":
      return ["OnActiveSec=1min", "OnUnitInactiveSec=1min", ...exact];
    case "every": {
      const { minutes } = schedule;
      if (60 % minutes === 0) return calendar(`*-*-* *:00/${minutes}:00`);
      if (minutes % 60 === 0 && 1440 % minutes === 0) return calendar(`*-*-* 00/${minutes / 60}:00:00`);
      return [`OnActiveSec=${minutes}min`, `OnUnitActiveSec=${minutes}min`, ...exact];
    }
    case "daily":
      return calendar(`*-*-* ${schedule.at}:00 ${schedule.timezone}`);
    case "weekly":
      return calendar(`${weekdayNames[schedule.weekday - 1]} *-*-* ${schedule.at}:00 ${schedule.timezone}`);
  }

  function calendar(spec: string): string[] {
    return [`OnCalendar=${spec}`, "Persistent=true", ...exact];
  }
}

/** The schedule in a person's words, for install and status. */
export function describeSchedule(schedule: BackupSchedule): string {
  switch (schedule.kind) {
    case "continuous":
      return "continuously (a minute after each run ends)";
    case "every":
      return `every ${schedule.minutes} minutes`;
    case "daily":
      return `daily at ${schedule.at} (${schedule.timezone})`;
    case "weekly":
      return `weekly on ${weekdayNames[schedule.weekday - 1]} at ${schedule.at} (${schedule.timezone})`;
  }
}
