import { createHash, randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blobContext, PackWriter, packName, readPackHeader } from "../../../shared/vault/pack.ts";
import { cryptoSuite } from "../../../shared/vault/suites.ts";

const suite = cryptoSuite("aes-256-gcm", randomBytes(32));

describe("a pack written by PackWriter", () => {
  it("is named by the SHA-256 of its bytes and lists its blobs, whatever their sizes and however often its buffer grew", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 300_000 }), { maxLength: 24 }),
        fc.integer({ min: 1, max: 1 << 20 }),
        (sizes, initialBuffer) => {
          const writer = new PackWriter(suite, Buffer.alloc(initialBuffer));
          const blobs = sizes.map((size) => {
            const plaintext = randomBytes(size);
            const id = createHash("sha256").update(plaintext).digest("hex");
            writer.add("data", id, plaintext);
            return { id, plaintext };
          });
          const { name, bytes } = writer.finish();

          expect(name).toBe(createHash("sha256").update(bytes).digest("hex"));
          expect(name).toBe(packName(bytes));
          const entries = readPackHeader(bytes, suite);
          expect(entries.map((entry) => entry.id)).toEqual(blobs.map((blob) => blob.id));
          entries.forEach((entry, i) => {
            const sealed = bytes.subarray(entry.offset, entry.offset + entry.length);
            expect(suite.open(sealed, blobContext(entry.id)).equals(blobs[i]?.plaintext as Buffer)).toBe(
              true,
            );
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});
