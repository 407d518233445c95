import { describe, expect, it } from "vitest";
import { generateRepositoryKey, localKeyWrapper, WrongKeyError } from "../../../shared/vault/key-wrapper.ts";

const repositoryId = "0123456789abcdef0123456789abcdef";
const passphrase = "a passphrase of enough length";

describe("local key wrapping", () => {
  it("generates keys of 256 random bits in the documented form", () => {
    const keys = new Set(Array.from({ length: 50 }, generateRepositoryKey));

    expect(keys.size).toBe(50);
    for (const key of keys) {
      expect(key).toMatch(/^govdr-key-v1:[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(key.slice("govdr-key-v1:".length), "base64url")).toHaveLength(32);
    }
  });

  it("wraps under a generated key with HKDF, not scrypt, and unwraps only with that key (D-27)", async () => {
    const key = generateRepositoryKey();
    const { masterKey, wrapped } = await localKeyWrapper(key).generate(repositoryId);

    expect(wrapped.kind === "local" && wrapped.kdf.name).toBe("hkdf-sha256");
    expect(await localKeyWrapper(`${key}\n`).unwrap(wrapped, repositoryId)).toEqual(masterKey);
    await expect(localKeyWrapper(generateRepositoryKey()).unwrap(wrapped, repositoryId)).rejects.toThrow(
      "The key does not open this repository",
    );
    await expect(localKeyWrapper(key).unwrap(wrapped, "another repository id")).rejects.toThrow(
      WrongKeyError,
    );
    await expect(localKeyWrapper(passphrase).unwrap(wrapped, repositoryId)).rejects.toThrow(
      "This repository is opened with a generated key file (govdr key generate), not a passphrase",
    );
  });

  it("stretches a passphrase with scrypt, and a generated key does not open what a passphrase wrapped", async () => {
    const { masterKey, wrapped } = await localKeyWrapper(passphrase).generate(repositoryId);

    expect(wrapped.kind === "local" && wrapped.kdf).toMatchObject({ name: "scrypt", N: 32768, r: 8, p: 1 });
    expect(await localKeyWrapper(passphrase).unwrap(wrapped, repositoryId)).toEqual(masterKey);
    await expect(localKeyWrapper(generateRepositoryKey()).unwrap(wrapped, repositoryId)).rejects.toThrow(
      "The key does not open this repository",
    );
  });

  it("refuses a damaged generated key and a short passphrase with a clear message", () => {
    const key = generateRepositoryKey();
    const damaged = [key.slice(0, -1), `${key}A`, `${key.slice(0, -1)}*`, "govdr-key-v1:"];

    for (const secret of damaged) {
      expect(() => localKeyWrapper(secret)).toThrow(
        "The key starts like a generated key (govdr-key-v1:) but is not one",
      );
    }
    expect(() => localKeyWrapper("too short")).toThrow("A repository secret needs at least 16 characters");
  });
});
