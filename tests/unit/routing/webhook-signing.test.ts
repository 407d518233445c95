import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhook } from "../../../shared/routing/webhook-signing.ts";

const secret = Buffer.from("a".repeat(32));
const body = '{"action":"switch","site":"dr"}';
const now = new Date("2026-12-07T06:00:00.000Z");
const timestamp = Math.floor(now.getTime() / 1000);

describe("webhook signing", () => {
  it("signs the timestamp, a dot and the body with HMAC-SHA256, as v1=<hex>", () => {
    const expected = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");

    expect(signWebhook(secret, timestamp, body)).toBe(`v1=${expected}`);
  });

  it("verifies its own signature within the tolerance", () => {
    const signature = signWebhook(secret, timestamp, body);

    expect(verifyWebhook(secret, { timestamp: String(timestamp), signature }, body, now)).toBe(true);
    expect(verifyWebhook(secret, { timestamp, signature }, body, new Date(now.getTime() + 299_000))).toBe(
      true,
    );
  });

  it("refuses a changed body, another secret, another timestamp or a malformed signature", () => {
    const signature = signWebhook(secret, timestamp, body);

    expect(verifyWebhook(secret, { timestamp, signature }, `${body} `, now)).toBe(false);
    expect(verifyWebhook(Buffer.from("b".repeat(32)), { timestamp, signature }, body, now)).toBe(false);
    expect(verifyWebhook(secret, { timestamp: timestamp + 1, signature }, body, now)).toBe(false);
    expect(verifyWebhook(secret, { timestamp, signature: signature.slice(0, -1) }, body, now)).toBe(false);
    expect(verifyWebhook(secret, { timestamp, signature: undefined }, body, now)).toBe(false);
    expect(verifyWebhook(secret, { timestamp: "soon", signature }, body, now)).toBe(false);
    expect(verifyWebhook(secret, { timestamp: undefined, signature }, body, now)).toBe(false);
  });

  it("refuses a stale or future timestamp, so a captured call cannot be replayed later", () => {
    const signature = signWebhook(secret, timestamp, body);

    expect(verifyWebhook(secret, { timestamp, signature }, body, new Date(now.getTime() + 301_000))).toBe(
      false,
    );
    expect(verifyWebhook(secret, { timestamp, signature }, body, new Date(now.getTime() - 301_000))).toBe(
      false,
    );
    expect(verifyWebhook(secret, { timestamp, signature }, body, new Date(now.getTime() + 61_000), 60)).toBe(
      false,
    );
  });
});
