import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { NotFoundInRepositoryError } from "./backend.ts";
import { objectNames } from "./object-names.ts";
import type { Repository } from "./repository.ts";

/**
 * Restores from a remote repository (S3) stage the packs they need in a private temporary directory,
 * laid out like a local repository, so the restore workers read them as they read local packs. Packs
 * in use by a batch are pinned; beyond `capacity` the least recently used unpinned pack is deleted (a
 * later batch that needs it again fetches it again). At most `maxFetches` packs download at once, so
 * memory holds that many packs however many a batch needs.
 */
export class PackStager {
  private readonly packs = new Map<string, { pins: number; ready: Promise<void> }>();
  private fetching = 0;
  private readonly queued: (() => void)[] = [];
  static readonly maxFetches = 4;

  private constructor(
    private readonly repository: Repository,
    readonly root: string,
    private readonly capacity: number,
  ) {}

  static async create(repository: Repository, capacity = 16): Promise<PackStager> {
    return new PackStager(repository, await mkdtemp(path.join(tmpdir(), "govdr-restore-")), capacity);
  }

  /** Fetches the packs not staged yet and pins all of them until `unpin`. */
  async pin(packs: Iterable<string>): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const pack of packs) {
      let staged = this.packs.get(pack);
      if (!staged) {
        staged = { pins: 0, ready: this.fetch(pack) };
        this.packs.set(pack, staged);
      }
      // Most recently used last: Map iteration order is insertion order.
      this.packs.delete(pack);
      this.packs.set(pack, staged);
      staged.pins += 1;
      waits.push(staged.ready);
    }
    await Promise.all(waits);
  }

  async unpin(packs: Iterable<string>): Promise<void> {
    for (const pack of packs) {
      const staged = this.packs.get(pack);
      if (staged) staged.pins -= 1;
    }
    for (const [pack, staged] of this.packs) {
      if (this.packs.size <= this.capacity) break;
      if (staged.pins > 0) continue;
      this.packs.delete(pack);
      await rm(path.join(this.root, objectNames.pack(pack)), { force: true });
    }
  }

  private async fetch(pack: string): Promise<void> {
    while (this.fetching >= PackStager.maxFetches) await new Promise<void>((go) => this.queued.push(go));
    this.fetching += 1;
    try {
      const file = path.join(this.root, objectNames.pack(pack));
      await mkdir(path.dirname(file), { recursive: true });
      const { backend } = this.repository;
      try {
        if (backend.download) await backend.download(objectNames.pack(pack), file);
        else await writeFile(file, await backend.get(objectNames.pack(pack)));
      } catch (error) {
        if (!(error instanceof NotFoundInRepositoryError)) throw error;
        // Left unstaged: the workers find it missing, and only the files that need it are lost.
        await rm(file, { force: true });
      }
    } finally {
      this.fetching -= 1;
      this.queued.shift()?.();
    }
  }

  close(): Promise<void> {
    return rm(this.root, { recursive: true, force: true });
  }
}
