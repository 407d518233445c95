import type { TreeEntry } from "./tree.ts";

/**
 * Orders snapshot paths as a backup walks them: sources in the order given, then depth first with
 * each directory's children sorted by name (UTF-16 code units). Within a source this is a
 * comparison of path components, which is the plain string order with `/` below every other
 * character (`a/b` comes before `a.txt`, a directory's entries before its next sibling's).
 */
export function walkOrder(sources: readonly string[]): (a: string, b: string) => number {
  const rank = (path: string) => sources.indexOf(path.split("/", 1)[0] as string);
  const slash = 0x2f;
  return (a, b) => {
    const length = Math.min(a.length, b.length);
    let sameSource = true;
    let i = 0;
    for (; i < length && a.charCodeAt(i) === b.charCodeAt(i); i++) {
      if (a.charCodeAt(i) === slash) sameSource = false;
    }
    // Only paths of different sources are ranked (rarely): the first components differ.
    const longer = a.length > b.length ? a : b;
    if (sameSource && (i < length || (a.length !== b.length && longer.charCodeAt(i) !== slash))) {
      const bySource = rank(a) - rank(b);
      if (bySource !== 0) return bySource;
    }
    if (i === length) return a.length - b.length;
    if (a.charCodeAt(i) === slash) return -1;
    if (b.charCodeAt(i) === slash) return 1;
    return a.charCodeAt(i) - b.charCodeAt(i);
  };
}

/**
 * The parent snapshot's entries, read alongside the walk rather than into memory first: its tree
 * is in walk order, so one pass over both finds each file's previous entry, in bounded memory,
 * and the walk starts without waiting for the whole tree. Ask for paths in walk order.
 */
export class ParentEntries {
  private readonly blobs: AsyncIterator<TreeEntry[]>;
  /** The entries of the tree blob being read, from `at` on; null after the last blob. */
  private entries: TreeEntry[] | null = [];
  private at = 0;
  private readonly compare: (a: string, b: string) => number;

  /** `blobs`: the parent's tree a blob at a time (readTreeBlobs). */
  constructor(blobs: AsyncIterable<TreeEntry[]>, sources: readonly string[]) {
    this.blobs = blobs[Symbol.asyncIterator]();
    this.compare = walkOrder(sources);
  }

  /** No parent: every file is new. */
  static none(): ParentEntries {
    return new ParentEntries((async function* () {})(), []);
  }

  /**
   * The parent's entry for the file at `path`, if it had a file there: a promise only when the next
   * tree blob must be read first.
   */
  file(path: string): TreeEntry | undefined | Promise<TreeEntry | undefined> {
    for (;;) {
      if (!this.entries) return undefined;
      if (this.at === this.entries.length) return this.nextBlob().then(() => this.file(path));
      const next = this.entries[this.at] as TreeEntry;
      const order = this.compare(next.path, path);
      if (order > 0) return undefined;
      if (order === 0) return next.type === "file" ? next : undefined;
      this.at += 1;
    }
  }

  private async nextBlob(): Promise<void> {
    const { done, value } = await this.blobs.next();
    this.entries = done ? null : value;
    this.at = 0;
  }
}
