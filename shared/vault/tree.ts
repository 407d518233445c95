import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { gunzipSync, gzip } from "node:zlib";
import { z } from "zod";
import { isRecord, keysOf, onlyKeys } from "./plain-checks.ts";
import { inOrderAhead } from "./read-ahead.ts";
import type { Repository } from "./repository.ts";

/** A component that is empty, `.` or `..` (without splitting the path: this runs for every entry read). */
const badComponent = /(?:^|\/)\.{0,2}(?:\/|$)/;
/** A snapshot path: relative, `/`-separated, no empty, `.` or `..` component. */
export const validPath = (p: string) => !badComponent.test(p);
const digits = /^\d+$/;
/** uid_t and gid_t are 32 bits; (uid_t)-1 means "unchanged" to chown and is never a file's owner. */
const maxId = 2 ** 32 - 2;

/** One file system entry of a snapshot. Paths are relative, `/`-separated, and never contain `..`. */
export const treeEntrySchema = z.object({
  path: z.string().min(1).refine(validPath, { message: "a relative path without empty, . or .. parts" }),
  type: z.enum(["file", "dir", "symlink"]),
  mode: z.number().int().min(0).max(0o7777),
  /** Modification time in nanoseconds since the epoch (a string: it exceeds 2^53). */
  mtimeNs: z.string().regex(digits),
  size: z.number().int().min(0),
  /** Device and inode: with size and mtime, how the next backup knows a file is unchanged. */
  inode: z.string().optional(),
  /** Owner and group ids (absent for a stream source): restored when the restore runs as root. */
  uid: z.number().int().min(0).max(maxId).optional(),
  gid: z.number().int().min(0).max(maxId).optional(),
  /**
   * A file's link count when above 1: it had other names (hard links), and a restore links those of
   * the same `inode` it restores to one file (D-30).
   */
  links: z.number().int().min(2).optional(),
  /** A file with fewer blocks allocated than its size: a restore leaves its runs of zeros as holes (D-31). */
  sparse: z.boolean().optional(),
  target: z.string().optional(),
  chunks: z.array(z.string()).optional(),
  /**
   * Extended attributes and POSIX ACLs (`system.posix_acl_*`), sorted by name, values in base64
   * (D-55). Absent when there are none, so such entries read as they did before.
   */
  xattrs: z.array(z.strictObject({ name: z.string().min(1), value: z.string() })).optional(),
});
export type TreeEntry = z.infer<typeof treeEntrySchema>;

const entryKeys = keysOf(treeEntrySchema);
const optionalString = (value: unknown) => value === undefined || typeof value === "string";
const optionalId = (value: unknown) =>
  value === undefined ||
  (Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= maxId);

/**
 * treeEntrySchema's rules as plain checks, for reading trees: zod costs about 1 µs an entry, which
 * is a fifth of an incremental backup's main thread on small files. True only for what the schema
 * accepts unchanged (no unknown keys); anything else goes to the schema, which says what is wrong.
 * A property test holds the two together.
 */
export function isTreeEntry(value: unknown): value is TreeEntry {
  if (!isRecord(value) || !onlyKeys(value, entryKeys)) return false;
  const { path, type, mode, mtimeNs, size, chunks } = value;
  return (
    typeof path === "string" &&
    path.length > 0 &&
    validPath(path) &&
    (type === "file" || type === "dir" || type === "symlink") &&
    Number.isSafeInteger(mode) &&
    (mode as number) >= 0 &&
    (mode as number) <= 0o7777 &&
    typeof mtimeNs === "string" &&
    digits.test(mtimeNs) &&
    Number.isSafeInteger(size) &&
    (size as number) >= 0 &&
    optionalString(value.inode) &&
    optionalId(value.uid) &&
    optionalId(value.gid) &&
    (value.links === undefined || (Number.isSafeInteger(value.links) && (value.links as number) >= 2)) &&
    (value.sparse === undefined || typeof value.sparse === "boolean") &&
    optionalString(value.target) &&
    (chunks === undefined || (Array.isArray(chunks) && chunks.every((chunk) => typeof chunk === "string"))) &&
    (value.xattrs === undefined || (Array.isArray(value.xattrs) && value.xattrs.every(isXattr)))
  );
}

const xattrKeys = new Set(["name", "value"]);
const isXattr = (value: unknown) =>
  isRecord(value) &&
  onlyKeys(value, xattrKeys) &&
  typeof value.name === "string" &&
  value.name.length > 0 &&
  typeof value.value === "string";

const treeBlobBytes = 1 << 20;
const gzipAsync = promisify(gzip);
const isGzip = (bytes: Uint8Array) => bytes[0] === 0x1f && bytes[1] === 0x8b;

/**
 * Collects entries into tree blobs of about 1 MiB of JSON lines, so any tree fits in bounded memory.
 * Each blob is gzipped (level 1, on the thread pool) before it is sealed: file metadata shrinks about
 * 4×, which is most of what a snapshot of many small, unchanged files adds to the repository.
 */
export class TreeWriter {
  private lines: string[] = [];
  private bytes = 0;
  readonly blobs: string[] = [];

  constructor(private readonly repository: Repository) {}

  async add(entry: TreeEntry): Promise<void> {
    await this.addLine(JSON.stringify(entry));
  }

  /**
   * An entry already serialised (by a worker thread): one line of JSON. A promise only when a tree
   * blob is written (await it then): a backup adds a line per entry, and most need no waiting.
   */
  addLine(line: string): Promise<void> | undefined {
    this.lines.push(line);
    this.bytes += line.length + 1;
    return this.bytes >= treeBlobBytes ? this.flush() : undefined;
  }

  async finish(): Promise<string[]> {
    await this.flush();
    return this.blobs;
  }

  private async flush(): Promise<void> {
    if (this.lines.length === 0) return;
    const text = Buffer.from(`${this.lines.join("\n")}\n`, "utf8");
    const { id } = await this.repository.addBlob("tree", await gzipAsync(text, { level: 1 }));
    this.blobs.push(id);
    this.lines = [];
    this.bytes = 0;
  }
}

/** A snapshot's entries in backup order, one tree blob at a time. */
export async function* readTree(repository: Repository, treeBlobs: string[]): AsyncIterable<TreeEntry> {
  for await (const entries of readTreeBlobs(repository, treeBlobs)) yield* entries;
}

/**
 * Tree blobs read ahead of the one being gone through (each is at most about 1 MiB): a restore's
 * walk, which plans its workers' jobs, would otherwise stop at every blob boundary for a GET.
 */
const treeBlobsAhead = 2;

/** readTree a tree blob at a time: for callers that go through many entries, a promise per blob, not per entry. */
export async function* readTreeBlobs(
  repository: Repository,
  treeBlobs: string[],
): AsyncIterable<TreeEntry[]> {
  for await (const blob of inOrderAhead(treeBlobs, (id) => repository.loadBlob(id), treeBlobsAhead)) {
    yield parseTreeBlob(blob);
  }
}

function parseTreeBlob(blob: Buffer): TreeEntry[] {
  // Tree blobs written before they were compressed are plain JSON lines.
  const text = (isGzip(blob) ? gunzipSync(blob) : blob).toString("utf8");
  const entries: TreeEntry[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    const value: unknown = JSON.parse(line);
    entries.push(isTreeEntry(value) ? value : treeEntrySchema.parse(value));
  }
  return entries;
}

/**
 * Merkle root over the tree blob ids (each a keyed hash of its entries): SHA-256 of pairs, level by
 * level, an odd last node carried up. A manifest whose tree list was edited no longer matches it.
 */
export function merkleRoot(leaves: string[]): string {
  if (leaves.length === 0) return createHash("sha256").update("govdr/v1/empty-tree").digest("hex");
  let level = leaves.map((leaf) => createHash("sha256").update(`leaf:${leaf}`).digest("hex"));
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(
        right ? createHash("sha256").update(`node:${level[i]}${right}`).digest("hex") : (level[i] as string),
      );
    }
    level = next;
  }
  return level[0] as string;
}

/**
 * An entry's mtime as the seconds `utimes` takes, such that the file gets the recorded microsecond.
 * libuv keeps no finer (it truncates to whole microseconds), and a double near 1.8e9 s is only
 * good to 0.24 µs: aiming at the middle of the microsecond keeps that error from truncating into
 * the one before.
 */
export function mtimeSeconds(mtimeNs: string): number {
  const ns = BigInt(mtimeNs);
  const microseconds = Number((ns % 1_000_000_000n) / 1000n);
  return Number(ns / 1_000_000_000n) + (microseconds + 0.5) / 1e6;
}
