import { atMost, nearZero, type Target, zero } from "../classification/targets.ts";
import type { DrPolicy } from "./policy-schema.ts";

const day = 1440;

export function minuteOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Length of a backup window in minutes; windows may wrap midnight (22:00–06:00 is 480). */
export function windowMinutes(window: { start: string; end: string }): number {
  return (minuteOfDay(window.end) - minuteOfDay(window.start) + day) % day;
}

export function insideWindow(at: string, window: { start: string; end: string }): boolean {
  return (minuteOfDay(at) - minuteOfDay(window.start) + day) % day <= windowMinutes(window);
}

/**
 * The longest time between two backups the schedule allows, in minutes (undefined when backups
 * are continuous). With a window, interval backups run from the window's start until its end, and
 * the next ones only when the window opens again the next day.
 */
export function longestBackupGapMinutes(backup: DrPolicy["backup"]): number | undefined {
  const { schedule, window } = backup;
  switch (schedule.kind) {
    case "continuous":
      return undefined;
    case "daily":
      return day;
    case "weekly":
      return 7 * day;
    case "every": {
      if (!window) return schedule.minutes;
      const width = windowMinutes(window);
      const lastOffset = Math.floor(width / schedule.minutes) * schedule.minutes;
      return Math.max(schedule.minutes, day - lastOffset);
    }
  }
}

/**
 * The longest a copy waits for the transfer window to open (000 §7.5.10(3)): one made just after it
 * closes waits the rest of the day.
 */
export function longestTransferWaitMinutes(replication: DrPolicy["replication"]): number {
  return replication.transferWindow ? day - windowMinutes(replication.transferWindow) : 0;
}

/**
 * The RPO a policy can guarantee at the DR site. Real-time replication (Table 1 "数据实时复制") is
 * taken as synchronous, so zero loss; database replication or CDP as near-zero; scheduled backup
 * loses at most the longest gap between backups (continuous backup: near-zero), plus the longest
 * wait for a transfer window.
 */
export function achievableRpo(policy: DrPolicy): Target {
  if (policy.replication.mode === "real-time") return zero;
  if (policy.replication.mode === "database-replication-or-cdp") return nearZero;
  const gap = longestBackupGapMinutes(policy.backup);
  const wait = longestTransferWaitMinutes(policy.replication);
  if (gap === undefined) return wait === 0 ? nearZero : atMost(wait * 60);
  return atMost((gap + wait) * 60);
}
