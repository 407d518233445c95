import { closeSync, constants, fchmodSync, futimesSync, openSync } from "node:fs";
import { giveOwnerSync } from "./workers/owner.ts";

/**
 * Gives a written file its owner (if any), then its mode and mtime (seconds), through one
 * descriptor; the owner first, since a change of owner clears the set-user-ID and set-group-ID bits.
 */
export function setFileMetadata(
  file: string,
  mode: number,
  mtime: number,
  owner: { uid: number; gid: number } | undefined,
): void {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    if (owner) giveOwnerSync(fd, file, owner.uid, owner.gid);
    fchmodSync(fd, mode);
    futimesSync(fd, mtime, mtime);
  } finally {
    closeSync(fd);
  }
}
