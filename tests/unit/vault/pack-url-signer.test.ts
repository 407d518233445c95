import { describe, expect, it } from "vitest";
import type { SigningBackend } from "../../../shared/vault/backend.ts";
import { objectNames } from "../../../shared/vault/object-names.ts";
import { PackUrlSigner } from "../../../shared/vault/pack-url-signer.ts";

/** A backend that signs `https://s3/{name}?n={how many signings so far}`, and fails when told to. */
function signingBackend() {
  const signed: string[] = [];
  let failNext = false;
  const backend = {
    signedUrl: async (name: string) => {
      if (failNext) {
        failNext = false;
        throw new Error("no credentials");
      }
      signed.push(name);
      return `https://s3/${name}?n=${signed.length}`;
    },
  } as unknown as SigningBackend;
  return { backend, signed, failNextSigning: () => (failNext = true) };
}

const range = (pack: string) => ({ pack, offset: 0, length: 10 });

describe("signed URLs of packs for restore workers (D-59)", () => {
  it("signs each pack of a job once, and reuses its URL for a minute", async () => {
    let now = 0;
    const { backend, signed } = signingBackend();
    const signer = new PackUrlSigner(backend, 60_000, () => now);
    const first = await signer.urls([range("a"), range("b"), range("a")]);
    expect(first).toEqual({
      a: `https://s3/${objectNames.pack("a")}?n=1`,
      b: `https://s3/${objectNames.pack("b")}?n=2`,
    });
    now = 59_000;
    expect(await signer.urls([range("a")])).toEqual({ a: first.a });
    now = 60_000;
    expect(await signer.urls([range("a"), range("b")])).toEqual({
      a: `https://s3/${objectNames.pack("a")}?n=3`,
      b: `https://s3/${objectNames.pack("b")}?n=4`,
    });
    expect(signed).toHaveLength(4);
  });

  it("does not keep a signing that failed: the next job asks again", async () => {
    const { backend, signed, failNextSigning } = signingBackend();
    const signer = new PackUrlSigner(backend);
    failNextSigning();
    await expect(signer.urls([range("a")])).rejects.toThrow("no credentials");
    expect(await signer.urls([range("a")])).toEqual({ a: `https://s3/${objectNames.pack("a")}?n=1` });
    expect(signed).toHaveLength(1);
  });
});
