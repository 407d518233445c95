import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scrypt } from "node:crypto";
import { promisify } from "node:util";
import { z } from "zod";
import { errorClass } from "../errors.ts";

const scryptAsync = promisify(scrypt) as (
  secret: string,
  salt: Buffer,
  length: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

export const wrappedKeySchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("local"),
    kdf: z.discriminatedUnion("name", [
      z.object({ name: z.literal("scrypt"), N: z.number(), r: z.number(), p: z.number(), salt: z.string() }),
      z.object({ name: z.literal("hkdf-sha256"), salt: z.string() }),
    ]),
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
export class WrongKeyError extends errorClass("WRONG_KEY") {}

/** Wraps and unwraps a repository's master key; the repository id binds the wrapping to it. */
export interface KeyWrapper {
  /** A new master key and its wrapping (KMS generates it; locally it is random). */
  generate(repositoryId: string): Promise<{ masterKey: Buffer; wrapped: WrappedKey }>;
  unwrap(wrapped: WrappedKey, repositoryId: string): Promise<Buffer>;
}

const scryptCost = { N: 1 << 15, r: 8, p: 1 };
type LocalKdf = Extract<WrappedKey, { kind: "local" }>["kdf"];

/** How a generated key file starts: what follows is 32 random bytes, base64url. */
const generatedKeyPrefix = "govdr-key-v1:";

/** A new repository key for a key file: 256 random bits, which no passphrase-guessing can reach. */
export function generateRepositoryKey(): string {
  return generatedKeyPrefix + randomBytes(32).toString("base64url");
}

/** The 32 bytes of a generated key, undefined for a passphrase; a damaged generated key is refused. */
function generatedKeyBytes(secret: string): Buffer | undefined {
  const trimmed = secret.trim();
  if (!trimmed.startsWith(generatedKeyPrefix)) return undefined;
  const encoded = trimmed.slice(generatedKeyPrefix.length);
  const bytes = Buffer.from(encoded, "base64url");
  if (bytes.length !== 32 || bytes.toString("base64url") !== encoded) {
    throw new WrongKeyError(
      `The key starts like a generated key (${generatedKeyPrefix}) but is not one: it should be followed by 43 base64url characters`,
    );
  }
  return bytes;
}

/**
 * Offline repositories: the master key sealed with AES-256-GCM under a key derived from a secret (a
 * key file's contents or an environment variable), never stored anywhere. A passphrase is stretched
 * by scrypt, so that guessing it stays slow; a generated key (generateRepositoryKey) has 256 bits of
 * its own and goes through HKDF, which spares every run scrypt's 100 ms of CPU (D-27).
 */
export function localKeyWrapper(secret: string): KeyWrapper {
  const generated = generatedKeyBytes(secret);
  if (!generated && secret.trim().length < 16) {
    throw new WrongKeyError("A repository secret needs at least 16 characters");
  }
  const wrappingKey = async (kdf: LocalKdf): Promise<Buffer> => {
    const salt = Buffer.from(kdf.salt, "base64");
    if (kdf.name === "scrypt") {
      const { N, r, p } = kdf;
      return scryptAsync(secret, salt, 32, { N, r, p, maxmem: 256 * N * r });
    }
    if (!generated) {
      throw new WrongKeyError(
        "This repository is opened with a generated key file (govdr key generate), not a passphrase",
      );
    }
    return Buffer.from(hkdfSync("sha256", generated, salt, "govdr repository key wrapping", 32));
  };
  return {
    async generate(repositoryId) {
      const masterKey = randomBytes(32);
      const salt = randomBytes(16).toString("base64");
      const kdf: LocalKdf = generated
        ? { name: "hkdf-sha256", salt }
        : { name: "scrypt", ...scryptCost, salt };
      const nonce = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", await wrappingKey(kdf), nonce);
      cipher.setAAD(Buffer.from(repositoryId));
      const ciphertext = Buffer.concat([cipher.update(masterKey), cipher.final(), cipher.getAuthTag()]);
      const wrapped: WrappedKey = {
        kind: "local",
        kdf,
        nonce: nonce.toString("base64"),
        ciphertext: ciphertext.toString("base64"),
      };
      return { masterKey, wrapped };
    },
    async unwrap(wrapped, repositoryId) {
      if (wrapped.kind !== "local")
        throw new WrongKeyError(`This repository's key is wrapped by ${wrapped.kind}`);
      const sealed = Buffer.from(wrapped.ciphertext, "base64");
      const decipher = createDecipheriv(
        "aes-256-gcm",
        await wrappingKey(wrapped.kdf),
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
