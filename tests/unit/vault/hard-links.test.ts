import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { link, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LocalBackend } from "../../../shared/vault/backends/local.ts";
import { backup } from "../../../shared/vault/backup.ts";
import { localKeyWrapper } from "../../../shared/vault/key-wrapper.ts";
import { objectNames } from "../../../shared/vault/object-names.ts";
import { Repository } from "../../../shared/vault/repository.ts";
import { restoreToDirectory } from "../../../shared/vault/restore.ts";
import { readTree, type TreeEntry } from "../../../shared/vault/tree.ts";
import { describeTree } from "../../support/file-trees.ts";

/** Set by a test to make link(2) fail as on a file system without hard links. */
const linkRefusal = vi.hoisted(() => ({ code: undefined as string | undefined }));
vi.mock("node:fs", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:fs")>();
  const linkSync: typeof original.linkSync = (existing, name) => {
    if (linkRefusal.code) throw Object.assign(new Error(`link refused (${linkRefusal.code})`), linkRefusal);
    return original.linkSync(existing, name);
  };
  return { ...original, default: { ...original, linkSync }, linkSync };
});

const secret = "hard links are one file, many names";
let work: string;
let source: string;

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-links-"));
  source = path.join(work, "source");
  // source/a/x.bin has three names in the source and a fourth outside it; solo.bin has one.
  await mkdir(path.join(source, "a"), { recursive: true });
  await mkdir(path.join(source, "b"), { recursive: true });
  await writeFile(path.join(source, "a", "x.bin"), randomBytes(100_000), { mode: 0o640 });
  await link(path.join(source, "a", "x.bin"), path.join(source, "b", "y.bin"));
  await link(path.join(source, "a", "x.bin"), path.join(source, "b", "z.bin"));
  await link(path.join(source, "a", "x.bin"), path.join(work, "outside.bin"));
  await writeFile(path.join(source, "a", "solo.bin"), randomBytes(5_000));
  linkRefusal.code = undefined;
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function backedUp() {
  const backend = new LocalBackend(path.join(work, "repo"));
  await Repository.init(backend, localKeyWrapper(secret), { suite: "aes-256-gcm" });
  const open = () => Repository.open(backend, localKeyWrapper(secret));
  const snapshot = await backup(await open(), [{ kind: "path", path: source }], { type: "full" });
  return { open, snapshot };
}

const inodeOf = async (file: string) => {
  const info = await stat(file);
  return { ino: info.ino, nlink: info.nlink };
};

describe("hard links (D-30)", () => {
  it("records a file's link count and restores its names as one file again, whole or in a sub-path", async () => {
    const { open, snapshot } = await backedUp();
    const entries = new Map<string, TreeEntry>();
    for await (const entry of readTree(await open(), snapshot.tree)) entries.set(entry.path, entry);

    await restoreToDirectory(await open(), snapshot, path.join(work, "whole"));
    await restoreToDirectory(await open(), snapshot, path.join(work, "part"), { subPath: "source/b" });

    expect(entries.get("source/a/x.bin")?.links).toBe(4);
    expect(entries.get("source/b/z.bin")?.links).toBe(4);
    expect(entries.get("source/a/solo.bin")?.links).toBeUndefined();
    const whole = path.join(work, "whole", "source");
    expect(await describeTree(whole)).toEqual(await describeTree(source));
    const x = await inodeOf(path.join(whole, "a", "x.bin"));
    expect(x.nlink).toBe(3);
    expect(await inodeOf(path.join(whole, "b", "y.bin"))).toEqual(x);
    expect(await inodeOf(path.join(whole, "b", "z.bin"))).toEqual(x);
    expect((await inodeOf(path.join(whole, "a", "solo.bin"))).nlink).toBe(1);
    const part = path.join(work, "part", "source", "b");
    const y = await inodeOf(path.join(part, "y.bin"));
    expect(y.nlink).toBe(2);
    expect(await inodeOf(path.join(part, "z.bin"))).toEqual(y);
    expect(await readFile(path.join(part, "z.bin"))).toEqual(await readFile(path.join(source, "a", "x.bin")));
  });

  it("links over existing files with --overwrite, and gives each name a copy where the file system refuses links", async () => {
    const { open, snapshot } = await backedUp();
    const target = path.join(work, "again");
    await restoreToDirectory(await open(), snapshot, target);
    await rm(path.join(target, "source", "b", "y.bin"));
    await writeFile(path.join(target, "source", "b", "y.bin"), "stale");

    await restoreToDirectory(await open(), snapshot, target, { overwrite: true });
    const overwritten = await inodeOf(path.join(target, "source", "b", "y.bin"));
    linkRefusal.code = "EXDEV";
    const progress = await restoreToDirectory(await open(), snapshot, path.join(work, "copies"));

    expect(overwritten).toEqual(await inodeOf(path.join(target, "source", "a", "x.bin")));
    const copies = path.join(work, "copies", "source");
    expect(await describeTree(copies)).toEqual(await describeTree(source));
    const inodes = await Promise.all(
      ["a/x.bin", "b/y.bin", "b/z.bin"].map((f) => inodeOf(path.join(copies, f))),
    );
    expect(new Set(inodes.map((i) => i.ino)).size).toBe(3);
    expect(progress.files).toBe(4);
    expect(progress.bytes).toBe(3 * 100_000 + 5_000);
  });

  it("reports every name of a file whose data is damaged, and creates none of them", async () => {
    const { open, snapshot } = await backedUp();
    const repository = await open();
    let chunk = "";
    for await (const entry of readTree(repository, snapshot.tree)) {
      if (entry.path === "source/a/x.bin") chunk = entry.chunks?.[0] ?? "";
    }
    const pack = repository.location(chunk)?.pack ?? "";
    fs.rmSync(path.join(work, "repo", objectNames.pack(pack)), { force: true });

    const progress = await restoreToDirectory(await open(), snapshot, path.join(work, "out"));

    const damaged = progress.damaged.map((d) => d.path);
    for (const name of ["source/a/x.bin", "source/b/y.bin", "source/b/z.bin"]) {
      expect(damaged).toContain(name);
      expect(fs.existsSync(path.join(work, "out", ...name.split("/")))).toBe(false);
    }
  });
});
