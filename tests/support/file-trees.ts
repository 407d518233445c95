import { randomBytes } from "node:crypto";
import {
  chmod,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import path from "node:path";

/** Writes a tree with files of many sizes, an empty directory, a symlink, odd modes and old mtimes. */
export async function writeSampleTree(root: string, sizes = [0, 1, 100, 4096, 70_000, 300_000]) {
  await mkdir(path.join(root, "docs", "empty"), { recursive: true });
  await mkdir(path.join(root, "data", "nested"), { recursive: true });
  for (const [i, size] of sizes.entries()) {
    await writeFile(path.join(root, "data", `file-${i}.bin`), randomBytes(size));
  }
  await writeFile(path.join(root, "data", "nested", "证照.txt"), "政务数据\n".repeat(1000));
  await writeFile(path.join(root, "docs", "readme.md"), "# readme\n");
  await chmod(path.join(root, "docs", "readme.md"), 0o640);
  await utimes(path.join(root, "docs", "readme.md"), 1_600_000_000, 1_600_000_000.123);
  await symlink("../data/file-3.bin", path.join(root, "docs", "link"));
}

/** Everything a restore must preserve, per relative path: type, bytes, link target, mode, mtime (ms). */
export async function describeTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string) => {
    for (const name of (await readdir(dir)).sort()) {
      const file = path.join(dir, name);
      const rel = path.relative(root, file);
      const info = await lstat(file);
      const mode = (info.mode & 0o7777).toString(8);
      if (info.isSymbolicLink()) out[rel] = `link ${await readlink(file)}`;
      else if (info.isDirectory()) {
        out[rel] = `dir ${mode} ${Math.floor(info.mtimeMs)}`;
        await walk(file);
      } else {
        const bytes = await readFile(file);
        out[rel] = `file ${mode} ${Math.floor(info.mtimeMs)} ${bytes.toString("base64")}`;
      }
    }
  };
  await walk(root);
  return out;
}
