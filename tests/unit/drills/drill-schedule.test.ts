import { describe, expect, it } from "vitest";
import { drillCrons, startAtInUtc } from "../../../shared/drills/drill-schedule.ts";
import { drPolicySchema } from "../../../shared/policies/policy-schema.ts";

describe("drill schedules as EventBridge Scheduler crons (R-DRL-04, R-DRL-05)", () => {
  it("starts a daily drill at the minute the policy names", () => {
    expect(drillCrons({ periodMinutes: 1440, startAt: "02:37" })).toEqual(["cron(37 2 * * ? *)"]);
  });

  it("starts an hourly drill at that minute of every hour, and every 15 minutes in one expression", () => {
    expect(drillCrons({ periodMinutes: 60, startAt: "02:37" })).toEqual(["cron(37 * * * ? *)"]);
    expect(drillCrons({ periodMinutes: 15, startAt: "02:37" })).toEqual(["cron(7,22,37,52 * * * ? *)"]);
  });

  it("splits a cycle whose start minutes differ by hour into one expression per set of hours", () => {
    expect(drillCrons({ periodMinutes: 90, startAt: "00:00" })).toEqual([
      "cron(0 0,3,6,9,12,15,18,21 * * ? *)",
      "cron(30 1,4,7,10,13,16,19,22 * * ? *)",
    ]);
    expect(drillCrons({ periodMinutes: 720, startAt: "23:59" })).toEqual(["cron(59 11,23 * * ? *)"]);
  });

  it("refuses a cycle over 24 hours or one that does not divide the day, naming the field", () => {
    const drill = (periodMinutes: number) =>
      drPolicySchema.shape.drill.safeParse({
        type: "simulated",
        periodMinutes,
        startAt: "02:37",
        timezone: "Asia/Shanghai",
      });

    expect(drill(1441).success).toBe(false);
    expect(drill(100).error?.issues[0]).toMatchObject({ path: ["periodMinutes"] });
    expect(drill(100).error?.issues[0]?.message).toContain("divides the day");
    expect(drill(90).success).toBe(true);
  });
});

describe("a drill time in UTC, for schedulers that read every cron in UTC (the emulator)", () => {
  it("moves Asia/Shanghai 02:37 to 18:37 UTC, and wraps around midnight", () => {
    const now = new Date("2026-12-07T01:00:00Z");
    expect(startAtInUtc("02:37", "Asia/Shanghai", now)).toBe("18:37");
    expect(startAtInUtc("09:35", "Asia/Shanghai", now)).toBe("01:35");
    expect(startAtInUtc("23:59", "UTC", now)).toBe("23:59");
    expect(startAtInUtc("00:30", "America/New_York", now)).toBe("05:30");
  });
});
