import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, open, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalBackend } from "../../../shared/vault/backends/local.ts";
import { backup } from "../../../shared/vault/backup.ts";
import { localKeyWrapper } from "../../../shared/vault/key-wrapper.ts";
import { Repository } from "../../../shared/vault/repository.ts";
import { restoreToDirectory } from "../../../shared/vault/restore.ts";
import type { Snapshot } from "../../../shared/vault/snapshot.ts";
import { readTree } from "../../../shared/vault/tree.ts";
import { describeTree } from "../../support/file-trees.ts";

const MiB = 1 << 20;
const secret = "holes stay holes, zeros stay zeros";
let work: string;
let source: string;
let openRepository: () => Promise<Repository>;
let snapshot: Snapshot;

/** A file of `size` bytes holding random data only at `extents` (offset, length); the rest holes. */
async function writeSparse(file: string, size: number, extents: [number, number][]) {
  const handle = await open(file, "w");
  try {
    await handle.truncate(size);
    for (const [offset, length] of extents) await handle.write(randomBytes(length), 0, length, offset);
  } finally {
    await handle.close();
  }
}

const allocated = async (file: string) => {
  const info = await stat(file);
  return { size: info.size, allocated: info.blocks * 512 };
};

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-sparse-"));
  source = path.join(work, "source");
  await mkdir(source);
  // Data in two places and a hole at the end, as a VM image or a database file may have.
  await writeSparse(path.join(source, "image.bin"), 6 * MiB, [
    [MiB, 200_000],
    [3 * MiB, 200_000],
  ]);
  await writeSparse(path.join(source, "hole-first.bin"), 3 * MiB, [[2 * MiB + 5, 70_000]]);
  // Zeros written out, as a preallocated file (a swap file must have no holes).
  await writeFile(path.join(source, "zeros.bin"), Buffer.alloc(2 * MiB));
  const backend = new LocalBackend(path.join(work, "repo"));
  await Repository.init(backend, localKeyWrapper(secret), {
    suite: "aes-256-gcm",
    chunkSizes: { min: 16 << 10, avg: 64 << 10, max: 256 << 10 },
  });
  openRepository = () => Repository.open(backend, localKeyWrapper(secret));
  snapshot = await backup(await openRepository(), [{ kind: "path", path: source }], { type: "full" });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("sparse files (D-31)", () => {
  it("records which files were sparse", async () => {
    const sparse = new Map<string, boolean | undefined>();
    for await (const entry of readTree(await openRepository(), snapshot.tree))
      sparse.set(entry.path, entry.sparse);

    expect(Object.fromEntries(sparse)).toEqual({
      source: undefined,
      "source/hole-first.bin": true,
      "source/image.bin": true,
      "source/zeros.bin": undefined,
    });
  });

  it.each([
    ["each file by one worker", undefined],
    ["in segments by several workers", 512 << 10],
  ])(
    "gives a sparse file back its holes, a dense one its zeros, byte for byte (%s)",
    async (_, segmentBytes) => {
      const target = path.join(work, `out-${segmentBytes ?? "whole"}`);

      await restoreToDirectory(await openRepository(), snapshot, target, { segmentBytes });

      const restored = path.join(target, "source");
      expect(await describeTree(restored)).toEqual(await describeTree(source));
      const image = await allocated(path.join(restored, "image.bin"));
      expect(image.size).toBe(6 * MiB);
      // The 400 KB of data, and the zeros sharing its chunks (up to 256 KiB each side of each run).
      expect(image.allocated).toBeLessThan(2 * MiB);
      const holeFirst = await allocated(path.join(restored, "hole-first.bin"));
      expect(holeFirst.size).toBe(3 * MiB);
      expect(holeFirst.allocated).toBeLessThan(MiB);
      const zeros = await allocated(path.join(restored, "zeros.bin"));
      expect(zeros.allocated).toBeGreaterThanOrEqual(2 * MiB);
    },
  );
});
