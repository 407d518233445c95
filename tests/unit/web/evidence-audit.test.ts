import { describe, expect, it } from "vitest";
import type { AuditEntry } from "../../../shared/audit/audit-log.ts";
import type { AuditEvent } from "../../../shared/audit/event-schema.ts";
import { toCsv, toJsonLines } from "../../../shared/audit/export.ts";
import {
  actorOf,
  defaultDraft,
  draftFromSearch,
  exportFileName,
  isProblemEntry,
  joinExportPages,
  localInputValue,
  namedProblem,
  parseLocal,
  resourcesText,
  searchForProblem,
  toQuery,
  unchainedOf,
} from "../../../web/src/pages/evidence/audit-model.ts";
import type { VerifyAnswer } from "../../../web/src/pages/evidence/responses.ts";

const now = new Date(2026, 11, 7, 12, 0, 0);

const event = (extra: Partial<AuditEvent> = {}): AuditEvent => ({
  eventVersion: "1.08",
  eventID: "8f0c8f7e-4a4b-4c8e-9a55-0a0c1d2e3f40",
  eventTime: "2026-12-07T10:00:00.000Z",
  eventSource: "systems.govdr",
  eventName: "PutPolicy",
  eventCategory: "Management",
  awsRegion: "cn-north-1",
  sourceIPAddress: "10.0.0.1",
  userAgent: "test",
  userIdentity: { type: "GovdrUser", principalId: "u-admin", tenantId: "t-1", role: "tenant-admin" },
  requestParameters: null,
  responseElements: null,
  requestID: "r-1",
  readOnly: false,
  resources: [{ type: "govdr::system", id: "s-1" }],
  ...extra,
});

const chained = (sequence: number, extra: Partial<AuditEvent> = {}): AuditEntry => ({
  state: "chained",
  tenantId: "t-1",
  sequence,
  previousHash: "0".repeat(64),
  hash: String(sequence % 10).repeat(64),
  event: event(extra),
});

describe("the audit search form", () => {
  it("reads datetime-local values in the browser's time zone and writes them back the same", () => {
    const moment = parseLocal("2026-12-07T09:30:15");
    expect(moment?.getHours()).toBe(9);
    expect(moment?.getSeconds()).toBe(15);
    expect(localInputValue(moment as Date)).toBe("2026-12-07T09:30:15");
    expect(parseLocal("2026-12-07T09:30")?.getMinutes()).toBe(30);
    expect(parseLocal("2026-02-30T09:30")).toBeUndefined();
    expect(parseLocal("yesterday")).toBeUndefined();
  });

  it("defaults to the last 24 hours up to now, and sends only the filters given", () => {
    const draft = defaultDraft(now);
    expect(draft.to).toBe("");
    const answer = toQuery({ ...draft, eventName: " PutPolicy ", errorsOnly: true, readOnly: "false" }, now);
    expect(answer).toEqual({
      query: {
        from: new Date(now.getTime() - 86_400_000).toISOString(),
        eventName: "PutPolicy",
        readOnly: "false",
        errorsOnly: "true",
      },
    });
  });

  it("refuses what the API would: a missing or invalid time, from after to, more than 31 days", () => {
    const draft = defaultDraft(now);
    expect(toQuery({ ...draft, from: "" }, now)).toEqual({ problem: "from-missing", field: "from" });
    expect(toQuery({ ...draft, from: "soon" }, now)).toEqual({ problem: "from-invalid", field: "from" });
    expect(toQuery({ ...draft, to: "2026-13-01T00:00" }, now)).toEqual({
      problem: "to-invalid",
      field: "to",
    });
    expect(toQuery({ ...draft, from: "2026-12-07T11:00", to: "2026-12-07T10:00" }, now)).toEqual({
      problem: "from-after-to",
      field: "from",
    });
    expect(toQuery({ ...draft, from: "2026-11-05T11:59" }, now)).toEqual({
      problem: "too-long",
      field: "from",
    });
    // Exactly 31 days is allowed.
    expect("query" in toQuery({ ...draft, from: "2026-11-06T12:00" }, now)).toBe(true);
  });

  it("fills the form from a linked search", () => {
    const draft = draftFromSearch(
      { from: "2026-12-07T01:00:00Z", eventName: "CreateSystem" },
      defaultDraft(now),
    );
    expect(draft.from).toBe(localInputValue(new Date("2026-12-07T01:00:00Z")));
    expect(draft.eventName).toBe("CreateSystem");
  });
});

describe("the audit results and exports", () => {
  it("names the actor, the resources and the chain place of an entry", () => {
    const entry = chained(7);
    expect(actorOf(entry)).toEqual({ principal: "u-admin", type: "GovdrUser", role: "tenant-admin" });
    expect(resourcesText(entry)).toEqual(["govdr::system:s-1"]);
  });

  it("names an export after the trail and the range in UTC", () => {
    expect(
      exportFileName(
        "t-4k2m9x0q7w1z",
        { from: "2026-12-06T12:00:00.000Z", to: "2026-12-07T12:00:00.000Z" },
        "csv",
      ),
    ).toBe("govdr-audit-t-4k2m9x0q7w1z-20261206T120000Z--20261207T120000Z.csv");
    expect(exportFileName("a/b", { from: "2026-12-06T12:00:00.000Z" }, "jsonl", now)).toMatch(
      /^govdr-audit-a_b-20261206T120000Z--\d{8}T\d{6}Z\.jsonl$/,
    );
  });

  it("joins export pages into one file: one CSV header, JSON lines as they come", () => {
    const first = [chained(1), chained(2)];
    const second = [chained(3, { eventID: "9f0c8f7e-4a4b-4c8e-9a55-0a0c1d2e3f40" })];
    const csv = joinExportPages("csv", [toCsv(first), toCsv(second)]);
    expect(csv).toBe(toCsv([...first, ...second]));
    expect(joinExportPages("csv", [toCsv(first), toCsv([])])).toBe(toCsv(first));
    expect(joinExportPages("jsonl", [toJsonLines(first), toJsonLines(second)])).toBe(
      toJsonLines([...first, ...second]),
    );
  });
});

describe("the chain check", () => {
  const broken: VerifyAnswer = {
    tenantId: "t-1",
    source: "index",
    ok: false,
    checked: 6,
    head: { sequence: 6, hash: "a".repeat(64) },
    firstProblem: { kind: "altered", sequence: 7, eventID: "8f0c8f7e-4a4b-4c8e-9a55-0a0c1d2e3f40" },
    unchained: { count: 2, overdue: 0 },
  };

  it("names the first broken record and counts the unchained events", () => {
    expect(namedProblem(broken)).toEqual({
      kind: "altered",
      sequence: 7,
      eventID: "8f0c8f7e-4a4b-4c8e-9a55-0a0c1d2e3f40",
    });
    expect(unchainedOf(broken)).toEqual({ count: 2, overdue: 0 });
    const archive: VerifyAnswer = {
      tenantId: "t-1",
      source: "archive",
      ok: false,
      checked: 0,
      archivedThrough: 100,
      firstProblem: { kind: "archive-altered", sequence: 1, archiveKey: "audit/t-1/batch-1.jsonl" },
    };
    expect(namedProblem(archive)).toEqual({
      kind: "archive-altered",
      sequence: 1,
      archiveKey: "audit/t-1/batch-1.jsonl",
    });
    expect(unchainedOf(archive)).toBeUndefined();
    expect(namedProblem({ ...broken, ok: true, firstProblem: undefined } as VerifyAnswer)).toBeUndefined();
  });

  it("finds the broken record in the results by event id, or by sequence without one", () => {
    const problem = namedProblem(broken);
    expect(isProblemEntry(chained(7), problem)).toBe(true);
    expect(isProblemEntry(chained(8, { eventID: "1f0c8f7e-4a4b-4c8e-9a55-0a0c1d2e3f40" }), problem)).toBe(
      false,
    );
    expect(isProblemEntry(chained(5), { kind: "missing", sequence: 5 })).toBe(true);
    expect(isProblemEntry(chained(5), undefined)).toBe(false);
  });

  it("searches the minute around an overdue event, else the last day", () => {
    const at = "2026-12-07T10:00:00.000Z";
    const draft = searchForProblem(
      { kind: "unchained-overdue", sequence: 9, eventID: "x", eventTime: at, overdue: 1 },
      now,
    );
    expect(parseLocal(draft.from)?.toISOString()).toBe("2026-12-07T09:59:00.000Z");
    expect(parseLocal(draft.to)?.toISOString()).toBe("2026-12-07T10:01:00.000Z");
    expect(searchForProblem({ kind: "missing", sequence: 3 }, now)).toEqual(defaultDraft(now));
  });
});
