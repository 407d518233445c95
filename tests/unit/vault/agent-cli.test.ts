import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import {
  chmod,
  chown,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  truncate,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pollUntil } from "../../../cli/poll.ts";
import { startAgent } from "../../support/agent-cli.ts";
import { describeTree, isRoot, writeSampleTree } from "../../support/file-trees.ts";

const env = { ...process.env, GOVDR_REPO_KEY: "agent-cli-test-secret-2026" };
const setpriv = "/usr/bin/setpriv";
let work: string;

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-agent-"));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const start = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => startAgent(args, { ...env, ...extraEnv });
const run = (args: string[], extraEnv?: NodeJS.ProcessEnv) => start(args, extraEnv).output;

async function packCount(repo: string) {
  try {
    const names = await readdir(path.join(repo, "packs"), { recursive: true });
    return names.filter((name) => /[0-9a-f]{64}$/.test(name)).length;
  } catch {
    return 0;
  }
}

describe("govdr agent CLI", () => {
  it("backs up a tree and restores latest and --at byte for byte (the issue's check), and with --no-owners as the restorer's", async () => {
    const source = path.join(work, "tree");
    const repo = path.join(work, "vault");
    await writeSampleTree(source);
    const first = await run(["backup", source, "--repo", repo]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^created repository/);
    const before = await describeTree(source);
    const between = new Date().toISOString();
    await writeFile(path.join(source, "data", "file-1.bin"), "changed later");
    expect((await run(["backup", source, "--repo", repo])).code).toBe(0);

    const latest = await run([
      "restore",
      "latest",
      "--repo",
      repo,
      "--target",
      path.join(work, "latest"),
      "--workers",
      "1",
    ]);
    const earlier = await run([
      "restore",
      "latest",
      "--repo",
      repo,
      "--at",
      between,
      "--target",
      path.join(work, "earlier"),
    ]);

    expect(latest.code, latest.stderr).toBe(0);
    expect(await describeTree(path.join(work, "latest", "tree"))).toEqual(await describeTree(source));
    expect(earlier.code, earlier.stderr).toBe(0);
    expect(await describeTree(path.join(work, "earlier", "tree"))).toEqual(before);

    const mine = await run([
      "restore",
      "latest",
      "--repo",
      repo,
      "--target",
      path.join(work, "mine"),
      "--no-owners",
    ]);
    expect(mine.code, mine.stderr).toBe(0);
    const readme = await stat(path.join(work, "mine", "tree", "docs", "readme.md"));
    expect(`${readme.uid}:${readme.gid}`).toBe(`${process.geteuid?.()}:${process.getegid?.()}`);
  }, 60_000);

  // Root without CAP_CHOWN (setpriv drops it) stands for any restorer the file system refuses owners to.
  it.runIf(isRoot() && existsSync(setpriv))(
    "stops a restore whose owners are refused with exit 5, naming the file and --no-owners, from a worker and for a segmented file; --no-owners restores",
    async () => {
      const source = path.join(work, "tree");
      const repo = path.join(work, "vault");
      await writeSampleTree(source);
      const huge = path.join(source, "huge.bin");
      await writeFile(huge, "");
      // Zeros beyond the 64 MiB a restore writes as segments from the main thread; sparse, so cheap.
      await truncate(huge, 65 * 2 ** 20);
      await chown(huge, 1500, 1600);
      expect((await run(["backup", source, "--repo", repo])).code).toBe(0);
      const withoutChown = (args: string[]) =>
        startAgent(["restore", "latest", "--repo", repo, ...args], env, undefined, [
          setpriv,
          "--inh-caps=-chown",
          "--bounding-set=-chown",
        ]).output;

      const small = await withoutChown(["--path", "tree/data", "--target", path.join(work, "small")]);
      const segmented = await withoutChown(["--path", "tree/huge.bin", "--target", path.join(work, "huge")]);
      const asRestorer = await withoutChown(["--target", path.join(work, "mine"), "--no-owners"]);

      expect(small.code, small.stderr).toBe(5);
      expect(small.stderr).toContain(
        `${path.join(work, "small", "tree", "data", "file-5.bin")} cannot be given its owner 1500:1600 (EPERM)`,
      );
      expect(small.stderr).toMatch(/hint: .*--no-owners/);
      expect(segmented.code, segmented.stderr).toBe(5);
      expect(segmented.stderr).toContain(
        `${path.join(work, "huge", "tree", "huge.bin")} cannot be given its owner 1500:1600 (EPERM)`,
      );
      expect(asRestorer.code, asRestorer.stderr).toBe(0);
      const restored = await stat(path.join(work, "mine", "tree", "huge.bin"));
      expect([restored.size, restored.uid, restored.gid]).toEqual([65 * 2 ** 20, 0, 0]);
    },
    60_000,
  );

  it("answers wrong keys, missing snapshots and occupied targets with clear errors and exit codes", async () => {
    const repo = path.join(work, "vault");
    await writeSampleTree(path.join(work, "tree"));
    await run(["backup", path.join(work, "tree"), "--repo", repo]);

    const wrongKey = await run(["snapshots", "--repo", repo], {
      GOVDR_REPO_KEY: "not the key of this repository",
    });
    const noKey = await run(["snapshots", "--repo", repo], { GOVDR_REPO_KEY: "" });
    const noSnapshot = await run([
      "restore",
      "latest",
      "--repo",
      repo,
      "--at",
      "2000-01-01T00:00:00Z",
      "--target",
      work,
    ]);
    const occupied = await run(["restore", "latest", "--repo", repo, "--target", work]);
    const noRepo = await run(["snapshots", "--repo", path.join(work, "nothing")]);
    const noWorkers = await run(["backup", path.join(work, "tree"), "--repo", repo, "--workers", "0"]);
    const aFile = path.join(work, "tree", "data", "file-1.bin");
    const fileTarget = await run(["restore", "latest", "--repo", repo, "--target", aFile]);
    const belowFile = await run(["restore", "latest", "--repo", repo, "--target", path.join(aFile, "below")]);
    const dirInTheWay = path.join(work, "dir-in-the-way");
    await mkdir(path.join(dirInTheWay, "tree", "data", "file-1.bin"), { recursive: true });
    const overwriteDirectory = await run([
      "restore",
      "latest",
      "--repo",
      repo,
      "--target",
      dirInTheWay,
      "--overwrite",
    ]);
    const fileInTheWay = path.join(work, "file-in-the-way");
    await mkdir(path.join(fileInTheWay, "tree"), { recursive: true });
    await writeFile(path.join(fileInTheWay, "tree", "docs"), "not a directory");
    const fileForDirectory = await run([
      "restore",
      "latest",
      "--repo",
      repo,
      "--target",
      fileInTheWay,
      "--overwrite",
    ]);
    const missingKeyFile = await run([
      "snapshots",
      "--repo",
      repo,
      "--key-file",
      path.join(work, "no-such-key"),
    ]);
    const deviceSource = await run(["backup", "/dev/null", "--repo", repo]);

    const packs = (await readdir(path.join(repo, "packs"), { recursive: true, withFileTypes: true })).filter(
      (f) => f.isFile(),
    );
    for (const pack of packs) {
      const file = path.join(pack.parentPath, pack.name);
      await chmod(file, 0o644);
      const bytes = await readFile(file);
      bytes[20] = (bytes[20] ?? 0) ^ 0xff;
      await writeFile(file, bytes);
    }
    const damaged = await run(["restore", "latest", "--repo", repo, "--target", path.join(work, "damaged")]);

    expect([wrongKey.code, noKey.code, noSnapshot.code, occupied.code, noRepo.code, noWorkers.code]).toEqual([
      3, 3, 5, 5, 3, 2,
    ]);
    expect(damaged.code, damaged.stderr).toBe(4);
    expect(damaged.stderr).toMatch(/integrity check failed/);
    expect(wrongKey.stderr).toContain("The key does not open this repository");
    expect(occupied.stderr).toMatch(/exists; restore elsewhere or pass --overwrite/);
    expect([fileTarget.code, belowFile.code]).toEqual([5, 5]);
    expect(fileTarget.stderr).toContain(`The target ${aFile} is not a directory`);
    expect(belowFile.stderr).toContain(`cannot be created: ${aFile} is not a directory`);
    expect([overwriteDirectory.code, fileForDirectory.code, missingKeyFile.code]).toEqual([5, 5, 3]);
    expect(overwriteDirectory.stderr).toContain("is a directory where the snapshot has a file");
    expect(fileForDirectory.stderr).toContain(`${path.join(fileInTheWay, "tree", "docs")} is in the way`);
    expect(missingKeyFile.stderr).toContain("Cannot read the key file");
    expect(deviceSource.code).toBe(5);
    expect(deviceSource.stderr).toContain("The source /dev/null is not a file, directory or symlink");
    // Refused before anything was written.
    expect(await readdir(path.join(dirInTheWay, "tree"))).toEqual(["data"]);
    expect(await readdir(path.join(fileInTheWay, "tree"))).toEqual(["docs"]);
  }, 60_000);

  it("writes a generated key file (mode 0600, never replaced) that backs up and restores, and a passphrase does not open its repository", async () => {
    const keyFile = path.join(work, "repo.key");
    const repo = path.join(work, "vault");
    await writeSampleTree(path.join(work, "tree"));

    const generated = await run(["key", "generate", keyFile]);
    const key = await readFile(keyFile, "utf8");
    const again = await run(["key", "generate", keyFile]);
    const backedUp = await run(["backup", path.join(work, "tree"), "--repo", repo, "--key-file", keyFile]);
    const restored = await run([
      "restore",
      "latest",
      "--repo",
      repo,
      "--key-file",
      keyFile,
      "--target",
      path.join(work, "out"),
    ]);
    const withPassphrase = await run(["snapshots", "--repo", repo]);

    expect(generated.code, generated.stderr).toBe(0);
    expect(generated.stdout).toContain(`wrote a new repository key to ${keyFile}`);
    expect(key).toMatch(/^govdr-key-v1:[A-Za-z0-9_-]{43}\n$/);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect(again.code).toBe(5);
    expect(again.stderr).toContain("it exists (a key is never overwritten)");
    expect(await readFile(keyFile, "utf8")).toBe(key);
    expect([backedUp.code, restored.code], restored.stderr).toEqual([0, 0]);
    expect(await describeTree(path.join(work, "out", "tree"))).toEqual(
      await describeTree(path.join(work, "tree")),
    );
    expect(withPassphrase.code).toBe(3);
    expect(withPassphrase.stderr).toContain("opened with a generated key file");
  }, 60_000);

  it("reports a missing, unreadable or changed config or key file as damage (exit 4), not as a crash", async () => {
    const repo = path.join(work, "vault");
    expect((await run(["init", "--repo", repo])).code).toBe(0);
    const config = path.join(repo, "config");
    const key = path.join(repo, "keys", "master");
    const original = { config: await readFile(config, "utf8"), key: await readFile(key, "utf8") };
    const damageAndOpen = async (file: string, contents: string | undefined) => {
      await chmod(file, 0o644);
      if (contents === undefined) await rm(file);
      else await writeFile(file, contents);
      const answer = await run(["snapshots", "--repo", repo]);
      await writeFile(file, file === config ? original.config : original.key);
      return answer;
    };

    const changedVersion = await damageAndOpen(config, original.config.replace('"version":1', '"version":2'));
    const notJson = await damageAndOpen(config, original.config.slice(0, 40));
    const noKeyFile = await damageAndOpen(key, undefined);
    const afterRepair = await run(["snapshots", "--repo", repo]);

    expect([changedVersion.code, notJson.code, noKeyFile.code]).toEqual([4, 4, 4]);
    expect(changedVersion.stderr).toContain(`${repo} is damaged: its config does not hold what govdr wrote`);
    expect(changedVersion.stderr).toContain("version: Invalid input: expected 1");
    expect(notJson.stderr).toContain("its config is not JSON");
    expect(noKeyFile.stderr).toContain("its keys/master is missing");
    for (const answer of [changedVersion, notJson, noKeyFile])
      expect(answer.stderr).not.toMatch(/unexpected/);
    expect(afterRepair.code, afterRepair.stderr).toBe(0);
  }, 60_000);

  it("reports a missing pack as damage (exit 4): the files it held are named and left out, a missing listing stops the restore", async () => {
    const source = path.join(work, "tree");
    const repo = path.join(work, "vault");
    await writeSampleTree(source);
    await run(["backup", source, "--repo", repo]);
    const packs = await Promise.all(
      (await readdir(path.join(repo, "packs"), { recursive: true, withFileTypes: true }))
        .filter((f) => f.isFile())
        .map(async (f) => {
          const file = path.join(f.parentPath, f.name);
          return { file, size: (await readFile(file)).length };
        }),
    );
    const largest = packs.sort((a, b) => b.size - a.size)[0]?.file as string;

    await rm(largest);
    const noData = await run(["restore", "latest", "--repo", repo, "--target", path.join(work, "out-1")]);
    for (const { file } of packs) await rm(file, { force: true });
    const noListing = await run(["restore", "latest", "--repo", repo, "--target", path.join(work, "out-2")]);

    expect([noData.code, noListing.code]).toEqual([4, 4]);
    expect(noData.stderr).toMatch(/not restored: tree\/\S+: pack [0-9a-f]{64} is missing \(it holds chunk/);
    expect(noData.stderr).toMatch(/integrity check failed: \d+ files could not be restored/);
    expect(noListing.stderr).toMatch(/integrity check failed: packs\/\S+ is missing from/);
  }, 60_000);

  it("lists and restores the good snapshots beside a damaged manifest, warning and exiting 4 for it", async () => {
    const source = path.join(work, "tree");
    const repo = path.join(work, "vault");
    await writeSampleTree(source);
    await run(["backup", source, "--repo", repo]);
    await writeFile(path.join(source, "data", "file-1.bin"), "second version");
    await run(["backup", source, "--repo", repo]);
    const [older] = (await readdir(path.join(repo, "snapshots"))).sort();
    const damaged = path.join(repo, "snapshots", older as string);
    await chmod(damaged, 0o644);
    await writeFile(damaged, "not a sealed manifest");

    const listed = await run(["snapshots", "--repo", repo]);
    const restored = await run(["restore", "latest", "--repo", repo, "--target", path.join(work, "out")]);

    expect(listed.code).toBe(4);
    expect(listed.stdout.trim().split("\n")).toHaveLength(1);
    expect(listed.stderr).toContain(`govdr: warning: snapshots/${older} is damaged`);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await describeTree(path.join(work, "out", "tree"))).toEqual(await describeTree(source));
  }, 60_000);

  it("survives being killed mid-backup: no partial snapshot, the re-run reuses the packs, verify passes", async () => {
    const source = path.join(work, "big");
    const repo = path.join(work, "vault");
    await mkdir(source, { recursive: true });
    for (let i = 0; i < 12; i++) await writeFile(path.join(source, `part-${i}.bin`), randomBytes(8 << 20));
    expect((await run(["init", "--repo", repo])).code).toBe(0);

    const doomed = start(["backup", source, "--repo", repo]);
    await pollUntil(async () => ((await packCount(repo)) >= 2 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 20,
      what: "the first packs of the backup",
    });
    doomed.kill("SIGKILL");
    await doomed.output;

    const listed = await run(["snapshots", "--repo", repo, "--json"]);
    expect(JSON.parse(listed.stdout)).toEqual([]);
    const rerun = await run(["backup", source, "--repo", repo]);
    expect(rerun.code, rerun.stderr).toBe(0);
    const [, added] = /added ([\d.]+) MiB/.exec(rerun.stdout) ?? [];
    expect(Number(added)).toBeLessThan(96 - 16);
    const verified = await run(["verify", "--repo", repo, "--read-data"]);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toMatch(/1 snapshots, .* no problems/);
  }, 120_000);
});
