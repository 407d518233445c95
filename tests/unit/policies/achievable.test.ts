import { describe, expect, it } from "vitest";
import { insideWindow, longestBackupGapMinutes, windowMinutes } from "../../../shared/policies/achievable.ts";
import type { DrPolicy } from "../../../shared/policies/policy-schema.ts";

const tz = "Asia/Shanghai";
const backup = (
  schedule: DrPolicy["backup"]["schedule"],
  window?: { start: string; end: string },
): DrPolicy["backup"] => ({
  sources: [{ type: "stdin", name: "pg_dump" }],
  type: "full",
  schedule,
  window: window ? { ...window, timezone: tz } : undefined,
});

describe("backup windows", () => {
  it("measures windows that wrap midnight", () => {
    expect(windowMinutes({ start: "22:00", end: "06:00" })).toBe(480);
    expect(windowMinutes({ start: "01:00", end: "05:30" })).toBe(270);
  });

  it("knows which times fall inside a wrapping window, ends included", () => {
    expect(
      ["22:00", "23:59", "00:00", "06:00"].map((t) => insideWindow(t, { start: "22:00", end: "06:00" })),
    ).toEqual([true, true, true, true]);
    expect(["06:01", "12:00", "21:59"].map((t) => insideWindow(t, { start: "22:00", end: "06:00" }))).toEqual(
      [false, false, false],
    );
  });
});

describe("longestBackupGapMinutes", () => {
  it("is the interval without a window, a day for daily and a week for weekly, none when continuous", () => {
    expect(longestBackupGapMinutes(backup({ kind: "every", minutes: 45 }))).toBe(45);
    expect(longestBackupGapMinutes(backup({ kind: "daily", at: "02:00", timezone: tz }))).toBe(1440);
    expect(longestBackupGapMinutes(backup({ kind: "weekly", weekday: 7, at: "02:00", timezone: tz }))).toBe(
      10_080,
    );
    expect(longestBackupGapMinutes(backup({ kind: "continuous" }))).toBeUndefined();
  });

  it("includes the closed part of the day when a window restricts interval backups", () => {
    const night = { start: "22:00", end: "06:00" };

    expect(longestBackupGapMinutes(backup({ kind: "every", minutes: 30 }, night))).toBe(960);
    expect(longestBackupGapMinutes(backup({ kind: "every", minutes: 180 }, night))).toBe(1440 - 360);
    expect(longestBackupGapMinutes(backup({ kind: "every", minutes: 600 }, night))).toBe(1440);
  });

  it("never reports a gap shorter than the interval or longer than a day for windowed intervals", () => {
    for (let minutes = 5; minutes <= 1440; minutes += 55) {
      for (const window of [
        { start: "00:00", end: "23:59" },
        { start: "22:00", end: "06:00" },
        { start: "12:00", end: "12:05" },
      ]) {
        const gap = longestBackupGapMinutes(backup({ kind: "every", minutes }, window)) ?? 0;
        expect(gap).toBeGreaterThanOrEqual(minutes);
        expect(gap).toBeLessThanOrEqual(Math.max(1440, minutes));
      }
    }
  });
});
