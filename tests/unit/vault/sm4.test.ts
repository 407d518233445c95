import { createCipheriv, hkdfSync, randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { sm4Sbox } from "../../../shared/vault/sm4/sbox.ts";
import {
  loadSm4Kernel,
  type Sm4KernelBuild,
  Sm4SelfTestError,
  sm4Ctr,
  sm4Key,
} from "../../../shared/vault/sm4/sm4-ctr.ts";
import { vpermSbox, vpermTables } from "../../../shared/vault/sm4/vperm-tables.ts";
import { cryptoSuite } from "../../../shared/vault/suites.ts";

const openSslSm4Ctr = (key: Uint8Array, iv: Uint8Array, data: Uint8Array) => {
  const cipher = createCipheriv("sm4-ctr", key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
};

// Lengths around the kernel's 128-byte block groups and its 128 KiB buffer.
const lengths = [0, 1, 15, 16, 17, 127, 128, 129, 1000, (128 << 10) - 1, 128 << 10, (128 << 10) + 1, 300_001];
const ivs = [
  () => randomBytes(16),
  () => Buffer.from("ffffffffffffffffffffffffffffffff", "hex"), // the whole counter wraps
  () => Buffer.from("0123456789abcdeffffffffffffffff9", "hex"), // the low 64 bits wrap mid-group
];

describe("SM4", () => {
  afterAll(() => loadSm4Kernel());

  it("computes the S-box of GB/T 32907 from its algebraic form", () => {
    const sbox = sm4Sbox();
    expect(Buffer.from(sbox.subarray(0, 16)).toString("hex")).toBe("d690e9fecce13db716b614c228fb2c05");
    expect(new Set(sbox).size).toBe(256);
  });

  it("gets the same S-box from the kernel's nibble tables for every byte", () => {
    const tables = vpermTables();
    const sbox = sm4Sbox();
    for (let x = 0; x < 256; x++) expect(vpermSbox(tables, x)).toBe(sbox[x]);
  });

  for (const build of ["relaxed-simd", "simd"] satisfies Sm4KernelBuild[]) {
    describe(`the ${build} kernel`, () => {
      it("reproduces the standard's example: 0123…3210 under itself is 681edf34…4246", () => {
        expect(loadSm4Kernel([build])).toBe(build);
        const keyAndIv = Buffer.from("0123456789abcdeffedcba9876543210", "hex");
        const keystream = sm4Ctr(sm4Key(keyAndIv), keyAndIv, new Uint8Array(16));
        expect(keystream.toString("hex")).toBe("681edf34d206965e86b3e94f536e4246");
      });

      it("gives OpenSSL's sm4-ctr bytes for every length, and across counter wrap-around", () => {
        loadSm4Kernel([build]);
        for (const length of lengths) {
          for (const iv of ivs) {
            const key = randomBytes(16);
            const nonce = iv();
            const data = randomBytes(length);
            expect(sm4Ctr(sm4Key(key), nonce, data).equals(openSslSm4Ctr(key, nonce, data))).toBe(true);
          }
        }
      });
    });
  }

  it("switches keys between calls (the kernel keeps the last key's round keys)", () => {
    const [a, b] = [randomBytes(16), randomBytes(16)];
    const [keyA, keyB] = [sm4Key(a), sm4Key(b)];
    const iv = randomBytes(16);
    const data = randomBytes(200);
    for (const [raw, key] of [
      [a, keyA],
      [b, keyB],
      [a, keyA],
    ] as const) {
      expect(sm4Ctr(key, iv, data).equals(openSslSm4Ctr(raw, iv, data))).toBe(true);
    }
  });

  it("encrypts nothing when no kernel build passes the self-test (Sm4SelfTestError)", () => {
    expect(() => loadSm4Kernel([])).toThrow(Sm4SelfTestError);
    loadSm4Kernel();
  });

  it("refuses keys and IVs that are not 16 bytes", () => {
    expect(() => sm4Key(new Uint8Array(15))).toThrow(RangeError);
    expect(() => sm4Ctr(sm4Key(new Uint8Array(16)), new Uint8Array(12), new Uint8Array(1))).toThrow(
      RangeError,
    );
  });

  it("seals sm4-ctr+hmac-sm3 blobs whose body OpenSSL's sm4-ctr decrypts (the format is unchanged)", () => {
    const dataKey = randomBytes(32);
    const plaintext = randomBytes(5000);
    const sealed = cryptoSuite("sm4-ctr+hmac-sm3", dataKey).seal(plaintext, Buffer.from("context"));
    // Layout: IV (16) ‖ SM4-CTR body ‖ HMAC-SM3 (32), under the suite's HKDF subkey.
    const sm4SubKey = Buffer.from(hkdfSync("sha256", dataKey, "", "govdr/v1/sm4-ctr", 16));
    const body = sealed.subarray(16, sealed.length - 32);
    expect(openSslSm4Ctr(sm4SubKey, sealed.subarray(0, 16), body).equals(plaintext)).toBe(true);
  });
});
