import { describe, expect, it } from "vitest";
import { auditSafe } from "../../../shared/audit/audit-safe.ts";

describe("auditSafe", () => {
  it("keeps ordinary values as they are", () => {
    const value = { name: "门户", limit: 25, ratio: 0.5, ok: true, none: null, list: [1, "a"] };

    expect(auditSafe(value)).toEqual(value);
  });

  it("turns numbers DynamoDB cannot store into strings", () => {
    expect(auditSafe([-9007199254740992, 5e-324, 1e200, Number.NaN, 12.5])).toEqual([
      "-9007199254740992",
      "5e-324",
      "1e+200",
      "NaN",
      12.5,
    ]);
  });

  it("truncates long strings with a marker and summarises deep nesting", () => {
    expect(auditSafe("x".repeat(3000))).toBe(`${"x".repeat(2048)}…[952 more characters]`);
    let deep: unknown = "bottom";
    for (let i = 0; i < 20; i++) deep = { d: deep };
    expect(JSON.stringify(auditSafe(deep))).toContain('"[nested too deep]"');
  });

  it("brackets keys that JavaScript treats specially, keeping their values", () => {
    const parsed = JSON.parse('{"__proto__": false, "constructor": 1, "a": {"prototype": 2}}');

    expect(auditSafe(parsed)).toEqual({ "[__proto__]": false, "[constructor]": 1, a: { "[prototype]": 2 } });
  });
});
