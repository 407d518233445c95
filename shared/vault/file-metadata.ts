import { closeSync, constants, fchmodSync, futimesSync, openSync } from "node:fs";
import { giveOwnerSync } from "./workers/owner.ts";
import { giveXattrs, type Xattr, type XattrsRefused } from "./xattrs.ts";

/** What a written file is given: its mode, its mtime (seconds), and its owner when both ids are set. */
export interface FileMetadata {
  mode: number;
  mtime: number;
  uid?: number;
  gid?: number;
  xattrs?: Xattr[];
}

/**
 * Gives the file open as `fd` its owner (when set), its extended attributes, then its mode and
 * mtime. The owner first, since a change of owner clears the set-user-ID and set-group-ID bits and
 * file capabilities (security.capability); the mode after the ACL, which sets the group bits from
 * its mask. Returns the extended attributes the file system refused, if any.
 */
export function giveFileMetadata(
  fd: number,
  file: string,
  { mode, mtime, uid, gid, xattrs }: FileMetadata,
): XattrsRefused | undefined {
  if (uid !== undefined && gid !== undefined) giveOwnerSync(fd, file, uid, gid);
  const refused = giveXattrs(fd, xattrs);
  fchmodSync(fd, mode);
  futimesSync(fd, mtime, mtime);
  return refused;
}

/** giveFileMetadata for a file that is not open, opened without following a symlink. */
export function setFileMetadata(file: string, metadata: FileMetadata): XattrsRefused | undefined {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return giveFileMetadata(fd, file, metadata);
  } finally {
    closeSync(fd);
  }
}
