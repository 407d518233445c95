import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalBackend } from "../../../shared/vault/backends/local.ts";
import { localKeyWrapper } from "../../../shared/vault/key-wrapper.ts";
import {
  continueObjectBackup,
  keyOfPath,
  type ObjectSource,
  pathOfKey,
  type SourceObject,
  startObjectBackup,
} from "../../../shared/vault/object-backup.ts";
import { Repository } from "../../../shared/vault/repository.ts";
import { restoreToDirectory } from "../../../shared/vault/restore.ts";
import { loadSnapshot } from "../../../shared/vault/snapshot.ts";
import { readTree } from "../../../shared/vault/tree.ts";

let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-object-backup-"));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const wrapper = localKeyWrapper("object-backup-test-key-0123456789");
async function repository() {
  const backend = new LocalBackend(path.join(work, "repo"));
  await Repository.init(backend, wrapper, { suite: "aes-256-gcm" }).catch(() => undefined);
  return Repository.open(backend, wrapper);
}

/** A bucket in memory, listed in UTF-8 byte order as S3 lists it; `reads` counts what was read. */
function bucket(objects: Map<string, { body: Buffer; etag: string; mtime: Date }>) {
  const reads: string[] = [];
  const source: ObjectSource = {
    name: "s3-unit-data",
    label: "s3://unit-data/portal/",
    ordered: true,
    async *objects(cursor) {
      const keys = [...objects.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      for (const key of keys) {
        if (cursor !== undefined && Buffer.compare(Buffer.from(key), Buffer.from(cursor)) <= 0) continue;
        const { body, etag, mtime } = objects.get(key) as { body: Buffer; etag: string; mtime: Date };
        const object: SourceObject = {
          key,
          size: body.length,
          mtime,
          identity: etag,
          read: async () => {
            reads.push(key);
            return { stream: [body] };
          },
        };
        yield { object, cursor: () => key };
      }
    },
  };
  return { source, reads };
}

const at = new Date("2026-11-21T08:00:00.000Z");
const contents = () =>
  new Map(
    ["index.html", "docs/a.txt", "docs/a/b.txt", "docs/é.txt", "docs/x%y", "folder/", "z", "a..b", "."].map(
      (key, i) => [
        key,
        { body: Buffer.from(`object ${key} ${i}`.repeat(i + 1)), etag: `"e${i}"`, mtime: at },
      ],
    ),
  );

async function run(
  repo: Repository,
  sources: ObjectSource[],
  type: "full" | "incremental",
  pauseAfter?: number,
) {
  let checkpoint = await startObjectBackup(repo, sources, { type });
  for (let slices = 1; ; slices++) {
    let seen = 0;
    const result = await continueObjectBackup(repo, sources, checkpoint, {
      type,
      shouldPause: () => pauseAfter !== undefined && seen++ >= pauseAfter,
    });
    if (result.done) return { ...result, slices };
    checkpoint = result.checkpoint;
  }
}

describe("object keys as snapshot paths", () => {
  it("maps every key to a path of valid components and back (round trip)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (key) => {
        const parts = pathOfKey(key);
        expect(
          parts.every((part) => part !== "" && part !== "." && part !== ".." && !part.includes("/")),
        ).toBe(true);
        expect(keyOfPath(parts)).toBe(key);
      }),
    );
  });

  it("keeps ordinary keys as they are and escapes what a file system cannot hold", () => {
    expect(pathOfKey("docs/2026/report.pdf")).toEqual(["docs", "2026", "report.pdf"]);
    expect(pathOfKey("folder/")).toEqual(["folder", "%"]);
    expect(pathOfKey("a/../b")).toEqual(["a", "%2E%2E", "b"]);
    expect(pathOfKey("100%")).toEqual(["100%25"]);
  });
});

describe("server-side backup of an object source", () => {
  it("restores every object as a file with its bytes and mtime, in one slice or in many", async () => {
    const objects = contents();
    const repo = await repository();
    const { source } = bucket(objects);

    const once = await run(repo, [source], "full");
    const sliced = await run(repo, [source], "full", 2);

    expect(once.slices).toBe(1);
    expect(sliced.slices).toBeGreaterThan(3);
    for (const result of [once, sliced]) {
      expect(result.stats.files).toBe(objects.size);
      const target = path.join(work, `restored-${result.snapshot.id}`);
      await restoreToDirectory(repo, await loadSnapshot(repo, result.manifest), target);
      for (const [key, { body }] of objects) {
        expect(await readFile(path.join(target, source.name, ...pathOfKey(key)))).toEqual(body);
      }
      const entries = [];
      for await (const entry of readTree(repo, result.snapshot.tree)) entries.push(entry);
      const files = entries.filter((e) => e.type === "file");
      expect(files.map((e) => e.mtimeNs)).toEqual(files.map(() => `${at.getTime()}000000`));
      expect(new Set(entries.map((e) => e.path)).size).toBe(entries.length);
    }
  });

  it("does not read unchanged objects on the next incremental run; a changed ETag is read", async () => {
    const objects = contents();
    const repo = await repository();
    const first = bucket(objects);
    await run(repo, [first.source], "full");
    objects.set("docs/a.txt", {
      body: Buffer.from("changed"),
      etag: '"new"',
      mtime: new Date(at.getTime() + 1000),
    });

    const next = bucket(objects);
    const result = await run(repo, [next.source], "incremental", 3);

    expect(next.reads).toEqual(["docs/a.txt"]);
    expect(result.stats.unchanged).toBe(objects.size - 1);
    expect(result.snapshot).toMatchObject({ type: "incremental", parent: expect.any(String) });
  });

  it("refuses a bucket with both an object and objects under its name, naming the key", async () => {
    const objects = new Map([
      ["a", { body: Buffer.from("file"), etag: '"1"', mtime: at }],
      ["a-1", { body: Buffer.from("sibling"), etag: '"2"', mtime: at }],
      ["a/b", { body: Buffer.from("under"), etag: '"3"', mtime: at }],
    ]);
    const repo = await repository();

    await expect(run(repo, [bucket(objects).source], "full")).rejects.toMatchObject({
      code: "BACKUP_SOURCE_UNREADABLE",
      message: expect.stringContaining('object "a" and objects under "a/"'),
    });
  });

  it("leaves no snapshot when a slice fails mid-way, and the next run completes it", async () => {
    const objects = contents();
    const repo = await repository();
    const { source } = bucket(objects);
    const failing: ObjectSource = {
      ...source,
      async *objects(cursor) {
        for await (const item of source.objects(cursor)) {
          if (item.object.key === "z") throw new Error("connection reset");
          yield item;
        }
      },
    };
    const checkpoint = await startObjectBackup(repo, [failing], { type: "full" });

    await expect(continueObjectBackup(repo, [failing], checkpoint, { type: "full" })).rejects.toThrow(
      "reset",
    );
    const manifests: string[] = [];
    for await (const name of repo.backend.list("snapshots/")) manifests.push(name);
    expect(manifests).toEqual([]);
    const result = await run(await repository(), [source], "full");
    expect(result.stats.files).toBe(objects.size);
  });
});
