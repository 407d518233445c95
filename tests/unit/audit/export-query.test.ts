import { describe, expect, it } from "vitest";
import { auditQuerySchema, daysBetween, parseAuditCursor } from "../../../shared/audit/audit-query.ts";
import { chainRecord } from "../../../shared/audit/chain.ts";
import { toCsv, toJsonLines } from "../../../shared/audit/export.ts";
import { auditEvent } from "../../support/audit-events.ts";

describe("audit export", () => {
  const record = {
    ...chainRecord(
      "t-1",
      undefined,
      auditEvent("Login", { errorCode: "INVALID_CREDENTIALS", errorMessage: 'wrong "password", try again' }),
    ),
    state: "chained" as const,
  };
  const pending = { tenantId: "t-1", event: auditEvent("Logout"), state: "pending" as const };

  it("writes CSV with a header, quoting commas and quotes (RFC 4180)", () => {
    const [header, row] = toCsv([record]).split("\r\n");

    expect(header).toBe(
      "state,sequence,eventTime,eventSource,eventName,userType,principalId,role,sourceIPAddress,readOnly,errorCode,errorMessage,resources,requestID,eventID,hash",
    );
    expect(row).toContain(',"wrong ""password"", try again",');
    expect(
      row?.startsWith("chained,1,2026-11-21T06:00:00.000Z,govdr.api,Login,GovdrUser,u-1,tenant-admin,"),
    ).toBe(true);
    expect(row?.endsWith(`,${record.hash}`)).toBe(true);
  });

  it("marks events the sequencer has not chained yet, with no sequence or hash", () => {
    const row = toCsv([pending]).split("\r\n")[1] ?? "";

    expect(row.startsWith("pending,,2026-11-21T06:00:00.000Z,govdr.api,Logout,")).toBe(true);
    expect(row.endsWith(`,${pending.event.eventID},`)).toBe(true);
    expect(JSON.parse(toJsonLines([pending]))).toEqual(pending);
  });

  it("neutralises spreadsheet formulas an attacker could plant in audited fields", () => {
    const planted = {
      ...chainRecord("t-1", undefined, auditEvent('=HYPERLINK("http://evil")')),
      state: "chained" as const,
    };

    expect(toCsv([planted]).split("\r\n")[1]).toContain(`,"'=HYPERLINK(""http://evil"")",`);
  });

  it("writes JSON lines that keep the chain fields, so an export can be re-verified", () => {
    const lines = toJsonLines([record]).trimEnd().split("\n");

    expect(JSON.parse(lines[0] ?? "")).toEqual(record);
    expect(toJsonLines([])).toBe("");
  });
});

describe("audit lookup query", () => {
  it("defaults to the last 24 hours and refuses ranges over 31 days or reversed", () => {
    const q = auditQuerySchema.parse({ to: "2026-11-21T12:00:00Z" });
    expect(q.from.toISOString()).toBe("2026-11-20T12:00:00.000Z");
    expect(q.limit).toBe(100);

    expect(
      auditQuerySchema.safeParse({ from: "2026-10-01T00:00:00Z", to: "2026-11-21T00:00:00Z" }).error
        ?.issues[0]?.message,
    ).toBe("a lookup spans at most 31 days");
    expect(
      auditQuerySchema.safeParse({ from: "2026-11-22T00:00:00Z", to: "2026-11-21T00:00:00Z" }).success,
    ).toBe(false);
    expect(auditQuerySchema.parse({ readOnly: "false", errorsOnly: "true" })).toMatchObject({
      readOnly: false,
      errorsOnly: true,
    });
  });

  it("lists the UTC days a range touches and refuses a forged cursor", () => {
    expect(daysBetween(new Date("2026-11-20T23:00:00Z"), new Date("2026-11-22T01:00:00Z"))).toEqual([
      "2026-11-20",
      "2026-11-21",
      "2026-11-22",
    ]);
    expect(() => parseAuditCursor("not-a-cursor")).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
  });
});
