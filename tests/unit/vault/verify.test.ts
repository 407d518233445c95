import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalBackend } from "../../../shared/vault/backends/local.ts";
import { backup } from "../../../shared/vault/backup.ts";
import { localKeyWrapper } from "../../../shared/vault/key-wrapper.ts";
import { objectNames } from "../../../shared/vault/object-names.ts";
import { Repository } from "../../../shared/vault/repository.ts";
import { restoreToDirectory } from "../../../shared/vault/restore.ts";
import { listSnapshots, type Snapshot } from "../../../shared/vault/snapshot.ts";
import { verifyRepository } from "../../../shared/vault/verify.ts";
import { describeTree, writeSampleTree } from "../../support/file-trees.ts";

const secret = "verify-secret-of-enough-length";
let work: string;
let repoDir: string;
const open = () =>
  Repository.open(new LocalBackend(repoDir), localKeyWrapper(secret), { packSize: 64 << 10 });

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-verify-"));
  repoDir = path.join(work, "repo");
  await Repository.init(new LocalBackend(repoDir), localKeyWrapper(secret), {
    suite: "aes-256-gcm",
    chunkSizes: { min: 16 << 10, avg: 64 << 10, max: 256 << 10 },
  });
  await writeSampleTree(path.join(work, "source"));
  await backup(await open(), [{ kind: "path", path: path.join(work, "source") }], { type: "full" });
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function objects(prefix: string) {
  const files = await readdir(path.join(repoDir, prefix), { recursive: true, withFileTypes: true });
  return files.filter((f) => f.isFile()).map((f) => path.join(f.parentPath, f.name));
}

/** A pack holding only file contents (no directory listings). */
async function firstPack() {
  const repository = await open();
  const treePacks = new Set(
    [...repository.indexedBlobs()].filter(([, l]) => l.type === "tree").map(([, l]) => l.pack),
  );
  const file = (await objects("packs")).find((f) => !treePacks.has(path.basename(f)));
  if (!file) throw new Error("no pack without directory listings");
  return file;
}

/**
 * Flips a byte inside the sealed bytes of a file's data blob (not the pack's header, which a small
 * pack could otherwise put at a fixed offset), so that exactly that blob fails to open.
 */
async function damageDataBlob() {
  const repository = await open();
  const [, location] =
    [...repository.indexedBlobs()].find(([, l]) => l.type === "data" && l.length > 40) ?? [];
  if (!location) throw new Error("no data blob");
  await flipByte(path.join(repoDir, objectNames.pack(location.pack)), location.offset + 20);
}

async function flipByte(file: string, at: number) {
  await chmod(file, 0o644);
  const bytes = await readFile(file);
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
  await writeFile(file, bytes);
}

describe("vault verify", () => {
  it("passes an intact repository in both modes", async () => {
    for (const mode of ["structure", "read-data"] as const) {
      const report = await verifyRepository(await open(), mode);
      expect(report).toMatchObject({ ok: true, mode, snapshots: 1, problems: [] });
      expect(report.packs).toBeGreaterThan(1);
    }
  });

  it("names the files a flipped byte in a pack hits (read-data)", async () => {
    await damageDataBlob();

    const report = await verifyRepository(await open(), "read-data");

    expect(report.ok).toBe(false);
    const damaged = report.problems.find((p) => p.kind === "damaged-blob");
    expect(damaged?.files.map((f) => f.path).length).toBeGreaterThan(0);
    expect(report.problems.some((p) => p.kind === "damaged-pack")).toBe(true);
  });

  it("names the files a missing pack hits (structure)", async () => {
    const file = await firstPack();
    await rm(file);

    const report = await verifyRepository(await open(), "structure");

    const missing = report.problems.find((p) => p.kind === "missing-pack");
    expect(missing?.files.length).toBeGreaterThan(0);
    expect(missing?.files.every((f) => f.path.startsWith("source"))).toBe(true);
  });

  it("reports a tampered manifest", async () => {
    const [manifest] = await objects("snapshots");
    await flipByte(manifest ?? "", 30);

    const report = await verifyRepository(await open(), "structure");

    expect(report.problems).toEqual([expect.objectContaining({ kind: "damaged-manifest" })]);
  });

  it("restores past a damaged pack every file whose data is intact, naming and leaving out the others", async () => {
    await damageDataBlob();
    const report = await verifyRepository(await open(), "read-data");
    const snapshot = (await listSnapshots(await open()))[0] as Snapshot;

    // Small segments, so large files are written by several jobs and the damage may hit one segment.
    const restored = await restoreToDirectory(await open(), snapshot, path.join(work, "out"), {
      segmentBytes: 64 << 10,
    });

    const hit = report.problems
      .filter((p) => p.kind === "damaged-blob")
      .flatMap((p) => p.files.map((f) => f.path));
    expect(hit.length).toBeGreaterThan(0);
    expect(restored.damaged.map((d) => d.path).sort()).toEqual([...new Set(hit)].sort());
    expect(restored.damaged.every((d) => d.reason.includes("authentication failed"))).toBe(true);
    const source = await describeTree(path.join(work, "source"));
    const out = await describeTree(path.join(work, "out", "source"));
    for (const [file, description] of Object.entries(source)) {
      if (hit.includes(`source/${file}`)) expect(out[file], file).toBeUndefined();
      else expect(out[file], file).toBe(description);
    }
  });

  it("reports a damaged index file, and opens, restores and re-indexes from the packs' own headers", async () => {
    const [index] = await objects("index");
    const expectedBlobs = (await verifyRepository(await open(), "structure")).blobs;
    await flipByte(index ?? "", 30);

    const repository = await open();
    const report = await verifyRepository(repository, "read-data");
    const snapshot = (await listSnapshots(repository))[0] as Snapshot;
    await restoreToDirectory(repository, snapshot, path.join(work, "out"));
    await backup(await open(), [{ kind: "path", path: path.join(work, "source") }], { type: "incremental" });

    expect(repository.damagedIndexes).toEqual([
      { name: `index/${path.basename(index ?? "")}`, damage: expect.any(String) },
    ]);
    expect(report.problems).toEqual([expect.objectContaining({ kind: "damaged-index", files: [] })]);
    expect(report.blobs).toBe(expectedBlobs);
    expect(await describeTree(path.join(work, "out", "source"))).toEqual(
      await describeTree(path.join(work, "source")),
    );
    // Once the damaged file is removed (possible on a local repository) the repository verifies clean.
    await rm(index ?? "");
    expect((await verifyRepository(await open(), "read-data")).ok).toBe(true);
  });
});
