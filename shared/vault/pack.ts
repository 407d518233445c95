import { createHash, type Hash } from "node:crypto";
import { BlobIntegrityError, type CryptoSuite, type SuiteName, suiteNames } from "./suites.ts";

/**
 * Pack files: many sealed blobs in one object, so small files never become one object each.
 *
 *   [blob]…[blob][sealed header][suite: u8][header length: u32 LE]
 *
 * The header lists each blob's type, id, offset, sealed length and plain length, and is sealed like
 * the blobs, so a pack reveals only its size and blob count bound. Each blob is sealed with its id as
 * associated data: a blob moved or swapped inside a pack fails to open. A pack's name is the SHA-256
 * of its bytes, so any flipped byte, even in padding, is detectable without the key.
 */
export const blobTypes = ["data", "tree"] as const;
export type BlobType = (typeof blobTypes)[number];

export interface PackEntry {
  type: BlobType;
  /** The blob's id: HMAC of its plaintext under the fingerprint key, hex. */
  id: string;
  offset: number;
  length: number;
  rawLength: number;
}

const entryBytes = 1 + 32 + 4 + 4 + 4;
const trailerBytes = 1 + 4;
const headerContext = Buffer.from("govdr/v1/pack-header");

const blobContextPrefix = "govdr/v1/blob/";
export const blobContext = (id: string) => Buffer.from(`${blobContextPrefix}${id}`);

/**
 * `blobContext` written into one reused buffer, for a thread that seals or opens blob after blob
 * (the suites read the context at once): no allocation per blob. Each call overwrites the last.
 */
export function reusedBlobContext(): (id: string) => Buffer {
  let buffer = Buffer.alloc(0);
  return (id) => {
    if (buffer.length !== blobContextPrefix.length + id.length) {
      buffer = Buffer.alloc(blobContextPrefix.length + id.length);
      buffer.write(blobContextPrefix, 0, "latin1");
    }
    // Ids are hex, one byte per character; anything else (never written by govdr) is encoded as usual.
    if (!hexDigits.test(id)) return blobContext(id);
    buffer.write(id, blobContextPrefix.length, "latin1");
    return buffer;
  };
}
const hexDigits = /^[0-9a-f]*$/;

/** Bytes appended between updates of a pack's name hash: well inside a core's cache. */
const hashStep = 64 << 10;

export class PackWriter {
  /** Blobs are sealed or copied straight into one buffer, so a finished pack is one transferable object. */
  private buffer: Buffer;
  readonly entries: PackEntry[] = [];
  size = 0;
  /** The SHA-256 that names the pack, of its first `hashed` bytes so far. */
  private readonly hash: Hash = createHash("sha256");
  private hashed = 0;

  /**
   * `buffer`: where to write the pack (it is replaced by one twice as large when a blob does not fit);
   * reusing one saves the page faults of fresh memory, a cost comparable to sealing small blobs.
   */
  constructor(
    private readonly suite: CryptoSuite,
    buffer: Buffer = Buffer.allocUnsafeSlow(1 << 20),
  ) {
    this.buffer = buffer;
  }

  add(type: BlobType, id: string, plaintext: Uint8Array): void {
    this.addSealed(type, id, this.suite.sealParts(plaintext, blobContext(id)), plaintext.byteLength);
  }

  /** A blob sealed with this pack's suite and `blobContext(id)`, whole or as its parts in order. */
  addSealed(type: BlobType, id: string, sealed: Uint8Array | Uint8Array[], rawLength: number): void {
    const start = this.size;
    this.append(sealed);
    this.entries.push({ type, id, offset: start, length: this.size - start, rawLength });
  }

  /**
   * The finished pack (blobs, sealed header, trailer) as one buffer, and its name: the SHA-256 of its
   * bytes.
   */
  finish(): { name: string; bytes: Buffer } {
    const header = Buffer.alloc(this.entries.length * entryBytes);
    this.entries.forEach((entry, i) => {
      const at = i * entryBytes;
      header.writeUInt8(blobTypes.indexOf(entry.type), at);
      header.write(entry.id, at + 1, 32, "hex");
      header.writeUInt32LE(entry.offset, at + 33);
      header.writeUInt32LE(entry.length, at + 37);
      header.writeUInt32LE(entry.rawLength, at + 41);
    });
    const sealedHeader = this.suite.seal(header, headerContext);
    const trailer = Buffer.alloc(trailerBytes);
    trailer.writeUInt8(suiteNames.indexOf(this.suite.name), 0);
    trailer.writeUInt32LE(sealedHeader.length, 1);
    this.append([sealedHeader, trailer]);
    this.hashAppended();
    return { name: this.hash.digest("hex"), bytes: this.buffer.subarray(0, this.size) };
  }

  /**
   * The name's hash takes the bytes appended since its last update, while they are still in the
   * core's cache: hashing the finished pack read it back from memory, at well under half the speed.
   */
  private hashAppended(): void {
    this.hash.update(this.buffer.subarray(this.hashed, this.size));
    this.hashed = this.size;
  }

  private append(data: Uint8Array | Uint8Array[]): void {
    const parts = Array.isArray(data) ? data : [data];
    let needed = this.size;
    for (const part of parts) needed += part.byteLength;
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(needed, 2 * this.buffer.length));
      grown.set(this.buffer.subarray(0, this.size));
      this.buffer = grown;
    }
    // TypedArray.set: Buffer.copy allocates a view per call.
    for (const part of parts) {
      this.buffer.set(part, this.size);
      this.size += part.byteLength;
    }
    if (this.size - this.hashed >= hashStep) this.hashAppended();
  }
}

/** The suite a pack was sealed with, from its trailer. */
export function packSuite(bytes: Uint8Array): SuiteName {
  const suite = suiteNames[bytes[bytes.byteLength - trailerBytes] ?? 255];
  if (!suite) throw new BlobIntegrityError("pack trailer names no known crypto suite");
  return suite;
}

/** Reads a pack's entries from its header; throws BlobIntegrityError on any damage. */
export function readPackHeader(bytes: Uint8Array, suite: CryptoSuite): PackEntry[] {
  const pack = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (pack.length < trailerBytes) throw new BlobIntegrityError("pack is truncated");
  const headerLength = pack.readUInt32LE(pack.length - 4);
  const headerStart = pack.length - trailerBytes - headerLength;
  if (headerStart < 0) throw new BlobIntegrityError("pack header length is out of range");
  const header = suite.open(pack.subarray(headerStart, pack.length - trailerBytes), headerContext);
  if (header.length % entryBytes !== 0) throw new BlobIntegrityError("pack header is malformed");
  const entries: PackEntry[] = [];
  for (let at = 0; at < header.length; at += entryBytes) {
    const type = blobTypes[header.readUInt8(at)];
    if (!type) throw new BlobIntegrityError("pack header names an unknown blob type");
    entries.push({
      type,
      id: header.subarray(at + 1, at + 33).toString("hex"),
      offset: header.readUInt32LE(at + 33),
      length: header.readUInt32LE(at + 37),
      rawLength: header.readUInt32LE(at + 41),
    });
  }
  return entries;
}

export const packName = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
