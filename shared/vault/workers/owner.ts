import { fchownSync } from "node:fs";
import { errorClass } from "../../errors.ts";

/**
 * The target refused to give an entry its recorded owner: not run as root, or a file system that
 * keeps no owners or maps root to nobody (vfat, NFS with root_squash).
 */
export class RestoreOwnerError extends errorClass("OWNER_REFUSED") {}

/** A failed chown of `file` as the error to report: a refusal says what was refused; anything else is itself. */
export function ownerRefused(error: unknown, file: string, uid: number, gid: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== "EPERM" && code !== "EINVAL" && code !== "EROFS") return error;
  return new RestoreOwnerError(`${file} cannot be given its owner ${uid}:${gid} (${code})`);
}

/** A chown (of `file`), a refusal reported as a RestoreOwnerError. */
export async function giveOwner(file: string, uid: number, gid: number, chown: () => Promise<void>) {
  try {
    await chown();
  } catch (error) {
    throw ownerRefused(error, file, uid, gid);
  }
}

/** fchown of the open `file`, a refusal reported as a RestoreOwnerError. */
export function giveOwnerSync(fd: number, file: string, uid: number, gid: number): void {
  try {
    fchownSync(fd, uid, gid);
  } catch (error) {
    throw ownerRefused(error, file, uid, gid);
  }
}
