import { objectNames } from "./object-names.ts";
import type { Repository } from "./repository.ts";

/**
 * Whole packs read once and kept while they are being used (a few at a time, least recently used
 * dropped), so restoring many small files reads each pack once instead of once per blob.
 */
export class PackCache {
  private readonly packs = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly repository: Repository,
    private readonly capacity = 4,
  ) {}

  get(pack: string): Promise<Buffer> {
    let bytes = this.packs.get(pack);
    if (bytes) {
      this.packs.delete(pack);
    } else {
      bytes = this.repository.backend.get(objectNames.pack(pack));
      bytes.catch(() => this.packs.delete(pack));
    }
    this.packs.set(pack, bytes);
    while (this.packs.size > this.capacity) this.packs.delete(this.packs.keys().next().value as string);
    return bytes;
  }

  blob(id: string): Promise<Buffer> {
    return this.repository.loadBlob(id, (pack) => this.get(pack));
  }
}
