import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { lstat, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalBackend } from "../../../shared/vault/backends/local.ts";
import { backup } from "../../../shared/vault/backup.ts";
import { localKeyWrapper } from "../../../shared/vault/key-wrapper.ts";
import {
  replaceXattrAddonForTests,
  useXattrAddon,
  type XattrAddon,
  xattrAddon,
} from "../../../shared/vault/native/xattr-addon.ts";
import { Repository } from "../../../shared/vault/repository.ts";
import { restoreToDirectory } from "../../../shared/vault/restore.ts";
import type { Snapshot } from "../../../shared/vault/snapshot.ts";
import { readTree, type TreeEntry } from "../../../shared/vault/tree.ts";
import { runAgent } from "../../support/agent-cli.ts";
import { describeTree, isRoot } from "../../support/file-trees.ts";

const secret = "attributes travel with their files";
/** XATTR_SIZE_MAX: the largest value Linux allows; tmpfs keeps it, ext4 (one block for all) does not. */
const largestValue = 65536;
let work: string;
let source: string;
let largeValue: Buffer;
let addon: XattrAddon;
let openRepository: () => Promise<Repository>;
let snapshot: Snapshot;
/** A ramfs mounted for the test: a real file system without extended attributes (root only). */
let ramfs: string | undefined;

/**
 * A POSIX ACL as the kernel takes it in system.posix_acl_*: version 2, then (tag, permissions, id)
 * per entry, sorted by tag (USER_OBJ 1, USER 2, GROUP_OBJ 4, GROUP 8, MASK 0x10, OTHER 0x20).
 */
function posixAcl(entries: [tag: number, perm: number, id?: number][]): Buffer {
  const acl = Buffer.alloc(4 + 8 * entries.length);
  acl.writeUInt32LE(2, 0);
  entries.forEach(([tag, perm, id], i) => {
    acl.writeUInt16LE(tag, 4 + 8 * i);
    acl.writeUInt16LE(perm, 6 + 8 * i);
    acl.writeUInt32LE(id ?? 0xffffffff, 8 + 8 * i);
  });
  return acl;
}
// user::rw- user:1234:r-- group::--- mask::r-- other::---
const fileAcl = posixAcl([
  [1, 6],
  [2, 4, 1234],
  [4, 0],
  [0x10, 4],
  [0x20, 0],
]);
// default: user::rwx group::r-x group:2345:rwx mask::rwx other::---
const defaultAcl = posixAcl([
  [1, 7],
  [4, 5],
  [8, 7, 2345],
  [0x10, 7],
  [0x20, 0],
]);

function setXattr(file: string, name: string, value: Buffer | string) {
  const errno = addon.set(file, name, Buffer.from(value));
  if (errno !== 0) throw new Error(`setxattr ${name} on ${file}: errno ${errno}`);
}

/** An entry's extended attributes as the kernel lists them (unfollowed), by name. */
function xattrsOf(file: string): Record<string, string> {
  const listed = addon.list(file);
  if (listed === undefined) return {};
  if (typeof listed === "number") throw new Error(`listxattr ${file}: errno ${listed}`);
  const out: Record<string, string> = {};
  for (let i = 0; i < listed.length; i += 2)
    out[listed[i] as string] = (listed[i + 1] as Buffer).toString("base64");
  return out;
}

const entriesOf = async (repository: Repository, of: Snapshot) => {
  const entries = new Map<string, TreeEntry>();
  for await (const entry of readTree(repository, of.tree)) entries.set(entry.path, entry);
  return entries;
};

/** /dev/shm when it is tmpfs with user xattrs (it keeps a value of XATTR_SIZE_MAX), else the temp dir. */
async function workDirectory(): Promise<{ dir: string; large: number }> {
  if (existsSync("/dev/shm")) {
    const dir = await mkdtemp("/dev/shm/govdr-xattrs-");
    await writeFile(path.join(dir, "probe"), "");
    if (addon.set(path.join(dir, "probe"), "user.probe", Buffer.alloc(largestValue)) === 0) {
      return { dir, large: largestValue };
    }
    await rm(dir, { recursive: true, force: true });
  }
  return { dir: await mkdtemp(path.join(tmpdir(), "govdr-xattrs-")), large: 3000 };
}

beforeAll(async () => {
  const loaded = xattrAddon();
  if (!loaded) throw new Error("the xattr addon did not build from source (is a C compiler installed?)");
  addon = loaded;
  const { dir, large } = await workDirectory();
  work = dir;
  largeValue = randomBytes(large);
  source = path.join(work, "source");
  await mkdir(path.join(source, "dir", "inner"), { recursive: true });
  await writeFile(path.join(source, "plain.txt"), "no attributes\n");
  await writeFile(path.join(source, "tagged.txt"), "tagged\n");
  setXattr(path.join(source, "tagged.txt"), "user.comment", "政务 data");
  setXattr(path.join(source, "tagged.txt"), "user.binary", Buffer.from([0, 1, 2, 255, 0]));
  setXattr(path.join(source, "tagged.txt"), "user.empty", "");
  await writeFile(path.join(source, "large-value.bin"), "x");
  setXattr(path.join(source, "large-value.bin"), "user.large", largeValue);
  // Over the restore's segment size below: finished on the main thread, not by a worker.
  await writeFile(path.join(source, "segmented.bin"), randomBytes(300_000));
  setXattr(path.join(source, "segmented.bin"), "user.segmented", "yes");
  await writeFile(path.join(source, "acl.txt"), "for user 1234 to read\n");
  setXattr(path.join(source, "acl.txt"), "system.posix_acl_access", fileAcl);
  setXattr(path.join(source, "dir"), "user.dir", "a directory");
  setXattr(path.join(source, "dir"), "system.posix_acl_default", defaultAcl);
  await writeFile(path.join(source, "dir", "inner", "child.txt"), "made before dir had a default ACL\n");
  await writeFile(path.join(source, "dir", "direct.txt"), "inherits dir's default ACL\n");
  await symlink("../tagged.txt", path.join(source, "dir", "link"));
  if (isRoot()) {
    setXattr(path.join(source, "tagged.txt"), "trusted.govdr", "root only");
    // user.* is not allowed on a symlink; trusted.* is.
    setXattr(path.join(source, "dir", "link"), "trusted.link", "on the link itself");
  }
  const backend = new LocalBackend(path.join(work, "repo"));
  await Repository.init(backend, localKeyWrapper(secret), {
    suite: "aes-256-gcm",
    chunkSizes: { min: 16 << 10, avg: 64 << 10, max: 256 << 10 },
  });
  openRepository = () => Repository.open(backend, localKeyWrapper(secret));
  snapshot = await backup(await openRepository(), [{ kind: "path", path: source }], {
    type: "full",
    workers: 2,
  });
  if (isRoot()) {
    const mountPoint = path.join(work, "ramfs");
    await mkdir(mountPoint);
    try {
      execFileSync("mount", ["-t", "ramfs", "ramfs", mountPoint], { stdio: "ignore" });
      ramfs = mountPoint;
    } catch {
      // Not allowed here (an unprivileged container): the refusal tests use a replaced addon only.
    }
  }
}, 60_000);
afterAll(async () => {
  replaceXattrAddonForTests(undefined);
  if (ramfs) execFileSync("umount", [ramfs]);
  await rm(work, { recursive: true, force: true });
});

describe("extended attributes and POSIX ACLs (D-55)", () => {
  it("records them sorted by name, and leaves entries without any as they were", async () => {
    const entries = await entriesOf(await openRepository(), snapshot);
    expect(entries.get("source/tagged.txt")?.xattrs?.map((x) => x.name)).toEqual([
      ...(isRoot() ? ["trusted.govdr"] : []),
      "user.binary",
      "user.comment",
      "user.empty",
    ]);
    expect(entries.get("source/tagged.txt")?.xattrs?.find((x) => x.name === "user.binary")?.value).toBe(
      Buffer.from([0, 1, 2, 255, 0]).toString("base64"),
    );
    expect(entries.get("source/acl.txt")?.xattrs).toEqual([
      { name: "system.posix_acl_access", value: fileAcl.toString("base64") },
    ]);
    // No key at all: the tree line of such an entry is what earlier versions wrote.
    expect(Object.keys(entries.get("source/plain.txt") as TreeEntry)).not.toContain("xattrs");
    expect(Object.keys(entries.get("source/dir/inner") as TreeEntry)).not.toContain("xattrs");
  });

  it("restores them on files, directories, symlinks (root), large values and segmented files", async () => {
    const target = path.join(work, "restored");
    const result = await restoreToDirectory(await openRepository(), snapshot, target, {
      workers: 2,
      segmentBytes: 64 << 10,
    });
    expect(result.xattrsRefused).toEqual([]);
    expect(await describeTree(path.join(target, "source"))).toEqual(await describeTree(source));
    const entries = ["tagged.txt", "large-value.bin", "segmented.bin", "acl.txt", "plain.txt"];
    for (const entry of [
      ...entries,
      "dir",
      "dir/link",
      "dir/inner",
      "dir/inner/child.txt",
      "dir/direct.txt",
    ]) {
      expect(xattrsOf(path.join(target, "source", entry)), entry).toEqual(xattrsOf(path.join(source, entry)));
    }
    expect(xattrsOf(path.join(target, "source", "large-value.bin"))["user.large"]).toBe(
      largeValue.toString("base64"),
    );
    // The ACL's mask is the mode's group bits (r--): the ACL and the mode agree after the restore.
    expect((await lstat(path.join(target, "source", "acl.txt"))).mode & 0o070).toBe(0o040);
    // The default ACL is set after what is in the directory was created: dir/inner (made before
    // the source's directory had one) inherits nothing, dir/direct.txt has what it inherited then.
    expect(xattrsOf(path.join(target, "source", "dir", "inner"))).toEqual({});
    expect(Object.keys(xattrsOf(path.join(target, "source", "dir", "direct.txt")))).toEqual([
      "system.posix_acl_access",
    ]);
  });

  it("leaves them out with xattrs: false (--no-xattrs)", async () => {
    const target = path.join(work, "without");
    const result = await restoreToDirectory(await openRepository(), snapshot, target, { xattrs: false });
    expect(result.xattrsRefused).toEqual([]);
    expect(xattrsOf(path.join(target, "source", "tagged.txt"))).toEqual({});
    expect(xattrsOf(path.join(target, "source", "dir"))).toEqual({});
  });

  it("reads them again for a file an incremental backup does not read (a change moves no mtime)", async () => {
    const file = path.join(source, "tagged.txt");
    const { mtimeMs } = await lstat(file);
    setXattr(file, "user.comment", "changed");
    expect((await lstat(file)).mtimeMs).toBe(mtimeMs);
    const repository = await openRepository();
    const next = await backup(repository, [{ kind: "path", path: source }], {
      type: "incremental",
      workers: 2,
    });
    expect(next.stats.readBytes).toBeLessThan(snapshot.stats.readBytes);
    const comment = (await entriesOf(repository, next))
      .get("source/tagged.txt")
      ?.xattrs?.find((x) => x.name === "user.comment");
    expect(Buffer.from(comment?.value ?? "", "base64").toString()).toBe("changed");
    setXattr(file, "user.comment", "政务 data");
  });

  it("without the addon: a backup says so once and records none; a restore names what it could not set", async () => {
    useXattrAddon({ unavailable: "simulated: no addon on this host" });
    try {
      const warnings: string[] = [];
      const repository = await openRepository();
      const without = await backup(repository, [{ kind: "path", path: source }], {
        type: "full",
        workers: 2,
        onWarning: (warning) => warnings.push(warning),
      });
      expect(warnings).toEqual([
        "extended attributes and ACLs are not backed up: simulated: no addon on this host",
      ]);
      expect([...(await entriesOf(repository, without)).values()].some((e) => e.xattrs)).toBe(false);
      // A snapshot without the field (as every snapshot before D-55) restores as before.
      const plain = path.join(work, "plain-restore");
      const restoredPlain = await restoreToDirectory(repository, without, plain, { workers: 2 });
      expect(restoredPlain.xattrsRefused).toEqual([]);
      expect(await describeTree(path.join(plain, "source"))).toEqual(await describeTree(source));

      const target = path.join(work, "no-addon");
      const result = await restoreToDirectory(repository, snapshot, target, {
        workers: 2,
        segmentBytes: 64 << 10,
      });
      expect(result.xattrsRefused.map((r) => r.path).sort()).toEqual(
        [
          "source/acl.txt",
          "source/dir",
          "source/dir/direct.txt",
          "source/large-value.bin",
          "source/segmented.bin",
          "source/tagged.txt",
          ...(isRoot() ? ["source/dir/link"] : []),
        ].sort(),
      );
      expect(result.xattrsRefused[0]?.reason).toBe("simulated: no addon on this host");
      expect(await describeTree(path.join(target, "source"))).toEqual(await describeTree(source));
    } finally {
      replaceXattrAddonForTests(undefined);
    }
  });

  it("reports per entry what a file system that refuses them (ramfs) did not take, and restores the rest", async (context) => {
    if (!ramfs) context.skip();
    const target = path.join(ramfs as string, "restore");
    const result = await restoreToDirectory(await openRepository(), snapshot, target, { workers: 2 });
    const tagged = result.xattrsRefused.find((r) => r.path === "source/tagged.txt");
    expect(tagged?.reason).toBe("the file system does not support them (EOPNOTSUPP)");
    expect(tagged?.names).toContain("user.comment");
    expect(result.xattrsRefused.map((r) => r.path)).toContain("source/dir");
    expect(result.xattrsRefused.map((r) => r.path)).not.toContain("source/plain.txt");
    expect(await describeTree(path.join(target, "source"))).toEqual(await describeTree(source));
  });

  it("the agent exits 5 naming each entry a file system refused them for, and 0 with --no-xattrs", async (context) => {
    if (!ramfs) context.skip();
    const env = { ...process.env, GOVDR_REPO_KEY: secret };
    const repo = path.join(work, "repo");
    const refused = await runAgent(
      ["restore", snapshot.id, "--repo", repo, "--target", path.join(ramfs as string, "cli")],
      env,
    );
    expect(refused.code, refused.stderr).toBe(5);
    expect(refused.stderr).toContain(
      "govdr: extended attributes not restored: source/acl.txt: system.posix_acl_access (the file system does not support them (EOPNOTSUPP))",
    );
    expect(refused.stderr).toContain("pass --no-xattrs");
    const skipped = await runAgent(
      [
        "restore",
        snapshot.id,
        "--repo",
        repo,
        "--target",
        path.join(ramfs as string, "cli-no-xattrs"),
        "--no-xattrs",
      ],
      env,
    );
    expect(skipped.code, skipped.stderr).toBe(0);
  }, 120_000);

  it("the agent's diff shows a change of extended attributes alone", async () => {
    const env = { ...process.env, GOVDR_REPO_KEY: secret };
    const repo = path.join(work, "repo");
    const file = path.join(source, "plain.txt");
    setXattr(file, "user.new", "1");
    const repository = await openRepository();
    const next = await backup(repository, [{ kind: "path", path: source }], {
      type: "incremental",
      workers: 2,
    });
    addon.set(file, "user.new", Buffer.alloc(0));
    const diff = await runAgent(["diff", snapshot.id, next.id, "--repo", repo], env);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain("M source/plain.txt");
  }, 120_000);
});
