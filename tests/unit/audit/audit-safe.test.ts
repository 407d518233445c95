import { describe, expect, it } from "vitest";
import { apiAuditEvent } from "../../../shared/audit/api-event.ts";
import { auditSafe } from "../../../shared/audit/audit-safe.ts";
import { auditEventSchema } from "../../../shared/audit/event-schema.ts";

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

  it("replaces lone surrogates, which no UTF-8 store holds, with U+FFFD, also where a cut splits a pair", () => {
    const parsed = JSON.parse('{"userName": "a\\ud800b", "\\udfffkey": ["\\udc00"], "ok": "😀 \\u0000"}');
    const cutInPair = `${"x".repeat(2047)}😀tail`;

    expect(auditSafe(parsed)).toEqual({ userName: "a\uFFFDb", "\uFFFDkey": ["\uFFFD"], ok: "😀 \u0000" });
    expect(auditSafe(cutInPair)).toBe(`${"x".repeat(2047)}\uFFFD…[5 more characters]`);
  });
});

describe("apiAuditEvent with ill-formed text", () => {
  it("records the event and names each field whose text was replaced", () => {
    const event = apiAuditEvent({
      request: {
        requestId: "r-1",
        parameters: JSON.parse('{"userName":"\\ud800","password":"\\ud800","n":{"\\udc01":1}}'),
      },
      eventSource: "auth.govdr",
      eventName: "Login",
      readOnly: false,
      region: "cn-north-1",
      now: new Date("2026-11-21T06:00:00.000Z"),
    });

    expect(auditEventSchema.parse(event)).toEqual(event);
    expect(event.requestParameters).toEqual({
      userName: "\uFFFD",
      password: "***REDACTED***",
      n: { "\uFFFD": 1 },
    });
    expect(event.additionalEventData).toEqual({
      illFormedTextReplaced: ["requestParameters.userName", "requestParameters.n.\uFFFD"],
    });
    expect(
      apiAuditEvent({ ...baseInput, request: { requestId: "r-2", parameters: { a: "b" } } }),
    ).not.toHaveProperty("additionalEventData");
  });
});

const baseInput = {
  eventSource: "auth.govdr",
  eventName: "Login",
  readOnly: false,
  region: "cn-north-1",
  now: new Date("2026-11-21T06:00:00.000Z"),
};
