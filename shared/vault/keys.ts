import { createHmac, hkdfSync } from "node:crypto";
import { hmacSm3Many } from "./sm3/hmac-sm3-lanes.ts";

/**
 * A repository's key hierarchy (DESIGN.md §Vault engine): one random 256-bit master key, stored only
 * wrapped (by the tenant's KMS key, or a local key-encryption key offline), from which HKDF-SHA-256
 * derives a key per purpose. Knowing one subkey reveals nothing about the others.
 */
export const masterKeyBytes = 32;

export const keyPurposes = {
  /** Seeds the FastCDC gear table, so chunk boundaries reveal nothing about the content. */
  chunker: "govdr/v1/chunker",
  /** HMAC key for chunk ids: the index never holds a plain hash of tenant data (000 §7.5.8(2)). */
  fingerprint: "govdr/v1/fingerprint",
  /** Encrypts blobs (chunks, trees) and pack headers. */
  data: "govdr/v1/data",
  /** Encrypts index files and snapshot manifests, and keys the manifest's Merkle leaves. */
  metadata: "govdr/v1/metadata",
} as const;
export type KeyPurpose = keyof typeof keyPurposes;

export type VaultKeys = Record<KeyPurpose, Buffer>;

/** Derives every purpose key; `salt` is the repository id, so two repositories never share keys. */
export function deriveKeys(masterKey: Uint8Array, repositoryId: string): VaultKeys {
  if (masterKey.byteLength !== masterKeyBytes) {
    throw new Error(`A master key has ${masterKeyBytes} bytes, not ${masterKey.byteLength}`);
  }
  const derive = (info: string) => Buffer.from(hkdfSync("sha256", masterKey, repositoryId, info, 32));
  return {
    chunker: derive(keyPurposes.chunker),
    fingerprint: derive(keyPurposes.fingerprint),
    data: derive(keyPurposes.data),
    metadata: derive(keyPurposes.metadata),
  };
}

/** Chunk ids: HMAC of the plaintext under the fingerprint key, with the repository's algorithm. */
export function blobIdFunction(
  fingerprint: "hmac-sha256" | "hmac-sm3",
  key: Buffer,
): (data: Uint8Array) => string {
  const algorithm = fingerprint === "hmac-sm3" ? "sm3" : "sha256";
  return (data) => createHmac(algorithm, key).update(data).digest("hex");
}

/**
 * blobIdFunction for many chunks at once, in order: HMAC-SM3 then hashes them side by side (see
 * ./sm3/hmac-sm3-lanes.ts), which a thread sealing many small files gains from.
 */
export function blobIdsFunction(
  fingerprint: "hmac-sha256" | "hmac-sm3",
  key: Buffer,
): (chunks: Uint8Array[]) => string[] {
  if (fingerprint === "hmac-sm3") {
    const many = hmacSm3Many(key);
    return (chunks) => {
      const messages: Uint8Array[][] = [];
      for (let i = 0; i < chunks.length; i++) messages.push([chunks[i] as Uint8Array]);
      const digests = many(messages);
      const ids: string[] = [];
      for (let i = 0; i < digests.length; i++) ids.push((digests[i] as Buffer).toString("hex"));
      return ids;
    };
  }
  const blobId = blobIdFunction(fingerprint, key);
  return (chunks) => {
    const ids: string[] = [];
    for (let i = 0; i < chunks.length; i++) ids.push(blobId(chunks[i] as Uint8Array));
    return ids;
  };
}
