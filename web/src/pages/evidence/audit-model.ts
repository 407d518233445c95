import type { AuditEntry, ChainProblem, VerifyAnswer } from "./responses.ts";

/**
 * The audit page's model (no JSX, no DOM): the search form as typed, its validation, the query the
 * API takes, export file names and how a broken chain is named. Unit-tested in
 * tests/unit/web/evidence-audit.test.ts.
 */

/** The API's limit on one lookup's range (shared/audit/audit-query.ts maxRangeDays). */
export const maxRangeDays = 31;
const dayMs = 86_400_000;

/** The search form, as the user typed it (`from`/`to` are `datetime-local` values in their time zone). */
export interface AuditSearchDraft {
  from: string;
  /** Empty: now (so a search always reaches the newest events). */
  to: string;
  eventName: string;
  userId: string;
  resourceId: string;
  readOnly: "any" | "true" | "false";
  errorsOnly: boolean;
}

/** The query the API takes (GET /audit/events and /audit/export), without the trail and the cursor. */
export interface AuditQuery {
  from: string;
  to?: string;
  eventName?: string;
  userId?: string;
  resourceId?: string;
  readOnly?: "true" | "false";
  errorsOnly?: "true";
}

export type RangeProblem = "from-missing" | "from-invalid" | "to-invalid" | "from-after-to" | "too-long";

const pad = (n: number) => String(n).padStart(2, "0");

/** A moment as a `datetime-local` value in the browser's time zone (to the second). */
export function localInputValue(moment: Date): string {
  return (
    `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}` +
    `T${pad(moment.getHours())}:${pad(moment.getMinutes())}:${pad(moment.getSeconds())}`
  );
}

const localPattern = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A `datetime-local` value read in the browser's time zone; undefined when not a real moment. */
export function parseLocal(value: string): Date | undefined {
  const m = localPattern.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const moment = new Date(year, month - 1, day, hour, minute, second);
  if (moment.getFullYear() !== year || moment.getMonth() !== month - 1 || moment.getDate() !== day)
    return undefined;
  return moment;
}

/** The default search: the last 24 hours, everything. */
export function defaultDraft(now: Date = new Date()): AuditSearchDraft {
  return {
    from: localInputValue(new Date(now.getTime() - dayMs)),
    to: "",
    eventName: "",
    userId: "",
    resourceId: "",
    readOnly: "any",
    errorsOnly: false,
  };
}

/**
 * The draft as the API's query, or what is wrong with its time range (the API would refuse the
 * same: `from` after `to`, more than 31 days).
 */
export function toQuery(
  draft: AuditSearchDraft,
  now: Date = new Date(),
): { query: AuditQuery } | { problem: RangeProblem; field: "from" | "to" } {
  if (draft.from.trim() === "") return { problem: "from-missing", field: "from" };
  const from = parseLocal(draft.from);
  if (!from) return { problem: "from-invalid", field: "from" };
  const to = draft.to.trim() === "" ? undefined : parseLocal(draft.to);
  if (draft.to.trim() !== "" && !to) return { problem: "to-invalid", field: "to" };
  const end = to ?? now;
  if (from.getTime() > end.getTime()) return { problem: "from-after-to", field: "from" };
  if (end.getTime() - from.getTime() > maxRangeDays * dayMs) return { problem: "too-long", field: "from" };
  const query: AuditQuery = { from: from.toISOString() };
  if (to) query.to = to.toISOString();
  const text = (value: string) => (value.trim() === "" ? undefined : value.trim());
  const eventName = text(draft.eventName);
  const userId = text(draft.userId);
  const resourceId = text(draft.resourceId);
  if (eventName) query.eventName = eventName;
  if (userId) query.userId = userId;
  if (resourceId) query.resourceId = resourceId;
  if (draft.readOnly !== "any") query.readOnly = draft.readOnly;
  if (draft.errorsOnly) query.errorsOnly = "true";
  return { query };
}

/** The query a user searched for, as URL parameters of the audit page (so a search can be linked). */
export function draftFromSearch(search: Record<string, string | undefined>, fallback: AuditSearchDraft) {
  const fromIso = search.from ? new Date(search.from) : undefined;
  const toIso = search.to ? new Date(search.to) : undefined;
  const valid = (d: Date | undefined) => d !== undefined && !Number.isNaN(d.getTime());
  return {
    ...fallback,
    from: valid(fromIso) ? localInputValue(fromIso as Date) : fallback.from,
    to: valid(toIso) ? localInputValue(toIso as Date) : fallback.to,
    eventName: search.eventName ?? fallback.eventName,
    userId: search.userId ?? fallback.userId,
    resourceId: search.resourceId ?? fallback.resourceId,
  };
}

/** "govdr-audit-<trail>-<from>--<to>.<format>", times in UTC without separators a file system dislikes. */
export function exportFileName(
  trail: string,
  query: Pick<AuditQuery, "from" | "to">,
  format: "jsonl" | "csv",
  now: Date = new Date(),
): string {
  const stamp = (iso: string) => iso.replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
  const safeTrail = trail.replace(/[^0-9A-Za-z_-]/g, "_");
  return `govdr-audit-${safeTrail}-${stamp(query.from)}--${stamp(query.to ?? now.toISOString())}.${format}`;
}

// ── The results ──

export const eventOf = (entry: AuditEntry) => entry.event;

/** The entry's place in the chain: its sequence when chained. */
export const sequenceOf = (entry: AuditEntry): number | undefined =>
  entry.state === "chained" ? entry.sequence : undefined;

/** The resources an event names, as `type:id`. */
export const resourcesText = (entry: AuditEntry): string[] =>
  entry.event.resources.map((resource) => `${resource.type}:${resource.id}`);

/** Who acted: the principal and, for a user, their roles. */
export function actorOf(entry: AuditEntry): { principal: string; role?: string; type: string } {
  const who = entry.event.userIdentity;
  return {
    principal: who.userName ?? who.principalId,
    type: who.type,
    ...(who.role ? { role: who.role } : {}),
  };
}

// ── The chain check ──

/** The kind of problem in the console's words is the page's; this is its data. */
export interface NamedProblem {
  kind: ChainProblem["kind"];
  sequence: number;
  eventID?: string;
  eventTime?: string;
  archiveKey?: string;
  tenantId?: string;
  overdue?: number;
}

export function namedProblem(answer: VerifyAnswer): NamedProblem | undefined {
  const problem = answer.firstProblem;
  if (!problem) return undefined;
  return {
    kind: problem.kind,
    sequence: problem.sequence,
    ...("eventID" in problem ? { eventID: problem.eventID } : {}),
    ...("eventTime" in problem ? { eventTime: problem.eventTime } : {}),
    ...("archiveKey" in problem ? { archiveKey: problem.archiveKey } : {}),
    ...("tenantId" in problem ? { tenantId: problem.tenantId } : {}),
    ...("overdue" in problem ? { overdue: problem.overdue } : {}),
  };
}

/** How many events wait for the sequencer (index only), and how many of them are overdue. */
export function unchainedOf(answer: VerifyAnswer): { count: number; overdue: number } | undefined {
  return answer.source === "index"
    ? { count: answer.unchained.count, overdue: answer.unchained.overdue }
    : undefined;
}

/**
 * A search that finds the first broken record: its event id as the resource filter cannot work (the
 * API filters resources, not event ids), so the search is the minute around its time when known,
 * else the day up to now; the page then highlights the record by its event id or sequence.
 */
export function searchForProblem(problem: NamedProblem, now: Date = new Date()): AuditSearchDraft {
  const base = defaultDraft(now);
  if (problem.eventTime) {
    const at = new Date(problem.eventTime);
    if (!Number.isNaN(at.getTime())) {
      return {
        ...base,
        from: localInputValue(new Date(at.getTime() - 60_000)),
        to: localInputValue(new Date(at.getTime() + 60_000)),
      };
    }
  }
  return base;
}

/** Whether `entry` is the record a problem names (by event id, else by sequence). */
export function isProblemEntry(entry: AuditEntry, problem: NamedProblem | undefined): boolean {
  if (!problem) return false;
  if (problem.eventID) return entry.event.eventID === problem.eventID;
  return entry.state === "chained" && entry.sequence === problem.sequence;
}

// ── Export ──

/** How many pages of 500 one export may gather (10 000 events) before it asks for a narrower range. */
export const exportPageLimit = 20;
export const exportPageSize = 500;

/**
 * One file from the export pages the API answered, in order: JSON lines simply follow each other;
 * a CSV keeps the first page's header row and drops the header of the others.
 */
export function joinExportPages(format: "jsonl" | "csv", pages: readonly string[]): string {
  if (format === "jsonl") return pages.join("");
  return pages
    .map((page, index) => {
      if (index === 0) return page;
      const end = page.indexOf("\r\n");
      return end < 0 ? "" : page.slice(end + 2);
    })
    .join("");
}
