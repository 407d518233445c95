import { lstat, opendir } from "node:fs/promises";
import path from "node:path";
import { type BackupSource, excludeMatcher, sourceName } from "./backup.ts";

/**
 * The bytes a backup of these sources will cover, walking them the way the backup does (same
 * excludes, symlinks not followed), asynchronously so that it runs alongside the backup and feeds
 * its ETA. A stream's size is unknown: then there is no total. Unreadable entries count as 0; the
 * backup itself reports them.
 */
export async function sourceSize(
  sources: BackupSource[],
  excludes?: readonly string[],
): Promise<number | undefined> {
  if (sources.some((source) => source.kind !== "path")) return undefined;
  const excluded = excludeMatcher(excludes);
  let total = 0;
  const visit = async (absolute: string, relative: string): Promise<void> => {
    if (excluded(relative)) return;
    const info = await lstat(absolute).catch(() => undefined);
    if (info?.isFile()) total += info.size;
    if (!info?.isDirectory()) return;
    const dir = await opendir(absolute).catch(() => undefined);
    if (!dir) return;
    for await (const child of dir) await visit(path.join(absolute, child.name), `${relative}/${child.name}`);
  };
  for (const source of sources) {
    if (source.kind === "path") await visit(path.resolve(source.path), sourceName(source));
  }
  return total;
}
