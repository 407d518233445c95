import { describe, expect, it } from "vitest";
import { drillCrons, startAtInUtc } from "../../../shared/drills/drill-schedule.ts";
import { drPolicySchema, newPolicySchema } from "../../../shared/policies/policy-schema.ts";
import { policy as policyBody } from "../../integration/support/bodies.ts";

const storedPolicy = drPolicySchema.parse(policyBody({ kind: "every", minutes: 30 }));

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

  it("refuses a new policy whose cycle is over 24 hours or does not divide the day, naming the field", () => {
    const policy = (periodMinutes: number) =>
      newPolicySchema.safeParse({
        ...storedPolicy,
        drill: { type: "simulated", periodMinutes, startAt: "02:37", timezone: "Asia/Shanghai" },
      });

    expect(policy(1441).success).toBe(false);
    expect(policy(100).error?.issues[0]).toMatchObject({ path: ["drill", "periodMinutes"] });
    expect(policy(100).error?.issues[0]?.message).toContain("divides the day");
    expect(policy(90).success).toBe(true);
  });

  it("still reads a stored policy whose cycle was set before that rule", () => {
    const old = {
      ...storedPolicy,
      drill: { type: "simulated", periodMinutes: 100, startAt: "02:37", timezone: "Asia/Shanghai" },
    };

    expect(drPolicySchema.safeParse(old).success).toBe(true);
  });

  it("gives every cycle that divides the day, from any start minute, exactly its starts", () => {
    for (const period of [
      15, 16, 18, 20, 24, 30, 32, 36, 40, 45, 48, 60, 72, 80, 90, 96, 120, 144, 160, 180, 240, 288, 360, 480,
      720, 1440,
    ]) {
      for (const start of [0, 7, 37, 61, 149, 1439]) {
        if (start >= 1440) continue;
        const startAt = `${String(Math.floor(start / 60)).padStart(2, "0")}:${String(start % 60).padStart(2, "0")}`;
        const fired = new Set<number>();
        for (const cron of drillCrons({ periodMinutes: period, startAt })) {
          const [minutes = "", hours = ""] = /^cron\((\S+) (\S+) \* \* \? \*\)$/.exec(cron)?.slice(1) ?? [];
          const hourList =
            hours === "*" ? Array.from({ length: 24 }, (_, h) => h) : hours.split(",").map(Number);
          for (const h of hourList) for (const m of minutes.split(",").map(Number)) fired.add(h * 60 + m);
        }
        const expected = new Set<number>();
        for (let at = start % period; at < 1440; at += period) expected.add(at);
        expect(
          [...fired].sort((a, b) => a - b),
          `${period} from ${startAt}`,
        ).toEqual([...expected].sort((a, b) => a - b));
      }
    }
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
