import type { TreeEntry } from "./tree.ts";

/** What `lstat`/`fstat` with `{ bigint: true }` tell about an entry (mtime to the nanosecond). */
export interface EntryStats {
  mode: bigint;
  mtimeNs: bigint;
  size: bigint;
  dev: bigint;
  ino: bigint;
  uid: bigint;
  gid: bigint;
  nlink: bigint;
  /** 512-byte blocks allocated. */
  blocks: bigint;
}

export function entryBase(relative: string, type: TreeEntry["type"], info: EntryStats): TreeEntry {
  const entry: TreeEntry = {
    path: relative,
    type,
    mode: Number(info.mode & 0o7777n),
    mtimeNs: info.mtimeNs.toString(),
    size: type === "file" ? Number(info.size) : 0,
    inode: `${info.dev}:${info.ino}`,
    uid: Number(info.uid),
    gid: Number(info.gid),
  };
  if (type !== "file") return entry;
  // Other names (hard links): a restore gives the names of one inode one file again (D-30).
  if (info.nlink > 1n) entry.links = Number(info.nlink);
  // Fewer blocks than bytes: holes, which a restore gives back for the zeros it meets (D-31).
  if (info.blocks * 512n < info.size) entry.sparse = true;
  return entry;
}

/** A file's entry in the parent snapshot, packed for a worker: `size mtimeNs inode chunk,chunk,…`. */
export const knownFile = (entry: TreeEntry) =>
  `${entry.size} ${entry.mtimeNs} ${entry.inode ?? ""} ${(entry.chunks ?? []).join(",")}`;

/**
 * The chunks the parent snapshot recorded for a file (`known`, see knownFile) when its size, mtime
 * and inode are still the same, so it need not be read again; undefined when any changed.
 */
export function unchangedChunks(known: string, current: TreeEntry): string[] | undefined {
  const [size, mtimeNs, inode, chunks] = known.split(" ");
  if (Number(size) !== current.size || mtimeNs !== current.mtimeNs || inode !== (current.inode ?? "")) {
    return undefined;
  }
  return chunks ? chunks.split(",") : [];
}
