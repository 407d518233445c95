import type { TreeEntry } from "./tree.ts";

/** What `lstat`/`fstat` with `{ bigint: true }` tell about an entry (mtime to the nanosecond). */
export interface EntryStats {
  mode: bigint;
  mtimeNs: bigint;
  size: bigint;
  dev: bigint;
  ino: bigint;
}

export function entryBase(relative: string, type: TreeEntry["type"], info: EntryStats): TreeEntry {
  return {
    path: relative,
    type,
    mode: Number(info.mode & 0o7777n),
    mtimeNs: info.mtimeNs.toString(),
    size: type === "file" ? Number(info.size) : 0,
    inode: `${info.dev}:${info.ino}`,
  };
}
