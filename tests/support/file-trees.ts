import { randomBytes } from "node:crypto";
import {
  chmod,
  lchown,
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

/** Owners the sample tree gives some of its entries when it can (as root): not the writer's own. */
export const sampleOwners = {
  "docs/readme.md": { uid: 1234, gid: 2345 },
  "docs/empty": { uid: 4321, gid: 5432 },
  "docs/link": { uid: 2000, gid: 3000 },
  "data/file-5.bin": { uid: 1500, gid: 1600 },
};
export const isRoot = () => process.geteuid?.() === 0;

/**
 * Writes a tree with files of many sizes, an empty directory, a symlink, odd modes and old mtimes;
 * as root, some entries also belong to other users (`sampleOwners`).
 */
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
  if (!isRoot()) return;
  for (const [entry, { uid, gid }] of Object.entries(sampleOwners)) {
    const file = path.join(root, ...entry.split("/"));
    // lchown: the link itself, not what it points to; a file left out by `sizes` is skipped.
    if ((await lstat(file).catch(() => undefined)) !== undefined) await lchown(file, uid, gid);
  }
}

/**
 * Everything a restore must preserve, per relative path: type, owner, bytes, link target, mode, and
 * mtime to the microsecond (Node's file API sets no finer, see docs/agent.md).
 */
export async function describeTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string) => {
    for (const name of (await readdir(dir)).sort()) {
      const file = path.join(dir, name);
      const rel = path.relative(root, file);
      const info = await lstat(file, { bigint: true });
      const mode = (info.mode & 0o7777n).toString(8);
      const owner = `${info.uid}:${info.gid}`;
      const mtimeUs = info.mtimeNs / 1000n;
      if (info.isSymbolicLink()) out[rel] = `link ${owner} ${await readlink(file)}`;
      else if (info.isDirectory()) {
        out[rel] = `dir ${owner} ${mode} ${mtimeUs}`;
        await walk(file);
      } else {
        const bytes = await readFile(file);
        out[rel] = `file ${owner} ${mode} ${mtimeUs} ${bytes.toString("base64")}`;
      }
    }
  };
  await walk(root);
  return out;
}
