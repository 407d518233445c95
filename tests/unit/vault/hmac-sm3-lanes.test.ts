import { createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { blobIdFunction, blobIdsFunction } from "../../../shared/vault/keys.ts";
import {
  hmacSm3Many,
  type MessageParts,
  sm3LanesKernelLoaded,
} from "../../../shared/vault/sm3/hmac-sm3-lanes.ts";
import { cryptoSuite } from "../../../shared/vault/suites.ts";

const openSslHmac = (key: Uint8Array, parts: MessageParts) =>
  createHmac("sm3", key).update(Buffer.concat(parts)).digest();

/** A message of `length` bytes, cut into parts at random places. */
function message(length: number): MessageParts {
  const bytes = randomBytes(length);
  const cuts = [0, ...Array.from({ length: 3 }, () => Math.floor(Math.random() * (length + 1))), length];
  cuts.sort((a, b) => a - b);
  return cuts.slice(1).map((end, i) => bytes.subarray(cuts[i], end));
}

// Around SM3's padding (55/56 bytes still fit one block's room for the length), block sizes, and the
// kernel's 16 KiB per lane and step.
const edgeLengths = [
  0,
  1,
  55,
  56,
  63,
  64,
  65,
  119,
  120,
  4096,
  (16 << 10) - 9,
  16 << 10,
  (16 << 10) + 1,
  70_000,
];

describe("HMAC-SM3 of many messages (a WebAssembly kernel hashing four side by side)", () => {
  it("loads the kernel on this platform, checked against OpenSSL", () => {
    expect(sm3LanesKernelLoaded()).toBe(true);
  });

  it("gives OpenSSL's HMAC-SM3 for every length, in groups of any size and mix of lengths", () => {
    const key = randomBytes(32);
    const always = hmacSm3Many(key, "always");
    const auto = hmacSm3Many(key);
    for (let round = 0; round < 40; round++) {
      const count = 1 + (round % 9);
      const messages = Array.from({ length: count }, (_, i) =>
        message(edgeLengths[(round * 7 + i * 3) % edgeLengths.length] as number),
      );
      const expected = messages.map((parts) => openSslHmac(key, parts).toString("hex"));
      expect(always(messages).map((d) => d.toString("hex"))).toEqual(expected);
      expect(auto(messages).map((d) => d.toString("hex"))).toEqual(expected);
    }
  });

  it("keys longer than a block are hashed first, as RFC 2104 says; an empty key works", () => {
    for (const key of [randomBytes(64), randomBytes(65), randomBytes(200), Buffer.alloc(0)]) {
      const messages = [100, 5000, 5000, 5001].map(message);
      expect(hmacSm3Many(key, "always")(messages)).toEqual(messages.map((parts) => openSslHmac(key, parts)));
    }
  });

  it("reproduces SM3's own example (GB/T 32905 A.1, 'abc') through HMAC's definition", () => {
    // HMAC(K, m) = H((K ^ opad) ‖ H((K ^ ipad) ‖ m)); with the inner hash checked against the
    // standard's digest of "abc", the kernel's HMAC of "abc" is checked end to end.
    expect(createHash("sm3").update("abc").digest("hex")).toBe(
      "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
    );
    const key = Buffer.alloc(64, 0x0b);
    const inner = createHash("sm3")
      .update(key.map((b) => b ^ 0x36))
      .update("abc")
      .digest();
    const outer = createHash("sm3")
      .update(key.map((b) => b ^ 0x5c))
      .update(inner)
      .digest();
    const abc = [Buffer.from("abc")];
    expect(hmacSm3Many(key, "always")([abc, abc, abc, abc])).toEqual([outer, outer, outer, outer]);
  });

  it("gives the same chunk ids one by one and many at once, for both fingerprints", () => {
    const chunks = [0, 1, 4096, 4096, 4096, 70_000].map((n) => randomBytes(n));
    for (const fingerprint of ["hmac-sm3", "hmac-sha256"] as const) {
      const key = randomBytes(32);
      expect(blobIdsFunction(fingerprint, key)(chunks)).toEqual(chunks.map(blobIdFunction(fingerprint, key)));
    }
  });

  it("seals blobs together that open one by one, with the MAC of sealing them one at a time", () => {
    const dataKey = randomBytes(32);
    const suite = cryptoSuite("sm4-ctr+hmac-sm3", dataKey);
    const plaintexts = [10, 4096, 4096, 4096, 4096, 30_000].map((n) => randomBytes(n));
    const contexts = plaintexts.map((_, i) => Buffer.from(`context ${i}`));

    const sealed = suite.sealMany(plaintexts, contexts);

    const macKey = Buffer.from(hkdfSync("sha256", dataKey, "", "govdr/v1/hmac-sm3", 32));
    for (const [i, [iv, body, mac]] of sealed.entries()) {
      const context = contexts[i] as Buffer;
      expect(suite.open(Buffer.concat([iv, body, mac] as Buffer[]), context)).toEqual(plaintexts[i]);
      const length = Buffer.alloc(8);
      length.writeBigUInt64BE(BigInt(context.length));
      expect(mac).toEqual(openSslHmac(macKey, [length, context, iv as Buffer, body as Buffer]));
    }
  });
});
