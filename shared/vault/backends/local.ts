import { randomUUID } from "node:crypto";
import { closeSync, type Dirent, mkdirSync, openSync, rmSync, writeSync } from "node:fs";
import { chmod, mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { type Backend, NotFoundInRepositoryError } from "../backend.ts";

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** An object's bytes in a temporary file beside where it goes, and the first directory made for it. */
export interface WrittenObject {
  temporary: string;
  created?: string;
}

const temporaryName = (target: string) => `${target}.${randomUUID()}.tmp`;

/** Runs `write`; when it fails, `temporary` is removed (if it is still there) before the error goes on. */
async function removedOnFailure(temporary: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Writes `data` into a new temporary file (read-only) beside where `name` goes in the repository at
 * `root`, synchronously and without syncing it: LocalBackend.putWritten syncs and names it.
 */
export function writeTemporarySync(root: string, name: string, data: Uint8Array): WrittenObject {
  const target = path.join(root, name);
  const created = mkdirSync(path.dirname(target), { recursive: true });
  const temporary = temporaryName(target);
  const fd = openSync(temporary, "wx", 0o444);
  try {
    for (let written = 0; written < data.length; ) {
      written += writeSync(fd, data, written, data.length - written);
    }
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  } finally {
    closeSync(fd);
  }
  return { temporary, created };
}

/**
 * A repository in a local directory. Objects are written to a temporary name, synced, renamed and
 * made read-only.
 */
export class LocalBackend implements Backend {
  readonly location: string;

  constructor(readonly root: string) {
    this.location = path.resolve(root);
  }

  private file(name: string): string {
    if (name.split("/").some((part) => part === ".." || part === "")) {
      throw new Error(`Invalid object name ${name}`);
    }
    return path.join(this.root, name);
  }

  async put(name: string, data: Uint8Array | Uint8Array[]): Promise<{ versionId?: string }> {
    const target = this.file(name);
    const created = await mkdir(path.dirname(target), { recursive: true });
    const temporary = temporaryName(target);
    await removedOnFailure(temporary, async () => {
      const handle = await open(temporary, "wx", 0o444);
      try {
        const parts = Array.isArray(data) ? data : [data];
        // writev takes at most IOV_MAX (1024) buffers per call.
        for (let i = 0; i < parts.length; i += 1024) await handle.writev(parts.slice(i, i + 1024));
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await this.name(temporary, target, created);
    });
    return {};
  }

  /**
   * Gives a file written by writeTemporarySync its object name, durably, as `put` does: a vault
   * worker writes its packs so, and they never pass through the main thread (D-60).
   */
  async putWritten(name: string, { temporary, created }: WrittenObject): Promise<void> {
    const target = this.file(name);
    if (path.dirname(temporary) !== path.dirname(target) || !temporary.endsWith(".tmp")) {
      throw new Error(`${temporary} was not written for ${name}`);
    }
    await removedOnFailure(temporary, async () => {
      const handle = await open(temporary, "r");
      try {
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await this.name(temporary, target, created);
    });
  }

  /**
   * Renames a synced temporary file to `target`. On disk before it has its name, and the name on
   * disk before put returns: a snapshot (written last) must never survive a power cut that the
   * packs and index it names did not. The new name is durable, and so is every directory made for
   * it (`created`, the first; each lives in its parent).
   */
  private async name(temporary: string, target: string, created: string | undefined): Promise<void> {
    await rename(temporary, target);
    for (let directory = path.dirname(target); ; directory = path.dirname(directory)) {
      await syncDirectory(directory);
      if (!created || directory === path.dirname(created) || directory === path.dirname(directory)) break;
    }
  }

  async get(name: string, range?: { offset: number; length: number }): Promise<Buffer> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.file(name), "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new NotFoundInRepositoryError(`${name} is missing from ${this.location}`);
      }
      throw error;
    }
    try {
      if (!range) return await handle.readFile();
      const buffer = Buffer.allocUnsafe(range.length);
      const { bytesRead } = await handle.read(buffer, 0, range.length, range.offset);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async exists(name: string): Promise<boolean> {
    try {
      await stat(this.file(name));
      return true;
    } catch {
      return false;
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    const directory = path.join(this.root, prefix);
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { recursive: true, withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    for (const entry of entries) {
      if (!entry.isFile() || entry.name.endsWith(".tmp")) continue;
      yield path.relative(this.root, path.join(entry.parentPath, entry.name)).split(path.sep).join("/");
    }
  }

  /** Local files have no retention; they are read-only, which is as far as a directory can go. */
  async extendRetention(name: string): Promise<void> {
    await chmod(this.file(name), 0o444);
  }
}
