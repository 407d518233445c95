import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The signature of a govdr webhook call: `v1=` and the hex HMAC-SHA256, under the system's signing
 * secret, of the unix-seconds timestamp, a dot and the exact body. Sent as `X-Govdr-Signature`, with
 * the timestamp as `X-Govdr-Timestamp`; signing the timestamp lets a receiver refuse a replay.
 */
export function signWebhook(secret: Buffer, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * A receiver's check (a unit's endpoint, the demo service): the signature is the one `secret` gives
 * this timestamp and body (compared in constant time), and the timestamp is within
 * `toleranceSeconds` of `now`, so an old call captured on the way cannot be played again later.
 */
export function verifyWebhook(
  secret: Buffer,
  headers: { timestamp: string | number | undefined; signature: string | undefined },
  body: string,
  now: Date,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isSafeInteger(timestamp) || String(headers.timestamp).trim() === "") {
    return false;
  }
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
