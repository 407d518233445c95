export const redacted = "***REDACTED***";

/** Field names whose values never enter the audit trail (passwords, MFA codes, tokens, keys). */
const secretField =
  /pass(word|phrase)?$|^pwd$|secret|token|^otp$|totp|mfa_?code|one_?time|private_?key|key_?material|credential|authorization|cookie|session_?id|^endpoint$/i;

/** A deep copy with every secret-named field's value replaced, whatever its nesting. */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T;
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [key, secretField.test(key) ? redacted : redactSecrets(v)]),
  ) as T;
}
