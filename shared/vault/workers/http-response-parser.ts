import { errorClass } from "../../errors.ts";

/** An answer that does not follow HTTP/1.1: the connection cannot be trusted or reused. */
export class HttpProtocolError extends errorClass("STORAGE_ANSWER_MALFORMED") {}

export interface ResponseHead {
  status: number;
  /** Header names in lower case; a repeated header's values joined with ", ". */
  headers: Map<string, string>;
}

/**
 * Where a response's body goes. `target` offers memory the next socket read may land in directly
 * (at most `room` bytes, at the sink's position), `landed` says how much did; `accept` takes bytes
 * that arrived elsewhere, to copy.
 */
export interface BodySink {
  target(room: number): Buffer | undefined;
  landed(bytes: number): void;
  accept(bytes: Buffer): void;
}

const maxHeadBytes = 64 << 10;
const crlf = Buffer.from("\r\n");
const headEnd = Buffer.from("\r\n\r\n");

type State =
  | { kind: "head"; text: Buffer[]; bytes: number }
  | { kind: "data"; remaining: number; next: "done" | "chunk-end" }
  | { kind: "until-close" }
  | { kind: "chunk-size" | "trailer"; line: Buffer[] }
  | { kind: "chunk-end"; seen: number }
  | { kind: "done" };

/**
 * Reads one HTTP/1.1 response off a connection, as bytes arrive in any pieces: its head, then its
 * body by Content-Length, chunked transfer coding or (without either) up to the connection's end,
 * into the sink that `start` picks for it. Interim (1xx) answers are skipped. While body bytes are
 * due, `bodyRoom` says how many may be read straight into the sink (no copy; restores read S3
 * ranges this way, D-59).
 */
export class HttpResponseParser {
  private state: State = { kind: "head", text: [], bytes: 0 };
  private sink: BodySink | undefined;
  private closeAfter = false;

  constructor(private readonly start: (head: ResponseHead) => BodySink) {}

  get done(): boolean {
    return this.state.kind === "done";
  }

  /** Whether the connection may carry another request once the response is done. */
  get reusable(): boolean {
    return this.done && !this.closeAfter;
  }

  /** Body bytes that may be read into the sink before any framing bytes come. */
  get bodyRoom(): number {
    if (this.state.kind === "data") return this.state.remaining;
    return this.state.kind === "until-close" ? Number.MAX_SAFE_INTEGER : 0;
  }

  /** Memory the next read may land in directly: the sink's, while body bytes are due. */
  bodyTarget(): Buffer | undefined {
    const room = this.bodyRoom;
    return room > 0 ? this.sink?.target(room) : undefined;
  }

  /** `bytes` (at most `bodyRoom`) were read straight into `bodyTarget()`. */
  bodyArrived(bytes: number): void {
    if (bytes > this.bodyRoom) throw new Error("more body bytes arrived than there was room for");
    (this.sink as BodySink).landed(bytes);
    if (this.state.kind === "data") {
      this.state.remaining -= bytes;
      if (this.state.remaining === 0) this.state = this.afterData(this.state.next);
    }
  }

  feed(input: Buffer): void {
    let bytes = input;
    while (bytes.length > 0) {
      const state = this.state;
      switch (state.kind) {
        case "head":
          bytes = this.readHead(state, bytes);
          break;
        case "data": {
          const body = bytes.subarray(0, state.remaining);
          (this.sink as BodySink).accept(body);
          state.remaining -= body.length;
          bytes = bytes.subarray(body.length);
          if (state.remaining === 0) this.state = this.afterData(state.next);
          break;
        }
        case "until-close":
          (this.sink as BodySink).accept(bytes);
          return;
        case "chunk-size":
        case "trailer":
          bytes = this.readLine(state, bytes);
          break;
        case "chunk-end": {
          const expected = crlf.subarray(state.seen, 2);
          const seen = bytes.subarray(0, expected.length);
          if (!seen.equals(expected.subarray(0, seen.length)))
            throw new HttpProtocolError("a chunk does not end in CRLF");
          state.seen += seen.length;
          bytes = bytes.subarray(seen.length);
          if (state.seen === 2) this.state = { kind: "chunk-size", line: [] };
          break;
        }
        case "done":
          throw new HttpProtocolError("the server sent more than its answer");
      }
    }
  }

  /** The connection ended: complete for a body read up to the end, cut short otherwise. */
  end(): void {
    if (this.state.kind === "until-close") this.state = { kind: "done" };
    if (this.state.kind !== "done")
      throw new HttpProtocolError("the connection closed before the answer was complete");
  }

  private afterData(next: "done" | "chunk-end"): State {
    return next === "done" ? { kind: "done" } : { kind: "chunk-end", seen: 0 };
  }

  private readHead(state: Extract<State, { kind: "head" }>, bytes: Buffer): Buffer {
    state.text.push(bytes);
    state.bytes += bytes.length;
    const text = Buffer.concat(state.text);
    // The end may straddle two pieces: search from just before the new one.
    const end = text.indexOf(headEnd, Math.max(0, state.bytes - bytes.length - 3));
    if (end < 0) {
      if (state.bytes > maxHeadBytes) throw new HttpProtocolError("the answer's head is too long");
      state.text = [text];
      return Buffer.alloc(0);
    }
    const head = parseHead(text.subarray(0, end).toString("latin1"));
    const rest = text.subarray(end + headEnd.length);
    if (head.status >= 100 && head.status < 200) {
      this.state = { kind: "head", text: [], bytes: 0 };
      return rest;
    }
    this.closeAfter = /(^|,)\s*close\s*(,|$)/i.test(head.headers.get("connection") ?? "");
    this.sink = this.start(head);
    this.state = this.bodyState(head);
    return rest;
  }

  private bodyState({ status, headers }: ResponseHead): State {
    if (status === 204 || status === 304) return { kind: "done" };
    const coding = headers.get("transfer-encoding");
    if (coding !== undefined) {
      if (!/^\s*chunked\s*$/i.test(coding))
        throw new HttpProtocolError(`unknown Transfer-Encoding ${coding}`);
      return { kind: "chunk-size", line: [] };
    }
    const length = headers.get("content-length");
    if (length === undefined) {
      this.closeAfter = true;
      return { kind: "until-close" };
    }
    if (!/^\d+$/.test(length)) throw new HttpProtocolError(`Content-Length ${length} is not a length`);
    const remaining = Number(length);
    return remaining === 0 ? { kind: "done" } : { kind: "data", remaining, next: "done" };
  }

  private readLine(state: Extract<State, { kind: "chunk-size" | "trailer" }>, bytes: Buffer): Buffer {
    const end = bytes.indexOf(0x0a);
    state.line.push(end < 0 ? bytes : bytes.subarray(0, end + 1));
    const line = Buffer.concat(state.line);
    if (line.length > maxHeadBytes) throw new HttpProtocolError("a chunk line is too long");
    if (end < 0) {
      state.line = [line];
      return Buffer.alloc(0);
    }
    const text = line.toString("latin1").replace(/\r?\n$/, "");
    if (state.kind === "trailer") {
      state.line = [];
      if (text === "") this.state = { kind: "done" };
    } else {
      const size = /^([0-9a-f]+)\s*(;.*)?$/i.exec(text)?.[1];
      if (size === undefined) throw new HttpProtocolError(`a chunk size ${text} is not hexadecimal`);
      const remaining = Number.parseInt(size, 16);
      this.state =
        remaining === 0 ? { kind: "trailer", line: [] } : { kind: "data", remaining, next: "chunk-end" };
    }
    return bytes.subarray(end + 1);
  }
}

function parseHead(text: string): ResponseHead {
  const [statusLine = "", ...lines] = text.split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})( .*)?$/.exec(statusLine)?.[1];
  if (status === undefined)
    throw new HttpProtocolError(`not an HTTP/1.1 status line: ${statusLine.slice(0, 80)}`);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new HttpProtocolError(`not a header: ${line.slice(0, 80)}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const before = headers.get(name);
    headers.set(name, before === undefined ? value : `${before}, ${value}`);
  }
  return { status: Number(status), headers };
}
