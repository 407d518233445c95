import { toWellFormed } from "../validation/text.ts";

/** Longest string kept in an audit record; CloudTrail likewise truncates large parameters. */
const maxString = 2048;
const maxDepth = 12;

/**
 * Makes caller-supplied values storable in the audit record without losing what was sent: numbers
 * DynamoDB cannot hold (beyond ±2^53, or outside 1e-130…1e125) become strings, long strings are cut
 * with a marker, very deep nesting is summarised, keys such as `__proto__` are bracketed, and lone
 * UTF-16 surrogates (which no UTF-8 store can hold) become U+FFFD; `apiAuditEvent` names where. A
 * bad request must never fail its own audit.
 */
export function auditSafe(value: unknown, depth = 0): unknown {
  if (typeof value === "number") return storable(value) ? value : String(value);
  if (typeof value === "string") {
    // Cut first: a cut between the halves of a surrogate pair leaves a lone one, made U+FFFD too.
    return toWellFormed(
      value.length > maxString
        ? `${value.slice(0, maxString)}…[${value.length - maxString} more characters]`
        : value,
    );
  }
  if (value === null || typeof value !== "object") return value;
  if (depth >= maxDepth) return "[nested too deep]";
  if (Array.isArray(value)) return value.map((v) => auditSafe(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [safeKey(k), auditSafe(v, depth + 1)]));
}

function storable(n: number): boolean {
  if (!Number.isFinite(n)) return false;
  if (Number.isInteger(n)) return Number.isSafeInteger(n);
  const magnitude = Math.abs(n);
  return magnitude >= 1e-130 && magnitude < 1e125 && n.toString().replace(/[-.e+]/g, "").length <= 38;
}

/** Keys JavaScript treats specially break the SDK's serialisation of the item; they are kept, renamed. */
function safeKey(key: string): string {
  const name = auditSafe(key) as string;
  return ["__proto__", "constructor", "prototype"].includes(name) ? `[${name}]` : name;
}
