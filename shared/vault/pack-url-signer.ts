import type { SigningBackend } from "./backend.ts";
import { objectNames } from "./object-names.ts";
import type { PackRange } from "./pack-ranges.ts";

/**
 * Signed URLs of packs for restore workers to read their job's ranges by (D-59). A pack's URL is
 * signed once and reused by later jobs for `reuseMs` (one minute): well inside its lifetime, and
 * inside that of temporary credentials, which the SDK renews five minutes before they expire.
 */
export class PackUrlSigner {
  private readonly signed = new Map<string, { url: Promise<string>; at: number }>();

  constructor(
    private readonly backend: SigningBackend,
    private readonly reuseMs = 60_000,
    private readonly now = () => Date.now(),
  ) {}

  /** The URL of each pack the ranges are in. */
  async urls(ranges: PackRange[]): Promise<Record<string, string>> {
    const packs = [...new Set(ranges.map((range) => range.pack))];
    const urls = await Promise.all(packs.map((pack) => this.url(pack)));
    return Object.fromEntries(packs.map((pack, i) => [pack, urls[i] as string]));
  }

  private url(pack: string): Promise<string> {
    const now = this.now();
    // Oldest first (a URL signed again moves to the end): what is too old to reuse is let go.
    for (const [oldest, { at }] of this.signed) {
      if (now - at < this.reuseMs) break;
      this.signed.delete(oldest);
    }
    const known = this.signed.get(pack);
    if (known) return known.url;
    const url = this.backend.signedUrl(objectNames.pack(pack));
    this.signed.set(pack, { url, at: now });
    // A failed signing is not kept: the next job asks again.
    url.catch(() => {
      if (this.signed.get(pack)?.url === url) this.signed.delete(pack);
    });
    return url;
  }
}
