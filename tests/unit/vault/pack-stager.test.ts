import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Backend } from "../../../shared/vault/backend.ts";
import { LocalBackend } from "../../../shared/vault/backends/local.ts";
import { backup } from "../../../shared/vault/backup.ts";
import { localKeyWrapper } from "../../../shared/vault/key-wrapper.ts";
import { objectNames } from "../../../shared/vault/object-names.ts";
import { PackStager } from "../../../shared/vault/pack-stager.ts";
import { Repository } from "../../../shared/vault/repository.ts";
import { restoreToDirectory } from "../../../shared/vault/restore.ts";
import { readTree } from "../../../shared/vault/tree.ts";
import { describeTree, writeSampleTree } from "../../support/file-trees.ts";

const secret = "stager-test-secret-of-length";
let work: string;

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-stager-"));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A repository that is not a local directory as far as restore can tell, counting pack fetches. */
class RemoteLike implements Backend {
  readonly location = "remote-like";
  fetches = 0;
  private inFlight = 0;
  mostInFlight = 0;
  /**
   * When set, pack fetches are held until this many are in flight at once (the first time only), so
   * a test of the stager's limit does not depend on how fast local reads finish.
   */
  holdUntilInFlight: number | undefined;
  private held: (() => void)[] = [];
  constructor(private readonly local: LocalBackend) {}
  put: Backend["put"] = (name, data) => this.local.put(name, data);
  get: Backend["get"] = async (name, range) => {
    if (!name.startsWith("packs/") || range) return this.local.get(name, range);
    this.fetches += 1;
    this.inFlight += 1;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    if (this.holdUntilInFlight !== undefined) {
      if (this.inFlight < this.holdUntilInFlight) await new Promise<void>((go) => this.held.push(go));
      else {
        this.holdUntilInFlight = undefined;
        for (const go of this.held.splice(0)) go();
      }
    }
    try {
      return await this.local.get(name, range);
    } finally {
      this.inFlight -= 1;
    }
  };
  exists: Backend["exists"] = (name) => this.local.exists(name);
  list: Backend["list"] = (prefix) => this.local.list(prefix);
}

async function remoteRepository() {
  const backend = new RemoteLike(new LocalBackend(path.join(work, "repo")));
  const sizes = { min: 16 << 10, avg: 64 << 10, max: 256 << 10 };
  await Repository.init(backend, localKeyWrapper(secret), { suite: "aes-256-gcm", chunkSizes: sizes });
  const open = () => Repository.open(backend, localKeyWrapper(secret), { packSize: 64 << 10 });
  return { backend, open };
}

describe("restores from remote repositories through staged packs", () => {
  it("restores every other file when a pack is gone, naming the files it held", async () => {
    const source = path.join(work, "source");
    await writeSampleTree(source);
    const { open } = await remoteRepository();
    const snapshot = await backup(await open(), [{ kind: "path", path: source }], { type: "full" });
    const repository = await open();
    const dataPacks = [...repository.indexedBlobs()]
      .filter(([, l]) => l.type === "data")
      .map(([, l]) => l.pack);
    const gone = dataPacks[0] as string;
    const held = new Set([...repository.indexedBlobs()].filter(([, l]) => l.pack === gone).map(([id]) => id));
    await rm(path.join(work, "repo", objectNames.pack(gone)));

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
  });

  it("restores byte for byte and removes its staging directory", async () => {
    const source = path.join(work, "source");
    await writeSampleTree(source);
    const { backend, open } = await remoteRepository();
    const snapshot = await backup(await open(), [{ kind: "path", path: source }], { type: "full" });

    await restoreToDirectory(await open(), snapshot, path.join(work, "out"));

    expect(await describeTree(path.join(work, "out", "source"))).toEqual(await describeTree(source));
    expect(backend.fetches).toBeGreaterThan(0);
  });

  it("keeps pinned packs, evicts the least recently used beyond capacity, and cleans up", async () => {
    const source = path.join(work, "source");
    await writeSampleTree(source);
    const { open } = await remoteRepository();
    await backup(await open(), [{ kind: "path", path: source }], { type: "full" });
    const repository = await open();
    const packs = [...new Set([...repository.indexedBlobs()].map(([, l]) => l.pack))];
    expect(packs.length).toBeGreaterThan(2);
    const stager = await PackStager.create(repository, 1);
    const staged = (pack: string) => existsSync(path.join(stager.root, objectNames.pack(pack)));
    const [first = "", second = "", third = ""] = packs;

    await stager.pin([first, second]);
    await stager.unpin([second]);
    expect([staged(first), staged(second)]).toEqual([true, false]);
    await stager.pin([third]);
    await stager.unpin([first, third]);
    expect([staged(first), staged(third)]).toEqual([false, true]);

    await stager.close();
    expect(existsSync(stager.root)).toBe(false);
  });

  it("downloads at most a few packs at once, however many a batch needs", async () => {
    const source = path.join(work, "source");
    await mkdir(source, { recursive: true });
    await writeFile(path.join(source, "big.bin"), randomBytes(3 << 20));
    const { backend, open } = await remoteRepository();
    await backup(await open(), [{ kind: "path", path: source }], { type: "full" });
    const repository = await open();
    const packs = [...new Set([...repository.indexedBlobs()].map(([, l]) => l.pack))];
    const stager = await PackStager.create(repository, packs.length);
    backend.holdUntilInFlight = PackStager.maxFetches;

    await stager.pin(packs);
    await stager.close();

    expect(packs.length).toBeGreaterThan(PackStager.maxFetches);
    expect(backend.mostInFlight).toBe(PackStager.maxFetches);
  });

  it("restores a large file in segments written by several workers, byte for byte with mode and mtime", async () => {
    const source = path.join(work, "source");
    await mkdir(source, { recursive: true });
    const big = path.join(source, "big.bin");
    await writeFile(big, randomBytes(3 << 20));
    await chmod(big, 0o640);
    await utimes(big, 1_700_000_000, 1_700_000_000.5);
    const { backend, open } = await remoteRepository();
    const snapshot = await backup(await open(), [{ kind: "path", path: source }], { type: "full" });
    const out = path.join(work, "out");
    await mkdir(path.join(out, "source"), { recursive: true });
    await writeFile(path.join(out, "source", "big.bin"), "an older version");

    await restoreToDirectory(await open(), snapshot, out, { segmentBytes: 512 << 10, overwrite: true });

    expect(await describeTree(path.join(out, "source"))).toEqual(await describeTree(source));
    expect(backend.mostInFlight).toBeLessThanOrEqual(PackStager.maxFetches);
  });
});
