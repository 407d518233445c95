import { type BigIntStats, closeSync, constants, fstatSync, openSync } from "node:fs";

/** Linux only; elsewhere undefined, and files open as usual. */
const noAtime = constants.O_NOATIME ?? 0;

/**
 * Opens with O_NOATIME where the system allows it: a backup should not change when files were last
 * read (and not updating it saves the file system a write per file). Only the file's owner (or
 * root) may ask for it; for anyone else's file the kernel says EPERM, and the file opens as usual.
 */
function openWithoutAtime(file: string, flags: number): number {
  if (noAtime === 0) return openSync(file, flags);
  try {
    return openSync(file, flags | noAtime);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") throw error;
    return openSync(file, flags);
  }
}

/**
 * Opens a file that a directory listing called regular, for reading, with its stats as read (fstat
 * of the descriptor, not of the listing). Undefined, with nothing left open, when it is gone since,
 * or something else took its place: a symlink (never followed), a directory, a FIFO (O_NONBLOCK: the
 * open must not hang the backup), a device. Other failures (e.g. EACCES) are thrown.
 */
export function openListedFile(file: string): { fd: number; info: BigIntStats } | undefined {
  let fd: number;
  try {
    fd = openWithoutAtime(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ELOOP" || code === "ENOTDIR") return undefined;
    throw error;
  }
  try {
    const info = fstatSync(fd, { bigint: true });
    if (info.isFile()) return { fd, info };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  closeSync(fd);
  return undefined;
}
