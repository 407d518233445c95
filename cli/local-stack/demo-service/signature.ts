import { readFileSync } from "node:fs";
import { verifyWebhook } from "../../../shared/routing/webhook-signing.ts";

export type WebhookCheck = { ok: true } | { ok: false; status: 401 | 503; reason: string };

/**
 * The webhook signing secret in `file`: the base64url text `rotate` shows once (surrounding whitespace
 * ignored). Read on every call, so the file may appear, or change, while the demo runs.
 */
export function readWebhookSecret(file: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch {
    return undefined;
  }
  const secret = Buffer.from(text, "base64url");
  return secret.length > 0 ? secret : undefined;
}

/**
 * Checks a platform webhook call (`X-Govdr-Timestamp`, `X-Govdr-Signature`) with the platform's own
 * `verifyWebhook` (HMAC-SHA256 compared in constant time, timestamp within ±300 s): 401 when it
 * fails, 503 while there is no secret yet (the platform retries a 5xx).
 */
export function checkWebhookCall(
  secretFile: string,
  headers: { timestamp: string | string[] | undefined; signature: string | string[] | undefined },
  body: string,
): WebhookCheck {
  const secret = readWebhookSecret(secretFile);
  if (!secret) return { ok: false, status: 503, reason: "the webhook signing secret is not configured yet" };
  const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  const ok = verifyWebhook(
    secret,
    { timestamp: single(headers.timestamp), signature: single(headers.signature) },
    body,
    new Date(),
  );
  return ok
    ? { ok: true }
    : {
        ok: false,
        status: 401,
        reason:
          "X-Govdr-Signature does not match, or X-Govdr-Timestamp is missing or more than 300 s from now",
      };
}
