import { constants, copyFileSync, linkSync, rmSync } from "node:fs";
import { setFileMetadata } from "./file-metadata.ts";
import { mtimeSeconds, type TreeEntry } from "./tree.ts";

/** The first name of a hard-linked file that a restore writes, and what became of it. */
interface FirstName {
  file: string;
  entry: TreeEntry;
  damage?: string;
}

interface LaterName {
  file: string;
  entry: TreeEntry;
  first: FirstName;
}

/** Why link(2) fails where a copy would do: another file system, no hard links there, too many. */
const linkRefusals = new Set(["EXDEV", "EPERM", "EMLINK", "ENOTSUP", "EOPNOTSUPP"]);

/**
 * The names a snapshot recorded for one file (hard links: a link count above 1 and the same device
 * and inode, D-30). A restore writes the first name of each file it meets and links the later ones
 * to it once every file is written. Only entries recorded with a link count are kept, so memory
 * grows with the hard-linked files restored, not with all files.
 */
export class HardLinks {
  private readonly firsts = new Map<string, FirstName>();
  private readonly later: LaterName[] = [];

  /**
   * Whether `entry` is a later name of a file this restore writes under an earlier one: it is then
   * linked by `linkLaterNames`, not written. Names of one inode that disagree on the file (an inode
   * reused while the backup ran) are restored as separate files.
   */
  isLaterName(file: string, entry: TreeEntry): boolean {
    if (entry.links === undefined || entry.inode === undefined) return false;
    const first = this.firsts.get(entry.inode);
    if (!first) {
      this.firsts.set(entry.inode, { file, entry });
      return false;
    }
    if (!sameFile(first.entry, entry)) return false;
    this.later.push({ file, entry, first });
    return true;
  }

  /** The first name `file` of `entry` could not be written: its later names cannot be linked either. */
  damaged(entry: TreeEntry, reason: string): void {
    const first = entry.inode === undefined ? undefined : this.firsts.get(entry.inode);
    if (first?.entry === entry) first.damage = reason;
  }

  /**
   * Links every later name to its first, replacing what is there when `overwrite`. Where the file
   * system refuses hard links the name gets a copy, with the entry's mode, mtime and `owner`.
   */
  linkLaterNames(options: {
    overwrite?: boolean;
    owner: (entry: TreeEntry) => { uid: number; gid: number } | undefined;
    linked: (entry: TreeEntry) => void;
    damaged: (entry: TreeEntry, reason: string) => void;
  }): void {
    for (const { file, entry, first } of this.later) {
      if (first.damage) {
        options.damaged(entry, first.damage);
        continue;
      }
      if (options.overwrite) rmSync(file, { force: true });
      try {
        linkSync(first.file, file);
      } catch (error) {
        if (!linkRefusals.has((error as NodeJS.ErrnoException).code ?? "")) throw error;
        copyFileSync(first.file, file, constants.COPYFILE_EXCL);
        setFileMetadata(file, {
          mode: entry.mode,
          mtime: mtimeSeconds(entry.mtimeNs),
          ...options.owner(entry),
        });
      }
      options.linked(entry);
    }
  }
}

function sameFile(a: TreeEntry, b: TreeEntry): boolean {
  return (
    a.size === b.size &&
    a.mtimeNs === b.mtimeNs &&
    a.mode === b.mode &&
    a.uid === b.uid &&
    a.gid === b.gid &&
    (a.chunks ?? []).join() === (b.chunks ?? []).join()
  );
}
