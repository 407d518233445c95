import { createCipheriv, createDecipheriv, randomBytes, scrypt } from "node:crypto";
import { promisify } from "node:util";
import { z } from "zod";

const scryptAsync = promisify(scrypt) as (
  secret: string,
  salt: Buffer,
  length: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

export const wrappedKeySchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("local"),
    kdf: z.object({
      name: z.literal("scrypt"),
      N: z.number(),
      r: z.number(),
      p: z.number(),
      salt: z.string(),
    }),
    nonce: z.string(),
    ciphertext: z.string(),
  }),
  z.object({
    kind: z.literal("kms"),
    keyId: z.string(),
    ciphertext: z.string(),
    context: z.record(z.string(), z.string()),
  }),
]);
export type WrappedKey = z.infer<typeof wrappedKeySchema>;

/** The master key could not be unwrapped: another key file, passphrase, tenant or KMS key. */
export class WrongKeyError extends Error {
  override readonly name = "WrongKeyError";
}

/** Wraps and unwraps a repository's master key; the repository id binds the wrapping to it. */
export interface KeyWrapper {
  /** A new master key and its wrapping (KMS generates it; locally it is random). */
  generate(repositoryId: string): Promise<{ masterKey: Buffer; wrapped: WrappedKey }>;
  unwrap(wrapped: WrappedKey, repositoryId: string): Promise<Buffer>;
}

const scryptCost = { N: 1 << 15, r: 8, p: 1 };

/**
 * Offline repositories: the master key sealed with AES-256-GCM under a key stretched by scrypt from
 * a secret (a key file's contents or an environment variable), never stored anywhere.
 */
export function localKeyWrapper(secret: string): KeyWrapper {
  if (secret.trim().length < 16) throw new WrongKeyError("A repository secret needs at least 16 characters");
  const stretch = (salt: Buffer, cost: typeof scryptCost) =>
    scryptAsync(secret, salt, 32, { ...cost, maxmem: 256 * cost.N * cost.r });
  return {
    async generate(repositoryId) {
      const masterKey = randomBytes(32);
      const salt = randomBytes(16);
      const nonce = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", await stretch(salt, scryptCost), nonce);
      cipher.setAAD(Buffer.from(repositoryId));
      const ciphertext = Buffer.concat([cipher.update(masterKey), cipher.final(), cipher.getAuthTag()]);
      const wrapped: WrappedKey = {
        kind: "local",
        kdf: { name: "scrypt", ...scryptCost, salt: salt.toString("base64") },
        nonce: nonce.toString("base64"),
        ciphertext: ciphertext.toString("base64"),
      };
      return { masterKey, wrapped };
    },
    async unwrap(wrapped, repositoryId) {
      if (wrapped.kind !== "local")
        throw new WrongKeyError(`This repository's key is wrapped by ${wrapped.kind}`);
      const { N, r, p, salt } = wrapped.kdf;
      const sealed = Buffer.from(wrapped.ciphertext, "base64");
      const decipher = createDecipheriv(
        "aes-256-gcm",
        await stretch(Buffer.from(salt, "base64"), { N, r, p }),
        Buffer.from(wrapped.nonce, "base64"),
      );
      decipher.setAAD(Buffer.from(repositoryId));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      try {
        return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
      } catch {
        throw new WrongKeyError("The key does not open this repository");
      }
    },
  };
}
