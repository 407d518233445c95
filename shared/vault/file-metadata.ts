import { closeSync, constants, fchmodSync, futimesSync, openSync } from "node:fs";
import { giveOwnerSync } from "./workers/owner.ts";

/** What a written file is given: its mode, its mtime (seconds), and its owner when both ids are set. */
export interface FileMetadata {
  mode: number;
  mtime: number;
  uid?: number;
  gid?: number;
}

/**
 * Gives the file open as `fd` its owner (when set), then its mode and mtime; the owner first, since
 * a change of owner clears the set-user-ID and set-group-ID bits.
 */
export function giveFileMetadata(fd: number, file: string, { mode, mtime, uid, gid }: FileMetadata): void {
  if (uid !== undefined && gid !== undefined) giveOwnerSync(fd, file, uid, gid);
  fchmodSync(fd, mode);
  futimesSync(fd, mtime, mtime);
}

/** giveFileMetadata for a file that is not open, opened without following a symlink. */
export function setFileMetadata(file: string, metadata: FileMetadata): void {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    giveFileMetadata(fd, file, metadata);
  } finally {
    closeSync(fd);
  }
}
