import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type WrittenObject, writeTemporarySync } from "../../../shared/vault/backends/local.ts";
import { defaultChunkSizes, FastCdc } from "../../../shared/vault/fastcdc.ts";
import { blobIdFunction, blobIdsFunction, deriveKeys } from "../../../shared/vault/keys.ts";
import { objectNames } from "../../../shared/vault/object-names.ts";
import { blobContext, reusedBlobContext } from "../../../shared/vault/pack.ts";
import { type SuiteName, suitesFor } from "../../../shared/vault/suites.ts";
import { FileSealer } from "../../../shared/vault/workers/file-sealer.ts";
import { packEntries, type WorkerReply } from "../../../shared/vault/workers/protocol.ts";
import { SharedIdSet } from "../../../shared/vault/workers/shared-id-set.ts";

let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-sealer-"));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const keys = deriveKeys(randomBytes(32), "0123456789abcdef0123456789abcdef");
const blobId = blobIdFunction("hmac-sha256", keys.fingerprint);

/** A worker's FileSealer with the given shared table, and every reply it sends. */
function sealer(
  sealedByAny: SharedIdSet | undefined,
  suite: SuiteName = "aes-256-gcm",
  sealInGroups = false,
  writePack?: (name: string, bytes: Uint8Array) => WrittenObject,
) {
  const replies: WorkerReply[] = [];
  const fileSealer = new FileSealer({
    send: (reply) => replies.push(reply),
    blobId,
    blobIds: blobIdsFunction("hmac-sha256", keys.fingerprint),
    blobContext: reusedBlobContext(),
    sealInGroups,
    cdc: new FastCdc(keys.chunker),
    packSuite: suitesFor(keys.data)(suite),
    packSize: 16 << 20,
    packCapacity: 32 << 20,
    smallBelow: defaultChunkSizes.min,
    preexisting: new Set(),
    sealedByAny,
    writePack,
  });
  return { fileSealer, replies };
}

/** Writes the files and backs them up as one batch, then flushes: the ids of the blobs sealed, per pack. */
async function backUp(fileSealer: FileSealer, replies: WorkerReply[], contents: Buffer[]) {
  const names: string[] = [];
  for (const [i, content] of contents.entries()) {
    const file = path.join(work, `f${i}`);
    await writeFile(file, content);
    names.push(file, `src/f${i}`, "");
  }
  const files = { names: names.join("\0"), seqs: Int32Array.from(contents.keys()) };
  await fileSealer.backupFiles(1, files, new Int32Array(new SharedArrayBuffer(4)));
  fileSealer.flush(2);
  const packs = replies.flatMap((reply) =>
    reply.kind === "pack" ? [packEntries(reply).map((e) => e.id)] : [],
  );
  const blobs = replies.flatMap((reply) =>
    reply.kind === "pack"
      ? packEntries(reply).map((e) => ({ ...e, sealed: reply.bytes.subarray(e.offset, e.offset + e.length) }))
      : [],
  );
  const backedUp = replies.find((reply) => reply.kind === "backed-up");
  if (backedUp?.kind !== "backed-up") throw new Error("no backed-up reply");
  // A file's tree line is reported when it is sealed, not in the order read: ordered by seq here.
  const lines: { chunks: string[] }[] = [];
  backedUp.lines.split("\n").forEach((line, i) => {
    lines[backedUp.seqs[i] as number] = JSON.parse(line);
  });
  return { packs, blobs, lines };
}

describe("FileSealer (a backup worker's files into packs)", () => {
  it("seals a chunk it meets twice once when the shared table is full, from what it met itself", async () => {
    const full = new SharedIdSet(SharedIdSet.allocate(2));
    expect(full.claim(randomBytes(32).toString("hex"))).toBe(true);
    const { fileSealer, replies } = sealer(full);
    const same = randomBytes(4096);

    const { packs, lines } = await backUp(fileSealer, replies, [same, Buffer.from(same), randomBytes(100)]);

    expect(packs.flat()).toHaveLength(2);
    const other = lines[2]?.chunks[0];
    expect(new Set(packs.flat())).toEqual(new Set([blobId(same), other]));
    expect(lines.map((l) => l.chunks)).toEqual([[blobId(same)], [blobId(same)], [other]]);
  });

  it("leaves a chunk that another worker claimed in the shared table to that worker", async () => {
    const shared = new SharedIdSet(SharedIdSet.allocate(16));
    const theirs = randomBytes(4096);
    shared.claim(blobId(theirs));
    const { fileSealer, replies } = sealer(shared);
    const mine = randomBytes(4096);

    const { packs, lines } = await backUp(fileSealer, replies, [theirs, mine]);

    expect(packs.flat()).toEqual([blobId(mine)]);
    expect(lines.map((l) => l.chunks)).toEqual([[blobId(theirs)], [blobId(mine)]]);
  });

  it("hands its first pack over after 16 blobs, and the rest when flushed", async () => {
    const { fileSealer, replies } = sealer(new SharedIdSet(SharedIdSet.allocate(64)));
    const contents = Array.from({ length: 20 }, () => randomBytes(1000));

    const { packs } = await backUp(fileSealer, replies, contents);

    expect(packs.map((pack) => pack.length)).toEqual([16, 4]);
    expect(packs.flat()).toEqual(contents.map((content) => blobId(content)));
  });

  it("writes its packs to temporary files itself for a local repository (D-60), sending none of their bytes", async () => {
    const repository = path.join(work, "repository");
    const writes: string[] = [];
    const { fileSealer, replies } = sealer(undefined, "aes-256-gcm", false, (name, bytes) => {
      writes.push(name);
      return writeTemporarySync(repository, objectNames.pack(name), bytes);
    });
    const contents = Array.from({ length: 20 }, () => randomBytes(1000));

    const { packs } = await backUp(fileSealer, replies, contents);

    const handed = replies.flatMap((reply) => (reply.kind === "pack" ? [reply] : []));
    expect(packs.flat()).toEqual(contents.map((content) => blobId(content)));
    expect(handed.map((reply) => reply.name)).toEqual(writes);
    for (const reply of handed) {
      expect(reply.bytes.length).toBe(0);
      const bytes = await readFile(reply.written?.temporary as string);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(reply.name);
      expect(path.dirname(reply.written?.temporary as string)).toBe(
        path.dirname(path.join(repository, objectNames.pack(reply.name))),
      );
    }
  });

  it("seals small files in groups (up to 32, or 256 KiB) that open to each file's bytes, duplicates once", async () => {
    const { fileSealer, replies } = sealer(
      new SharedIdSet(SharedIdSet.allocate(256)),
      "sm4-ctr+hmac-sm3",
      true,
    );
    const sizes = [0, 1, 4096, 4096, 100_000, 100_000, 100_000, 300, 70_000, 4096];
    const unique = Array.from({ length: 80 }, (_, i) => randomBytes(sizes[i % sizes.length] as number));
    const contents = [...unique, ...unique.slice(0, 8).map((bytes) => Buffer.from(bytes))];

    const { blobs, lines } = await backUp(fileSealer, replies, contents);

    expect(lines.map((line) => line.chunks)).toEqual(
      contents.map((bytes) => (bytes.length === 0 ? [] : [blobId(bytes)])),
    );
    const nonEmpty = new Set(unique.filter((bytes) => bytes.length > 0).map((bytes) => blobId(bytes)));
    expect(blobs.map((blob) => blob.id).sort()).toEqual([...nonEmpty].sort());
    const suite = suitesFor(keys.data)("sm4-ctr+hmac-sm3");
    for (const blob of blobs) {
      const plaintext = suite.open(blob.sealed, blobContext(blob.id));
      expect(blobId(plaintext)).toBe(blob.id);
      expect(plaintext.length).toBe(blob.rawLength);
    }
  });

  it("seals a large file's chunks in the groups each read yields, in order, each opening to its bytes", async () => {
    const { fileSealer, replies } = sealer(
      new SharedIdSet(SharedIdSet.allocate(256)),
      "sm4-ctr+hmac-sm3",
      true,
    );
    const large = randomBytes(20 << 20);

    const { blobs, lines } = await backUp(fileSealer, replies, [large]);

    const suite = suitesFor(keys.data)("sm4-ctr+hmac-sm3");
    const opened = new Map(blobs.map((blob) => [blob.id, suite.open(blob.sealed, blobContext(blob.id))]));
    const chunkIds = lines[0]?.chunks ?? [];
    expect(chunkIds.length).toBeGreaterThan(4);
    expect(Buffer.concat(chunkIds.map((id) => opened.get(id) as Buffer)).equals(large)).toBe(true);
    for (const [id, plaintext] of opened) expect(blobId(plaintext)).toBe(id);
  });
});
