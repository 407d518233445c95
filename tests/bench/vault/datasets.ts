import { randomBytes } from "node:crypto";
import { mkdir, open, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** The data sets of issue 4's benchmark, generated fresh for each run (random, so nothing compresses). */
export interface Dataset {
  name: string;
  root: string;
  files: number;
  bytes: number;
  /** Changes 1% of the data in a copy of the data set: the second backup's input. */
  change(copy: string): Promise<void>;
}

export async function smallFiles(root: string, count = 20_000, size = 4096): Promise<Dataset> {
  await rm(root, { recursive: true, force: true });
  const perDirectory = 100;
  for (let d = 0; d < count / perDirectory; d++) {
    const dir = path.join(root, `d${String(d).padStart(3, "0")}`);
    await mkdir(dir, { recursive: true });
    const block = randomBytes(size * perDirectory);
    await Promise.all(
      Array.from({ length: perDirectory }, (_, f) =>
        writeFile(
          path.join(dir, `f${String(f).padStart(3, "0")}.bin`),
          block.subarray(f * size, (f + 1) * size),
        ),
      ),
    );
  }
  return {
    name: `${count} files of ${size / 1024} KiB`,
    root,
    files: count,
    bytes: count * size,
    async change(copy) {
      // 1% of the files, spread over every directory, rewritten with new content.
      for (let i = 0; i < count / 100; i++) {
        const d = i % (count / perDirectory);
        const f = Math.floor(i / (count / perDirectory)) * 7;
        await writeFile(
          path.join(
            copy,
            `d${String(d).padStart(3, "0")}`,
            `f${String(f % perDirectory).padStart(3, "0")}.bin`,
          ),
          randomBytes(size),
        );
      }
    },
  };
}

export async function largeFiles(root: string, count = 8, size = 32 << 20): Promise<Dataset> {
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  for (let i = 0; i < count; i++) await writeFile(path.join(root, `large-${i}.bin`), randomBytes(size));
  return {
    name: `${count} files of ${size >> 20} MiB`,
    root,
    files: count,
    bytes: count * size,
    async change(copy) {
      // 1% of the bytes: one region of size/100 in the middle of each file, overwritten in place.
      for (let i = 0; i < count; i++) {
        const handle = await open(path.join(copy, `large-${i}.bin`), "r+");
        const region = Math.floor(size / 100);
        await handle.write(randomBytes(region), 0, region, size / 2);
        await handle.close();
      }
    },
  };
}
