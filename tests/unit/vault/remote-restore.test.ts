import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Backend, RepositoryAccessError } from "../../../shared/vault/backend.ts";
import { LocalBackend } from "../../../shared/vault/backends/local.ts";
import { backup } from "../../../shared/vault/backup.ts";
import { localKeyWrapper } from "../../../shared/vault/key-wrapper.ts";
import { objectNames } from "../../../shared/vault/object-names.ts";
import { PackRangeReader } from "../../../shared/vault/pack-range-reader.ts";
import { Repository } from "../../../shared/vault/repository.ts";
import { restoreToDirectory } from "../../../shared/vault/restore.ts";
import { readTree } from "../../../shared/vault/tree.ts";
import { workersPerCore } from "../../../shared/vault/workers/pool.ts";
import { SignedRangeReader } from "../../../shared/vault/workers/signed-range-reader.ts";
import { describeTree, writeSampleTree } from "../../support/file-trees.ts";

const secret = "remote-restore-test-secret";
let work: string;

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-remote-restore-"));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

/**
 * A repository that is not a local directory as far as restore can tell, recording pack reads. With
 * `signed`, it gives signed URLs of its objects, served over HTTP on 127.0.0.1, which restore workers
 * read themselves (D-59); without, restore's main thread reads packs through `get`.
 */
class RemoteLike implements Backend {
  readonly location = "remote-like";
  /** Data reads of packs after `watch()`: whole packs (no range) and ranges. */
  wholePackReads = 0;
  rangeReads = 0;
  /** Of those, the reads of signed URLs over HTTP. */
  signedReads = 0;
  private requests = 0;
  mostRequests = 0;
  private bytesRequested = 0;
  mostBytesRequested = 0;
  /** When set, pack reads are held until this many are open at once (the first time only). */
  holdUntilOpen: number | undefined;
  private held: (() => void)[] = [];
  private watching = false;
  signedUrl: Backend["signedUrl"];
  constructor(
    private readonly local: LocalBackend,
    server?: { base: string },
  ) {
    if (server) this.signedUrl = async (name) => `${server.base}/${name}?X-Amz-Signature=test`;
  }
  watch() {
    this.watching = true;
  }
  put: Backend["put"] = (name, data) => this.local.put(name, data);
  get: Backend["get"] = async (name, range) => {
    if (!this.watching || !name.startsWith("packs/")) return this.local.get(name, range);
    return this.watched(range, () => this.local.get(name, range));
  };
  /** Counts a read of a pack (a range, or all of it) while it is open. */
  async watched<T>(range: { length: number } | undefined, read: () => Promise<T>): Promise<T> {
    if (!range) this.wholePackReads += 1;
    else this.rangeReads += 1;
    const bytes = range?.length ?? 0;
    this.requests += 1;
    this.bytesRequested += bytes;
    this.mostRequests = Math.max(this.mostRequests, this.requests);
    this.mostBytesRequested = Math.max(this.mostBytesRequested, this.bytesRequested);
    if (this.holdUntilOpen !== undefined) {
      if (this.requests < this.holdUntilOpen) await new Promise<void>((go) => this.held.push(go));
      else {
        this.holdUntilOpen = undefined;
        for (const go of this.held.splice(0)) go();
      }
    }
    // A little latency, so that reads overlap as they would over a network.
    await new Promise((resolve) => setTimeout(resolve, 2));
    try {
      return await read();
    } finally {
      this.requests -= 1;
      this.bytesRequested -= bytes;
    }
  }
  exists: Backend["exists"] = (name) => this.local.exists(name);
  list: Backend["list"] = (prefix) => this.local.list(prefix);
}

/** Serves `backend`'s objects by Range, as S3 answers signed GETs (404 for a missing object). */
async function objectServer(root: string, backend: () => RemoteLike) {
  const server = http.createServer((request, response) => {
    const name = decodeURIComponent((request.url ?? "").split("?")[0]?.slice(1) ?? "");
    const [, from, to] = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? "") ?? [];
    const range =
      from === undefined ? undefined : { offset: Number(from), length: Number(to) - Number(from) + 1 };
    backend().signedReads += 1;
    backend()
      .watched(range, () => new LocalBackend(root).get(name, range))
      .then(
        (bytes) => response.writeHead(range ? 206 : 200, { "Content-Length": bytes.length }).end(bytes),
        () => response.writeHead(404).end("<Error><Code>NoSuchKey</Code></Error>"),
      );
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  servers.push(server);
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
const servers: http.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function remoteRepository(signed = false) {
  const root = path.join(work, "repo");
  const local = new LocalBackend(root);
  const backend: RemoteLike = new RemoteLike(
    local,
    signed ? await objectServer(root, () => backend) : undefined,
  );
  const sizes = { min: 16 << 10, avg: 64 << 10, max: 256 << 10 };
  await Repository.init(backend, localKeyWrapper(secret), { suite: "aes-256-gcm", chunkSizes: sizes });
  const open = () => Repository.open(backend, localKeyWrapper(secret), { packSize: 64 << 10 });
  return { backend, open };
}

async function bigFileSource(bytes: number) {
  const source = path.join(work, "source");
  await mkdir(source, { recursive: true });
  const big = path.join(source, "big.bin");
  await writeFile(big, randomBytes(bytes));
  await chmod(big, 0o640);
  await utimes(big, 1_700_000_000, 1_700_000_000.5);
  return source;
}

describe.each([
  ["the main thread reads", false],
  ["each job's worker reads by signed URLs (D-59)", true],
])("restores from remote repositories: %s the ranges of packs a job needs", (_, signed) => {
  it("restores every other file when a pack is gone, naming the files it held, and leaves no temporary files", async () => {
    const source = path.join(work, "source");
    await writeSampleTree(source);
    const { backend, open } = await remoteRepository(signed);
    const snapshot = await backup(await open(), [{ kind: "path", path: source }], { type: "full" });
    const repository = await open();
    const dataPacks = [...repository.indexedBlobs()]
      .filter(([, l]) => l.type === "data")
      .map(([, l]) => l.pack);
    const gone = dataPacks[0] as string;
    const held = new Set([...repository.indexedBlobs()].filter(([, l]) => l.pack === gone).map(([id]) => id));
    await rm(path.join(work, "repo", objectNames.pack(gone)));
    const temporary = await readdir(tmpdir());
    backend.watch();

    const restored = await restoreToDirectory(repository, snapshot, path.join(work, "out"));

    const expected: string[] = [];
    for await (const entry of readTree(repository, snapshot.tree)) {
      if (entry.chunks?.some((id) => held.has(id))) expected.push(entry.path);
    }
    expect(expected.length).toBeGreaterThan(0);
    expect(restored.damaged.map((d) => d.path).sort()).toEqual(expected.sort());
    expect(restored.damaged.every((d) => d.reason.includes(`pack ${gone} is missing`))).toBe(true);
    const out = await describeTree(path.join(work, "out", "source"));
    for (const [file, description] of Object.entries(await describeTree(source))) {
      expect(out[file], file).toBe(expected.includes(`source/${file}`) ? undefined : description);
    }
    expect((await readdir(tmpdir())).filter((name) => name.startsWith("govdr-restore-"))).toEqual(
      temporary.filter((name) => name.startsWith("govdr-restore-")),
    );
  });

  it("restores byte for byte with ranged reads only", async () => {
    const source = path.join(work, "source");
    await writeSampleTree(source);
    const { backend, open } = await remoteRepository(signed);
    const snapshot = await backup(await open(), [{ kind: "path", path: source }], { type: "full" });
    const repository = await open();
    backend.watch();

    await restoreToDirectory(repository, snapshot, path.join(work, "out"));

    expect(await describeTree(path.join(work, "out", "source"))).toEqual(await describeTree(source));
    expect(backend.rangeReads).toBeGreaterThan(0);
    expect(backend.wholePackReads).toBe(0);
    // Tree blobs are read by the main thread either way.
    expect(backend.signedReads > 0).toBe(signed);
  });

  it("restores a large file in segments written by several workers, byte for byte with mode and mtime, bytes in flight bounded", async () => {
    const source = await bigFileSource(3 << 20);
    const { backend, open } = await remoteRepository(signed);
    const snapshot = await backup(await open(), [{ kind: "path", path: source }], { type: "full" });
    const out = path.join(work, "out");
    await mkdir(path.join(out, "source"), { recursive: true });
    await writeFile(path.join(out, "source", "big.bin"), "an older version");
    const repository = await open();
    backend.watch();

    await restoreToDirectory(repository, snapshot, out, {
      segmentBytes: 512 << 10,
      bytesInFlight: 1 << 20,
      overwrite: true,
    });

    expect(await describeTree(path.join(out, "source"))).toEqual(await describeTree(source));
    expect(backend.rangeReads).toBeGreaterThan(3);
    // A segment's ranges are at most 512 KiB plus one chunk (256 KiB) and the gaps read along.
    expect(backend.mostBytesRequested).toBeLessThanOrEqual(1 << 20);
    const mostRequests = signed
      ? SignedRangeReader.maxRequests * workersPerCore()
      : PackRangeReader.maxRequests;
    expect(backend.mostRequests).toBeLessThanOrEqual(mostRequests);
  });
});

describe("restores from remote repositories read ranges of packs into the workers", () => {
  it("stops with a RepositoryAccessError when the storage refuses a worker's signed read", async () => {
    const source = path.join(work, "source");
    await writeSampleTree(source);
    const { backend, open } = await remoteRepository(true);
    const snapshot = await backup(await open(), [{ kind: "path", path: source }], { type: "full" });
    const refusing = http.createServer((_, response) =>
      response
        .writeHead(403)
        .end("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"),
    );
    await new Promise<void>((listening) => refusing.listen(0, "127.0.0.1", listening));
    servers.push(refusing);
    backend.signedUrl = async (name) =>
      `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/${name}`;

    const restore = restoreToDirectory(await open(), snapshot, path.join(work, "out"));

    await expect(restore).rejects.toThrow(RepositoryAccessError);
    await expect(restore).rejects.toThrow(/AccessDenied: Request has expired/);
  });

  it("reads at most a few ranges at once, and asks for a missing pack once", async () => {
    const source = await bigFileSource(3 << 20);
    const { backend, open } = await remoteRepository();
    await backup(await open(), [{ kind: "path", path: source }], { type: "full" });
    const repository = await open();
    const packs = [...new Set([...repository.indexedBlobs()].map(([, l]) => l.pack))];
    const ranges = packs.map((pack) => ({ pack, offset: 0, length: 100 }));
    const reader = new PackRangeReader(backend);
    backend.holdUntilOpen = PackRangeReader.maxRequests;
    backend.watch();

    const read = await reader.read(ranges);

    expect(packs.length).toBeGreaterThan(PackRangeReader.maxRequests);
    expect(backend.mostRequests).toBe(PackRangeReader.maxRequests);
    expect(read.map((range) => range.bytes.length)).toEqual(packs.map(() => 100));
    expect(read.every((range) => range.bytes.byteLength === range.bytes.buffer.byteLength)).toBe(true);

    const gone = packs[0] as string;
    await rm(path.join(work, "repo", objectNames.pack(gone)));
    const before = backend.rangeReads;
    const again = await reader.read([
      { pack: gone, offset: 0, length: 10 },
      { pack: gone, offset: 20, length: 10 },
    ]);
    const later = await reader.read([{ pack: gone, offset: 40, length: 10 }]);
    expect([again, later]).toEqual([[], []]);
    expect(backend.rangeReads - before).toBeLessThanOrEqual(2);
  });
});
