import { errorClass } from "../errors.ts";
/**
 * Where a repository's objects live: a local directory (offline use, benchmarks) or an S3 prefix in
 * a vault bucket. Names are relative (`packs/ab/ab12…`); objects are written once and never changed.
 */
export interface Backend {
  /** A human-readable location, for messages. */
  readonly location: string;
  /**
   * Writes an object atomically: readers see all of it or nothing, so a crash leaves no partial
   * object (versioned backends say which version). `data` may come in parts, written in order. `retainUntil` locks it (Object Lock COMPLIANCE) where the backend supports locking.
   */
  put(
    name: string,
    data: Uint8Array | Uint8Array[],
    options?: {
      retainUntil?: Date;
      contentType?: string;
      /** The data's SHA-256 in hex when the caller knows it already (a pack's name). */
      sha256?: string;
    },
  ): Promise<{ versionId?: string }>;
  /** The object's bytes, or `length` bytes from `offset`; NotFoundInRepositoryError when absent. */
  get(name: string, range?: { offset: number; length: number }): Promise<Buffer>;
  exists(name: string): Promise<boolean>;
  /** Names under `prefix`, in no particular order. */
  list(prefix: string): AsyncIterable<string>;
  /**
   * A URL that lets whoever holds it GET `name`, whole or by Range, for at least
   * `signedUrlLifetimeMs`, without this backend's credentials: restore workers read packs by it
   * themselves (D-59). Backends that have none are read by the main thread for them.
   */
  signedUrl?(name: string): Promise<string>;
  /** Extends an existing object's retention to at least `retainUntil`; never shortens it. */
  extendRetention?(name: string, retainUntil: Date): Promise<void>;
}

/** A backend that gives signed URLs of its objects. */
export type SigningBackend = Backend & Required<Pick<Backend, "signedUrl">>;

export const givesSignedUrls = (backend: Backend): backend is SigningBackend =>
  typeof backend.signedUrl === "function";

/** How long a signed URL stays valid at least; whoever keeps one longer asks for a new one. */
export const signedUrlLifetimeMs = 15 * 60_000;

export class NotFoundInRepositoryError extends errorClass("MISSING_FROM_REPOSITORY") {}
/** The storage refused the agent or cannot be reached: no such bucket, no access, no Object Lock. */
export class RepositoryAccessError extends errorClass("REPOSITORY_UNREACHABLE") {}
