import type { AuditEntry } from "./audit-log.ts";

/**
 * One JSON object per line: a chained record with its chain fields, so an export can be
 * re-verified, or a pending event marked `"state": "pending"` (not yet chained, nothing to verify).
 */
export function toJsonLines(records: AuditEntry[]): string {
  return records.map((r) => JSON.stringify(r)).join("\n") + (records.length > 0 ? "\n" : "");
}

const chained = <T>(r: AuditEntry, field: (r: AuditEntry & { state: "chained" }) => T) =>
  r.state === "chained" ? field(r) : "";

const csvColumns: [string, (r: AuditEntry) => unknown][] = [
  ["state", (r) => r.state],
  ["sequence", (r) => chained(r, (c) => c.sequence)],
  ["eventTime", (r) => r.event.eventTime],
  ["eventSource", (r) => r.event.eventSource],
  ["eventName", (r) => r.event.eventName],
  ["userType", (r) => r.event.userIdentity.type],
  ["principalId", (r) => r.event.userIdentity.principalId],
  ["role", (r) => r.event.userIdentity.role ?? ""],
  ["sourceIPAddress", (r) => r.event.sourceIPAddress],
  ["readOnly", (r) => r.event.readOnly],
  ["errorCode", (r) => r.event.errorCode ?? ""],
  ["errorMessage", (r) => r.event.errorMessage ?? ""],
  ["resources", (r) => r.event.resources.map((x) => `${x.type}:${x.id}`).join(" ")],
  ["requestID", (r) => r.event.requestID],
  ["eventID", (r) => r.event.eventID],
  ["hash", (r) => chained(r, (c) => c.hash)],
];

/**
 * RFC 4180 CSV with a header row. Cells that a spreadsheet would run as a formula (= + - @ and
 * control characters first) are prefixed with an apostrophe: audit data is attacker-influenced.
 */
export function toCsv(records: AuditEntry[]): string {
  const cell = (value: unknown) => {
    let text = String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const rows = [csvColumns.map(([name]) => name), ...records.map((r) => csvColumns.map(([, get]) => get(r)))];
  return `${rows.map((row) => row.map(cell).join(",")).join("\r\n")}\r\n`;
}
