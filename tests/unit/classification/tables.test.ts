import { describe, expect, it } from "vitest";
import {
  days,
  drLevel,
  drLevelSpec,
  drLevels,
  formatTarget,
  hours,
  importanceClass,
  importanceClasses,
  importanceClassSchema,
  importanceClassSpec,
  limitSeconds,
  minutes,
  prioritySchemeSpec,
  recoveryPriority,
} from "../../../shared/classification/index.ts";

describe("importance classes (000 App. A)", () => {
  it("R-CL-02: class → RTO/RPO matches the five rows of App. A.2 exactly", () => {
    const rows = importanceClasses.map((c) => [c.class, formatTarget(c.rto).en, formatTarget(c.rpo).en]);

    expect(rows).toEqual([
      [1, "≤15 min", "0"],
      [2, "≤1 h", "≈0"],
      [3, "≤4 h", "≤1 h"],
      [4, "≤24 h", "≤24 h"],
      [5, "≤7 d", "≤36 h"],
    ]);
    expect(limitSeconds(importanceClassSpec(importanceClass(4)).rto)).toBe(hours(24));
  });

  it("R-CL-01: accepts classes 1–5 and refuses 0, 6, fractions and strings with a clear message", () => {
    expect(importanceClassSchema.safeParse(3).success).toBe(true);
    for (const bad of [0, 6, 2.5, "3", null]) {
      const parsed = importanceClassSchema.safeParse(bad);
      expect(parsed.success, String(bad)).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(/importance class must be .*1 .*5/);
    }
  });

  it("carries the standard's Chinese description for every class (shown in the console)", () => {
    expect(importanceClassSpec(importanceClass(1)).description.zh).toMatch(/^涉及国家安全.*核心政务系统/);
    expect(importanceClasses.map((c) => c.label.zh)).toEqual(["关键", "重要", "较重要", "一般", "次要"]);
  });
});

describe("DR capability levels (000 App. B)", () => {
  it("R-CL-03: level → GB/T 20988 level, RTO and RPO match App. B.1", () => {
    const rows = drLevels.map((l) => [l.level, l.gbt20988Level, limitSeconds(l.rto), limitSeconds(l.rpo)]);

    expect(rows).toEqual([
      [1, 2, days(7), hours(36)],
      [2, 3, hours(24), hours(24)],
      [3, 4, hours(4), hours(1)],
      [4, 5, hours(1), minutes(1)],
      [5, 6, minutes(15), 0],
    ]);
    expect(drLevelSpec(drLevel(5)).rpo).toEqual({ kind: "zero" });
  });

  it("R-CL-04: DOO, NRO and APIT match App. B.2, keeping the printed '≤24 days' with a note", () => {
    expect(drLevels.map((l) => [l.dooPercent, limitSeconds(l.nro), l.apit])).toEqual([
      [50, days(7), "day"],
      [70, days(24), "hour"],
      [80, hours(4), "minute"],
      [90, hours(1), "second"],
      [100, minutes(15), "millisecond"],
    ]);
    expect(drLevelSpec(drLevel(2)).sourceNote).toMatch(/24天/);
  });
});

describe("recovery priority schemes (000 §6 Table 1)", () => {
  it("R-CL-08: priority 5 needs real-time replication, a complete remote DR system and automatic switchover", () => {
    expect(prioritySchemeSpec(recoveryPriority(5)).minimum).toEqual({
      replication: "real-time",
      switchover: "automatic",
      remoteDrSystem: true,
    });
    expect(prioritySchemeSpec(recoveryPriority(4)).minimum.switchover).toBe("manual");
    expect(prioritySchemeSpec(recoveryPriority(1)).schemes.zh).toBe("定时本地备份+远程备份");
  });
});
