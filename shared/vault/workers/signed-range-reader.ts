import { setTimeout as wait } from "node:timers/promises";
import { RepositoryAccessError } from "../backend.ts";
import { BoundedRangeReads } from "../pack-range-reader.ts";
import type { PackRange } from "../pack-ranges.ts";
import { BufferShelf } from "./buffer-shelf.ts";
import { HttpConnections, ReadInterruptedError } from "./http-connections.ts";
import { type BodySink, HttpProtocolError, type ResponseHead } from "./http-response-parser.ts";
import type { PackBytes } from "./protocol.ts";

/** Ranges of packs for a worker to read itself, and a signed URL of each of their packs (D-59). */
export interface SignedRanges {
  ranges: PackRange[];
  urls: Record<string, string>;
}

/** What a signed GET answered: the range's bytes, or that the pack is not there. */
type RangeAnswer = { bytes: Buffer } | { missing: true };

const retriedStatuses = new Set([429, 500, 502, 503, 504]);
const retriedCodes = new Set(["RequestTimeout", "SlowDown", "InternalError", "ServiceUnavailable"]);

export interface SignedRangeReaderOptions {
  /** Requests open at once (`SignedRangeReader.maxRequests`). */
  maxRequests?: number;
  /** Tries of a range before the restore stops (8, as the agent's S3 client). */
  attempts?: number;
  /** A connection that brings nothing for this long is given up and the range asked for again. */
  idleTimeoutMs?: number;
  /** The first retry's most backoff, doubled for each retry after it (100 ms). */
  backoffMs?: number;
}

/**
 * Reads ranges of packs by their signed URLs, in the worker that restores from them: its own
 * keep-alive connections, at most `maxRequests` requests at once, each range's bytes read from the
 * socket straight into a buffer of its own (reused from range to range). What a request costs the
 * CPU is then spread over the workers and is a fraction of what node:http costs (D-59).
 * Throttling, 5xx answers and failed connections are retried with backoff, up to `attempts` times;
 * a missing pack is left out (its files are then reported damaged) and not asked for again; a
 * refusal stops the restore with a RepositoryAccessError.
 */
export class SignedRangeReader {
  /** Each worker's; a restore has at most this many requests open per worker. */
  static readonly maxRequests = 4;
  private readonly buffers = new BufferShelf();
  private readonly connections: HttpConnections;
  private readonly reads: BoundedRangeReads;

  constructor(private readonly options: SignedRangeReaderOptions = {}) {
    this.connections = new HttpConnections(options.idleTimeoutMs);
    this.reads = new BoundedRangeReads(options.maxRequests ?? SignedRangeReader.maxRequests);
  }

  read({ ranges, urls }: SignedRanges): Promise<PackBytes[]> {
    return this.reads.read(ranges, (range) => this.readOne(range, urls[range.pack] ?? ""));
  }

  /** The ranges of a job that is done with them: their buffers serve later reads. */
  release(ranges: PackBytes[]): void {
    for (const range of ranges) this.buffers.give(range.bytes);
  }

  close(): void {
    this.connections.close();
  }

  /** The range's bytes, or undefined when its pack is missing. */
  private async readOne(range: PackRange, url: string): Promise<Buffer | undefined> {
    // One buffer for every attempt: each writes it from the start.
    const buffer = this.buffers.take(range.length);
    try {
      const answer = await this.withRetries(range, () => this.get(url, range, buffer));
      if ("bytes" in answer) return answer.bytes;
      this.buffers.give(buffer);
      return undefined;
    } catch (error) {
      this.buffers.give(buffer);
      throw error;
    }
  }

  private async withRetries(range: PackRange, get: () => Promise<RangeAnswer>): Promise<RangeAnswer> {
    const attempts = this.options.attempts ?? 8;
    for (let attempt = 1; ; attempt++) {
      try {
        return await get();
      } catch (error) {
        if (error instanceof HttpProtocolError) {
          throw new RepositoryAccessError(
            `S3's answer for pack ${range.pack} is not HTTP/1.1: ${error.message}`,
          );
        }
        if (error instanceof ReadInterruptedError && !error.transient) {
          throw new RepositoryAccessError(`Cannot read pack ${range.pack}: ${error.message}`);
        }
        if (!(error instanceof ReadInterruptedError)) throw error;
        if (attempt >= attempts) {
          throw new RepositoryAccessError(
            `Reading pack ${range.pack} failed ${attempts} times; the last time: ${error.message}`,
          );
        }
        // Exponential backoff with full jitter, as the AWS SDKs do: at most 20 s.
        await wait(Math.random() * Math.min(20_000, (this.options.backoffMs ?? 100) * 2 ** (attempt - 1)));
      }
    }
  }

  private async get(url: string, range: PackRange, buffer: Buffer): Promise<RangeAnswer> {
    let sink: RangeSink | ErrorTextSink | undefined;
    const headers = {
      Range: `bytes=${range.offset}-${range.offset + range.length - 1}`,
      "User-Agent": "govdr-agent",
    };
    const { status } = await this.connections.get(url, headers, ({ status }: ResponseHead) => {
      // A server that ignores Range sends the whole object: the range is then cut out of it.
      if (status === 200 || status === 206) sink = new RangeSink(buffer, status === 200 ? range.offset : 0);
      else sink = new ErrorTextSink();
      return sink;
    });
    if (sink instanceof RangeSink) return { bytes: sink.filled() };
    const { code, message } = (sink as ErrorTextSink).fields();
    const said = code ? `${code}: ${message}` : `HTTP ${status}`;
    if (status === 416) return { bytes: Buffer.alloc(0) };
    if (status === 404 && code !== "NoSuchBucket") return { missing: true };
    // Answers that may pass when asked again, as the AWS SDKs retry them.
    if (retriedStatuses.has(status) || retriedCodes.has(code)) throw new ReadInterruptedError(said);
    throw new RepositoryAccessError(`S3 refused to read pack ${range.pack} (${said})`);
  }
}

/**
 * A range's bytes: the body from `skip` on, into `bytes` (the range's length); fewer when the pack
 * ends first. More than that is an error unless the server sent the whole object (`skip` > 0).
 */
class RangeSink implements BodySink {
  private position = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly skip: number,
  ) {}

  target(room: number): Buffer | undefined {
    const at = this.position - this.skip;
    if (at < 0 || at >= this.bytes.length) return undefined;
    return this.bytes.subarray(at, at + Math.min(room, this.bytes.length - at));
  }

  landed(bytes: number): void {
    this.position += bytes;
  }

  accept(piece: Buffer): void {
    const from = Math.max(this.position, this.skip);
    const to = Math.min(this.position + piece.length, this.skip + this.bytes.length);
    if (from < to) piece.copy(this.bytes, from - this.skip, from - this.position, to - this.position);
    this.position += piece.length;
    if (this.skip === 0 && this.position > this.bytes.length) {
      throw new RepositoryAccessError(`S3 sent more than the ${this.bytes.length} bytes asked for`);
    }
  }

  filled(): Buffer {
    const filled = Math.max(0, Math.min(this.position - this.skip, this.bytes.length));
    return filled === this.bytes.length ? this.bytes : this.bytes.subarray(0, filled);
  }
}

/** The start of an error answer (S3's XML), for its `Code` and `Message`. */
class ErrorTextSink implements BodySink {
  private text = "";

  target(): undefined {
    return undefined;
  }

  landed(): void {}

  accept(piece: Buffer): void {
    if (this.text.length < 64 << 10) this.text += piece.toString("utf8");
  }

  fields(): { code: string; message: string } {
    const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(this.text)?.[1] ?? "";
    return { code: field("Code"), message: field("Message") };
  }
}
