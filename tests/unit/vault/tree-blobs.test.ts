import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LocalBackend } from "../../../shared/vault/backends/local.ts";
import { backup } from "../../../shared/vault/backup.ts";
import { localKeyWrapper } from "../../../shared/vault/key-wrapper.ts";
import { Repository } from "../../../shared/vault/repository.ts";
import { BlobIntegrityError } from "../../../shared/vault/suites.ts";
import { readTree, readTreeBlobs, type TreeEntry } from "../../../shared/vault/tree.ts";
import { writeSampleTree } from "../../support/file-trees.ts";

const secret = "tree blob test secret 2026";
let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-tree-"));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function repository() {
  const backend = new LocalBackend(path.join(work, "repo"));
  await Repository.init(backend, localKeyWrapper(secret), { suite: "aes-256-gcm" });
  return Repository.open(backend, localKeyWrapper(secret));
}

describe("tree blobs", () => {
  it("are stored gzipped, smaller than their JSON lines", async () => {
    const source = path.join(work, "source");
    await writeSampleTree(source);
    const repo = await repository();

    const snapshot = await backup(repo, [{ kind: "path", path: source }], { type: "full" });
    const blob = await repo.loadBlob(snapshot.tree[0] as string);
    const entries: TreeEntry[] = [];
    for await (const entry of readTree(repo, snapshot.tree)) entries.push(entry);
    const json = Buffer.byteLength(entries.map((e) => `${JSON.stringify(e)}\n`).join(""));

    expect([blob[0], blob[1]]).toEqual([0x1f, 0x8b]);
    expect(blob.length).toBeLessThan(json);
    expect(entries.map((e) => e.path)).toContain("source");
  });

  it("written as plain JSON lines (before compression) are still read", async () => {
    const repo = await repository();
    const entry: TreeEntry = {
      path: "app",
      type: "dir",
      mode: 0o755,
      mtimeNs: "1795257552359000000",
      size: 0,
    };
    const { id } = await repo.addBlob("tree", Buffer.from(`${JSON.stringify(entry)}\n`));
    await repo.flush();

    const read: TreeEntry[] = [];
    for await (const e of readTree(repo, [id])) read.push(e);

    expect(read).toEqual([entry]);
  });

  it("are read two ahead of the one being gone through, in order, a damaged one failing in its turn", async () => {
    const repo = await repository();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const entry: TreeEntry = { path: `d${i}`, type: "dir", mode: 0o755, mtimeNs: "0", size: 0 };
      ids.push((await repo.addBlob("tree", Buffer.from(`${JSON.stringify(entry)}\n`))).id);
    }
    await repo.flush();
    const load = repo.loadBlob.bind(repo);
    const requested: string[] = [];
    vi.spyOn(repo, "loadBlob").mockImplementation((id) => {
      requested.push(id);
      if (id === ids[3]) return Promise.reject(new BlobIntegrityError(`blob ${id} does not match its id`));
      return load(id);
    });

    const seen: string[] = [];
    const requestedWhenSeen: number[] = [];
    const reading = (async () => {
      for await (const entries of readTreeBlobs(repo, ids)) {
        seen.push(...entries.map((e) => e.path));
        requestedWhenSeen.push(requested.length);
      }
    })();

    await expect(reading).rejects.toThrow(BlobIntegrityError);
    expect(seen).toEqual(["d0", "d1", "d2"]);
    expect(requestedWhenSeen).toEqual([3, 4, 5]);
    expect(requested).toEqual(ids);
  });
});
