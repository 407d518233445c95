import { constants } from "node:os";
import { whyNoXattrAddon, xattrAddon } from "./native/xattr-addon.ts";

/** One extended attribute of a tree entry: its name and its value in base64 (D-55). */
export interface Xattr {
  name: string;
  value: string;
}

/** Extended attributes a restore could not set on an entry, and why (the first errno met). */
export interface XattrsRefused {
  names: string[];
  reason: string;
}

const errnoNames = new Map(Object.entries(constants.errno).map(([name, number]) => [number, name]));
const errnoName = (errno: number) => errnoNames.get(errno) ?? `errno ${errno}`;
/** A file system that keeps no extended attributes at all (ENOTSUP is the same number on Linux). */
const unsupported = constants.errno.EOPNOTSUPP;
/** Gone between listxattr and getxattr. */
const noData = constants.errno.ENODATA;

/**
 * What a backup records: user attributes and POSIX ACLs for everyone; security.* (SELinux labels,
 * file capabilities) and trusted.* only when run as root, who alone may set them again. Anything
 * else (system.nfs4_acl, …) belongs to one file system and is left out.
 */
const root = process.geteuid?.() === 0;
const recorded = (name: string) =>
  name.startsWith("user.") ||
  name === "system.posix_acl_access" ||
  name === "system.posix_acl_default" ||
  (root && (name.startsWith("security.") || name.startsWith("trusted.")));

const byName = (a: Xattr, b: Xattr) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The extended attributes of an open descriptor or an unfollowed path (`where` names it in
 * warnings), sorted by name; undefined when it has none to record, which costs one listxattr. What
 * cannot be read is left out, with a line in `warnings`.
 */
export function readXattrs(target: number | string, where: string, warnings: string[]): Xattr[] | undefined {
  const listed = xattrAddon()?.list(target);
  if (listed === undefined) return undefined;
  if (typeof listed === "number") {
    if (listed !== unsupported) {
      warnings.push(
        `cannot list the extended attributes of ${where} (${errnoName(listed)}); backed up without them`,
      );
    }
    return undefined;
  }
  const xattrs: Xattr[] = [];
  for (let i = 0; i < listed.length; i += 2) {
    const name = listed[i] as string;
    const value = listed[i + 1] as Buffer | number;
    if (!recorded(name) || value === noData) continue;
    if (typeof value === "number" || name.includes("\uFFFD")) {
      const why = typeof value === "number" ? errnoName(value) : "its name is not UTF-8";
      warnings.push(`cannot read the extended attribute ${name} of ${where} (${why}); backed up without it`);
      continue;
    }
    xattrs.push({ name, value: value.toString("base64") });
  }
  return xattrs.length > 0 ? xattrs.sort(byName) : undefined;
}

/**
 * Sets recorded extended attributes on an open descriptor or an unfollowed path. Those the target
 * refuses (a file system without them, a namespace not permitted, a value too large for it) are
 * returned, not thrown: the restore reports them and goes on.
 */
export function giveXattrs(target: number | string, xattrs: Xattr[] | undefined): XattrsRefused | undefined {
  if (!xattrs || xattrs.length === 0) return undefined;
  const addon = xattrAddon();
  if (!addon) return { names: xattrs.map((x) => x.name), reason: whyNoXattrAddon() };
  const refused: string[] = [];
  let reason: string | undefined;
  for (const { name, value } of xattrs) {
    const errno = addon.set(target, name, Buffer.from(value, "base64"));
    if (errno === 0) continue;
    refused.push(name);
    reason ??=
      errno === unsupported ? "the file system does not support them (EOPNOTSUPP)" : errnoName(errno);
  }
  return reason ? { names: refused, reason } : undefined;
}

/** A refusal as the line a restore prints. */
export const describeRefusal = (snapshotPath: string, { names, reason }: XattrsRefused) =>
  `extended attributes not restored: ${snapshotPath}: ${names.join(", ")} (${reason})`;
