import { describe, expect, it } from "vitest";
import {
  assessDrLevel,
  drLevel,
  importanceClass,
  proposeDrLevel,
} from "../../../shared/classification/index.ts";

describe("proposeDrLevel (R-CL-05)", () => {
  it("proposes level 6 − class for every class", () => {
    expect([1, 2, 3, 4, 5].map((c) => proposeDrLevel(importanceClass(c)).level)).toEqual([5, 4, 3, 2, 1]);
  });

  it("R-CL-05: a class 3 system gets level 3 proposed with nothing to explain", () => {
    expect(proposeDrLevel(importanceClass(3))).toEqual({ level: 3, findings: [] });
  });

  it("explains the standard's one mismatch: class 2 RPO ≈0 against level 4 RPO ≤1 min", () => {
    const { level, findings } = proposeDrLevel(importanceClass(2));

    expect(level).toBe(4);
    expect(findings).toEqual([
      expect.objectContaining({ code: "LEVEL_RPO_APPROXIMATE", severity: "warning", rule: "R-CL-05" }),
    ]);
    expect(findings[0]?.message.en).toBe(
      "Level 4 guarantees RPO ≤1 min, while class 2 expects RPO ≈0: keep replication continuous so RPO stays under a minute, or choose level 5.",
    );
    expect(findings[0]?.message.zh).toContain("第4级保证 RPO ≤1分钟");
  });
});

describe("assessDrLevel", () => {
  it("R-CL-05: accepts an override to a stronger level, noting the extra cost", () => {
    const findings = assessDrLevel(importanceClass(3), drLevel(4));

    expect(findings.map((f) => [f.code, f.severity])).toEqual([["LEVEL_EXCEEDS_CLASS", "info"]]);
  });

  it("names each target a weaker level cannot guarantee, as an error", () => {
    const findings = assessDrLevel(importanceClass(3), drLevel(2));

    expect(findings.map((f) => [f.code, f.severity])).toEqual([
      ["LEVEL_RTO_TOO_WEAK", "error"],
      ["LEVEL_RPO_TOO_WEAK", "error"],
    ]);
    expect(findings[0]?.message.en).toBe(
      "Level 2 only guarantees RTO ≤24 h, which does not meet class 3 (Fairly important): RTO ≤4 h.",
    );
  });

  it("refuses anything below level 5 for a class 1 system (RPO 0)", () => {
    for (const level of [1, 2, 3, 4]) {
      const codes = assessDrLevel(importanceClass(1), drLevel(level)).map((f) => f.code);
      expect(codes, `level ${level}`).toContain("LEVEL_RPO_TOO_WEAK");
    }
    expect(assessDrLevel(importanceClass(1), drLevel(5))).toEqual([]);
  });
});
