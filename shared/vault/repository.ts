import { randomBytes } from "node:crypto";
import { z } from "zod";
import { errorClass } from "../errors.ts";
import { type Backend, NotFoundInRepositoryError } from "./backend.ts";
import { LocalBackend, type WrittenObject } from "./backends/local.ts";
import { openDocument, sealDocument, sealDocumentText } from "./documents.ts";
import { type ChunkSizes, checkChunkSizes, defaultChunkSizes, FastCdc } from "./fastcdc.ts";
import { type IndexDocument, parseIndexDocument } from "./index-document.ts";
import { type KeyWrapper, wrappedKeySchema } from "./key-wrapper.ts";
import { blobIdFunction, deriveKeys, type VaultKeys } from "./keys.ts";
import { objectNames } from "./object-names.ts";
import { type BlobType, blobContext, type PackEntry, PackWriter, packSuite, readPackHeader } from "./pack.ts";
import { inOrderAhead } from "./read-ahead.ts";
import { BlobIntegrityError, type CryptoSuite, type SuiteName, suiteNames, suitesFor } from "./suites.ts";
import type { WorkerSetup } from "./workers/protocol.ts";

export const repositoryConfigSchema = z.object({
  version: z.literal(1),
  id: z.string().regex(/^[0-9a-f]{32}$/),
  createdAt: z.iso.datetime(),
  chunkSizes: z.object({ min: z.number(), avg: z.number(), max: z.number() }),
  /** Chunk ids: HMAC-SHA-256, or HMAC-SM3 for repositories created with the national suite. */
  fingerprint: z.enum(["hmac-sha256", "hmac-sm3"]),
  suite: z.enum(suiteNames),
});
export type RepositoryConfig = z.infer<typeof repositoryConfigSchema>;

/** Where a blob is: its pack and its place in it. */
export interface BlobLocation extends PackEntry {
  pack: string;
  suite: SuiteName;
}

export class RepositoryExistsError extends errorClass("REPOSITORY_EXISTS") {}
export class NoRepositoryError extends errorClass("NO_REPOSITORY") {}
/** The repository's own plain files (config, wrapped key) are missing or were changed outside govdr. */
export class RepositoryDamagedError extends errorClass("REPOSITORY_DAMAGED") {}

export interface RepositoryOptions {
  /** Target pack size; DESIGN.md asks for about 16 MiB. */
  packSize?: number;
  /** Packs uploaded at once. */
  uploads?: number;
  /** Object Lock retention for everything this session writes. */
  retainUntil?: Date;
}

/**
 * A deduplicating, encrypted repository on a backend (DESIGN.md §Vault engine). Blobs are added to
 * the pack being filled; full packs are uploaded while the next one fills; `flush` uploads the last
 * pack and an index file naming this session's blobs. Packs a crashed session uploaded without an
 * index are found and reused when the repository is opened.
 */
export class Repository {
  private readonly keys: VaultKeys;
  private readonly index = new Map<string, BlobLocation>();
  private readonly pendingIds = new Set<string>();
  /** Which index object lists each pack: both must outlive every snapshot that needs the pack. */
  private readonly indexOfPack = new Map<string, string>();
  /** Packs this session wrote, already locked with its retention. */
  private readonly sessionPacks = new Set<string>();
  private writer: PackWriter;
  /**
   * The packs this session stored, for its index file: each one's JSON (`{pack, suite, blobs}`),
   * serialised as it is stored, so the index costs little time once the last pack is in.
   */
  private written: string[] = [];
  /** Index files that did not open when the repository was opened; `verify` reports them. */
  readonly damagedIndexes: { name: string; damage: string }[] = [];
  private readonly uploads = new Set<Promise<void>>();
  private uploadFailure: unknown;
  readonly chunker: FastCdc;
  dataSuite: CryptoSuite;

  private constructor(
    readonly backend: Backend,
    readonly config: RepositoryConfig,
    private readonly masterKey: Buffer,
    private readonly options: Required<Omit<RepositoryOptions, "retainUntil">> & { retainUntil?: Date },
  ) {
    this.keys = deriveKeys(masterKey, config.id);
    this.suite = suitesFor(this.keys.data);
    this.metadataSuites = suitesFor(this.keys.metadata);
    this.blobId = blobIdFunction(config.fingerprint, this.keys.fingerprint);
    this.chunker = new FastCdc(this.keys.chunker, config.chunkSizes);
    this.dataSuite = this.suite(config.suite);
    this.writer = new PackWriter(this.dataSuite);
  }

  static async init(
    backend: Backend,
    wrapper: KeyWrapper,
    settings: { suite: SuiteName; chunkSizes?: ChunkSizes },
    options: RepositoryOptions = {},
  ): Promise<Repository> {
    if (await backend.exists(objectNames.config)) {
      throw new RepositoryExistsError(`${backend.location} already holds a repository`);
    }
    const config: RepositoryConfig = {
      version: 1,
      id: randomBytes(16).toString("hex"),
      createdAt: new Date().toISOString(),
      chunkSizes: checkChunkSizes(settings.chunkSizes ?? defaultChunkSizes),
      fingerprint: settings.suite === "sm4-ctr+hmac-sm3" ? "hmac-sm3" : "hmac-sha256",
      suite: settings.suite,
    };
    const { masterKey, wrapped } = await wrapper.generate(config.id);
    await backend.put(objectNames.key, Buffer.from(JSON.stringify(wrapped)), options);
    await backend.put(objectNames.config, Buffer.from(JSON.stringify(config)), options);
    return new Repository(backend, config, masterKey, withDefaults(options));
  }

  static async open(
    backend: Backend,
    wrapper: KeyWrapper,
    options: RepositoryOptions = {},
  ): Promise<Repository> {
    // What needs no key is asked for at once: from S3 each is a round trip. The config is awaited
    // first, so a location without a repository says so whatever else is missing there.
    const configRead = readPlainFile(
      backend,
      objectNames.config,
      repositoryConfigSchema,
      () => new NoRepositoryError(`${backend.location} holds no repository; create one with \`govdr init\``),
    );
    const keyRead = readPlainFile(backend, objectNames.key, wrappedKeySchema);
    const indexesListed = listAll(backend.list("index/"));
    for (const read of [keyRead, indexesListed]) read.catch(() => undefined);
    const config = await configRead;
    const masterKey = await wrapper.unwrap(await keyRead, config.id);
    const repository = new Repository(backend, config, masterKey, withDefaults(options));
    await repository.loadIndex(await indexesListed);
    return repository;
  }

  readonly suite: (name: SuiteName) => CryptoSuite;

  /** Seals this session's new packs with `name` (older packs keep their own suite). */
  useSuite(name: SuiteName): void {
    if (this.writer.entries.length > 0) throw new Error("Change the suite before adding blobs");
    this.dataSuite = this.suite(name);
    this.writer = new PackWriter(this.dataSuite);
  }

  private readonly metadataSuites: (name: SuiteName) => CryptoSuite;
  private metadataSuite(name: SuiteName = this.config.suite): CryptoSuite {
    return this.metadataSuites(name);
  }

  readonly blobId: (plaintext: Uint8Array) => string;

  /**
   * What a worker thread needs to chunk, fingerprint, seal and open like this repository (memory
   * only); `knownIds` are chunks it need not seal again.
   */
  workerSetup(knownIds: string[]): WorkerSetup {
    return {
      masterKey: this.masterKey,
      repositoryId: this.config.id,
      chunkSizes: this.config.chunkSizes,
      fingerprint: this.config.fingerprint,
      suite: this.dataSuite.name,
      packSize: this.options.packSize,
      knownIds,
    };
  }

  has(id: string): boolean {
    return this.index.has(id) || this.pendingIds.has(id);
  }

  location(id: string): BlobLocation | undefined {
    return this.index.get(id);
  }

  /** Every indexed blob and where it is. */
  indexedBlobs(): IterableIterator<[string, BlobLocation]> {
    return this.index.entries();
  }

  get blobCount(): number {
    return this.index.size;
  }

  /** Adds a blob unless the repository already has it; returns its id and whether it was new. */
  async addBlob(type: BlobType, plaintext: Uint8Array): Promise<{ id: string; added: boolean }> {
    const id = this.blobId(plaintext);
    if (this.has(id)) return { id, added: false };
    this.pendingIds.add(id);
    this.writer.add(type, id, plaintext);
    if (this.writer.size >= this.options.packSize) await this.finishPack();
    return { id, added: true };
  }

  /**
   * A pack a worker thread built with `dataSuite` (see PackWriter), uploaded like the repository's
   * own. Resolves when the upload has started, with the entries new to the repository (another
   * worker may have stored the same blob: it then stays in both packs and is counted once) and
   * `stored`, which settles with the upload; `bytes` is not used after that.
   */
  async addPack(
    name: string,
    pack: Uint8Array | WrittenObject,
    entries: PackEntry[],
  ): Promise<{ added: PackEntry[]; stored: Promise<void> }> {
    const added = entries.filter((entry) => !this.has(entry.id));
    for (const entry of added) this.pendingIds.add(entry.id);
    return { added, ...(await this.upload(name, pack, entries)) };
  }

  private async finishPack(): Promise<void> {
    if (this.writer.entries.length === 0) return;
    const finished = this.writer;
    this.writer = new PackWriter(this.dataSuite);
    const { name, bytes } = finished.finish();
    await this.upload(name, bytes, finished.entries);
  }

  /**
   * Starts a pack's upload once fewer than `uploads` are under way; its blobs are indexed when it is
   * stored. A failed upload fails every later call and `flush`.
   */
  private async upload(
    name: string,
    pack: Uint8Array | WrittenObject,
    entries: PackEntry[],
  ): Promise<{ stored: Promise<void> }> {
    if (this.uploadFailure) throw this.uploadFailure;
    const suite = this.dataSuite.name;
    const stored = this.store(name, pack).then(() => {
      for (const entry of entries) {
        this.index.set(entry.id, blobLocation(entry, name, suite));
        this.pendingIds.delete(entry.id);
      }
      this.written.push(indexedPack(name, suite, entries));
      this.sessionPacks.add(name);
    });
    const upload: Promise<void> = stored
      .catch((error: unknown) => {
        this.uploadFailure ??= error;
      })
      .finally(() => this.uploads.delete(upload));
    this.uploads.add(upload);
    while (this.uploads.size >= this.options.uploads) await Promise.race(this.uploads);
    if (this.uploadFailure) throw this.uploadFailure;
    return { stored };
  }

  /** Stores a pack: its bytes, or the temporary file a worker wrote them to (local repositories, D-60). */
  private async store(name: string, pack: Uint8Array | WrittenObject): Promise<void> {
    const object = objectNames.pack(name);
    if (pack instanceof Uint8Array) {
      await this.backend.put(object, pack, { retainUntil: this.options.retainUntil, sha256: name });
    } else if (this.backend instanceof LocalBackend) await this.backend.putWritten(object, pack);
    else throw new Error(`pack ${name} was written to a file, but ${this.backend.location} is not local`);
  }

  /** Uploads the last pack and an index of this session's packs; afterwards every blob is durable. */
  async flush(): Promise<void> {
    await this.finishPack();
    await Promise.all(this.uploads);
    if (this.uploadFailure) throw this.uploadFailure;
    if (this.written.length === 0) return;
    const json = `{"packs":[${this.written.join(",")}]}`;
    const document = sealDocumentText(this.metadataSuite(), "govdr/v1/index", json);
    await this.backend.put(objectNames.index(randomBytes(16).toString("hex")), document, {
      retainUntil: this.options.retainUntil,
    });
    this.written = [];
  }

  /**
   * Every blob the index documents `names` list (read eight ahead, taken in listing order: a later
   * document's entry for a blob wins), then the blobs of packs that no index names: left by a
   * crashed session, or named only by a damaged index file (passed over and listed in
   * `damagedIndexes`: the packs' own sealed headers say the same, so nothing is lost, and this
   * session's index names them again).
   */
  private async loadIndex(names: string[]): Promise<void> {
    const documents = inOrderAhead(names, async (name) => ({ name, bytes: await this.backend.get(name) }), 8);
    for await (const { name, bytes } of documents) {
      let raw: unknown;
      try {
        raw = openDocument((s) => this.metadataSuite(s), "govdr/v1/index", bytes);
      } catch (error) {
        if (!(error instanceof BlobIntegrityError)) throw error;
        this.damagedIndexes.push({ name, damage: error.message });
        continue;
      }
      for (const { pack, suite, blobs } of parseIndexDocument(raw).packs) {
        for (const blob of blobs) this.index.set(blob.id, blobLocation(blob, pack, suite));
        this.indexOfPack.set(pack, name);
      }
    }
    const indexed = new Set([...this.index.values()].map((location) => location.pack));
    for await (const name of this.backend.list("packs/")) {
      const pack = name.split("/").at(-1) ?? "";
      if (indexed.has(pack)) continue;
      const bytes = await this.backend.get(name);
      try {
        const suite = packSuite(bytes);
        const entries = readPackHeader(bytes, this.suite(suite));
        for (const entry of entries) this.index.set(entry.id, blobLocation(entry, pack, suite));
        this.written.push(indexedPack(pack, suite, entries));
      } catch (error) {
        if (!(error instanceof BlobIntegrityError)) throw error;
      }
    }
  }

  /** A blob's plaintext, authenticated and checked against its id. */
  async loadBlob(id: string, packBytes?: (pack: string) => Promise<Buffer>): Promise<Buffer> {
    const location = this.index.get(id);
    if (!location) throw new BlobIntegrityError(`blob ${id} is in no pack of this repository`);
    const sealed = packBytes
      ? (await packBytes(location.pack)).subarray(location.offset, location.offset + location.length)
      : await this.backend.get(objectNames.pack(location.pack), {
          offset: location.offset,
          length: location.length,
        });
    return this.openBlob(id, location, sealed);
  }

  openBlob(id: string, location: BlobLocation, sealed: Uint8Array): Buffer {
    const plaintext = this.suite(location.suite).open(sealed, blobContext(id));
    if (plaintext.length !== location.rawLength || this.blobId(plaintext) !== id) {
      throw new BlobIntegrityError(`blob ${id} does not match its id`);
    }
    return plaintext;
  }

  /**
   * Extends the Object Lock retention of what a new snapshot needs from earlier sessions — the packs
   * holding its reused chunks, the index objects listing them, the config and the key — to this
   * session's retention, never shortening any (DESIGN.md §Vault engine, Immutability).
   */
  async extendRetention(blobIds: Iterable<string>): Promise<number> {
    const retainUntil = this.options.retainUntil;
    const extend = this.backend.extendRetention?.bind(this.backend);
    if (!retainUntil || !extend) return 0;
    const names = new Set<string>([objectNames.config, objectNames.key]);
    for (const id of blobIds) {
      const pack = this.index.get(id)?.pack;
      if (!pack || this.sessionPacks.has(pack)) continue;
      names.add(objectNames.pack(pack));
      const index = this.indexOfPack.get(pack);
      if (index) names.add(index);
    }
    for (const name of names) await extend(name, retainUntil);
    return names.size;
  }

  sealSnapshot(value: unknown): Buffer {
    return sealDocument(this.metadataSuite(this.dataSuite.name), "govdr/v1/snapshot", value);
  }

  openSnapshot(bytes: Uint8Array): unknown {
    return openDocument((s) => this.metadataSuite(s), "govdr/v1/snapshot", bytes);
  }

  get retainUntil(): Date | undefined {
    return this.options.retainUntil;
  }
}

/**
 * A JSON file of the repository's that is not sealed (config, wrapped key), checked against its
 * schema; `missing`: the error its absence is (damage, by default).
 */
async function readPlainFile<T>(
  backend: Backend,
  name: string,
  schema: z.ZodType<T>,
  missing?: () => Error,
): Promise<T> {
  const damaged = (what: string) =>
    new RepositoryDamagedError(`${backend.location} is damaged: its ${name} ${what}`);
  let text: string;
  try {
    text = (await backend.get(name)).toString("utf8");
  } catch (error) {
    if (error instanceof NotFoundInRepositoryError) throw missing?.() ?? damaged("is missing");
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw damaged("is not JSON");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(top)"}: ${issue.message}`);
    throw damaged(`does not hold what govdr wrote (${issues.join("; ")})`);
  }
  return parsed.data;
}

/** One pack's part of an index file, as JSON. */
function indexedPack(pack: string, suite: SuiteName, blobs: PackEntry[]): string {
  const part: IndexDocument["packs"][number] = { pack, suite, blobs };
  return JSON.stringify(part);
}

/** An object literal, not a spread: a spread of many entries is slow and makes slow objects. */
const blobLocation = (entry: PackEntry, pack: string, suite: SuiteName): BlobLocation => ({
  type: entry.type,
  id: entry.id,
  offset: entry.offset,
  length: entry.length,
  rawLength: entry.rawLength,
  pack,
  suite,
});

function withDefaults(options: RepositoryOptions) {
  return {
    packSize: options.packSize ?? 16 << 20,
    uploads: options.uploads ?? 2,
    retainUntil: options.retainUntil,
  };
}

async function listAll(names: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const name of names) all.push(name);
  return all;
}
