import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { indexSchema, isIndexDocument, parseIndexDocument } from "../../../shared/vault/index-document.ts";

const validBlob = { type: "data", id: "ab", offset: 0, length: 44, rawLength: 16 };
const validPack = { pack: "cd", suite: "aes-256-gcm", blobs: [validBlob] };
const odd = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -1,
    1.5,
    "",
    "data",
    "tree",
    "sm4-ctr+hmac-sm3",
    null,
  ),
  fc.anything(),
);
const blobKeys = ["type", "id", "offset", "length", "rawLength", "extra"] as const;
const packKeys = ["pack", "suite", "blobs", "extra"] as const;
/** A valid document with one field of a blob, a pack or the document changed, added or removed. */
const oneChanged = fc.oneof(
  fc.tuple(fc.constantFrom(...blobKeys), fc.option(odd, { nil: undefined })).map(([key, value]) => ({
    packs: [{ ...validPack, blobs: [validBlob, { ...validBlob, [key]: value }] }],
  })),
  fc
    .tuple(fc.constantFrom(...packKeys), fc.option(odd, { nil: undefined }))
    .map(([key, value]) => ({ packs: [validPack, { ...validPack, [key]: value }] })),
  odd.map((value) => ({ packs: value })),
  odd.map((value) => ({ packs: [validPack], extra: value })),
);

describe("index documents read back", () => {
  it("pass the plain check exactly when the schema accepts them unchanged", () => {
    fc.assert(
      fc.property(fc.oneof(oneChanged, fc.anything()), (value) => {
        const parsed = indexSchema.safeParse(value);
        if (isIndexDocument(value)) {
          expect(parsed.success).toBe(true);
          expect(parsed.data).toEqual(value);
        } else if (parsed.success) {
          // The schema accepts more only by changing the value: it drops keys it does not know.
          expect(parsed.data).not.toStrictEqual(value);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("are refused with the schema's message when malformed", () => {
    expect(() => parseIndexDocument({ packs: [{ ...validPack, suite: "rot13" }] })).toThrow(/suite/);
    expect(parseIndexDocument({ packs: [validPack] })).toEqual({ packs: [validPack] });
  });
});
