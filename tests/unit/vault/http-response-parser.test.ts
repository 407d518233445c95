import { describe, expect, it } from "vitest";
import {
  type BodySink,
  HttpProtocolError,
  HttpResponseParser,
  type ResponseHead,
} from "../../../shared/vault/workers/http-response-parser.ts";

/** A sink that keeps every body byte and, when `direct`, offers memory for reads straight into it. */
class KeepingSink implements BodySink {
  private readonly memory = Buffer.alloc(1 << 16);
  private length = 0;
  directReads = 0;
  constructor(private readonly direct: boolean) {}
  target(room: number) {
    if (!this.direct) return undefined;
    return this.memory.subarray(this.length, this.length + Math.min(room, 7));
  }
  landed(bytes: number) {
    this.length += bytes;
    this.directReads += 1;
  }
  accept(bytes: Buffer) {
    bytes.copy(this.memory, this.length);
    this.length += bytes.length;
  }
  get body() {
    return this.memory.subarray(0, this.length).toString("latin1");
  }
}

/** Parses `wire` cut into pieces of `pieceBytes`, reading body bytes straight into the sink when it offers memory. */
function parse(wire: string, pieceBytes: number, direct = false, ended = false) {
  const heads: ResponseHead[] = [];
  const sink = new KeepingSink(direct);
  const parser = new HttpResponseParser((head) => {
    heads.push(head);
    return sink;
  });
  const bytes = Buffer.from(wire, "latin1");
  let at = 0;
  while (at < bytes.length && !parser.done) {
    const target = parser.bodyTarget();
    if (target) {
      const piece = bytes.subarray(at, at + target.length);
      piece.copy(target);
      parser.bodyArrived(piece.length);
      at += piece.length;
    } else {
      parser.feed(bytes.subarray(at, at + pieceBytes));
      at += pieceBytes;
    }
  }
  if (ended) parser.end();
  return { heads, body: sink.body, parser, directReads: sink.directReads };
}

const ranged =
  'HTTP/1.1 206 Partial Content\r\nContent-Length: 26\r\nETag: "x"\r\n\r\nabcdefghijklmnopqrstuvwxyz';
const chunked =
  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;ext=1\r\n \r\n6\r\nworld!\r\n0\r\nX-Trailer: t\r\n\r\n";

describe("reading HTTP/1.1 responses in any pieces, body bytes straight into their sink (D-59)", () => {
  it("reads a Content-Length body whatever the pieces it comes in, copied or read in directly", () => {
    for (const pieceBytes of [1, 2, 3, 17, 1000]) {
      for (const direct of [false, true]) {
        const { heads, body, parser, directReads } = parse(ranged, pieceBytes, direct);
        expect(heads).toEqual([
          {
            status: 206,
            headers: new Map([
              ["content-length", "26"],
              ["etag", '"x"'],
            ]),
          },
        ]);
        expect(body).toBe("abcdefghijklmnopqrstuvwxyz");
        expect(parser.done).toBe(true);
        expect(parser.reusable).toBe(true);
        if (direct && pieceBytes < 60) expect(directReads).toBeGreaterThan(0);
      }
    }
  });

  it("decodes a chunked body, with chunk extensions and trailers, in any pieces", () => {
    for (const pieceBytes of [1, 4, 9, 1000]) {
      for (const direct of [false, true]) {
        const { body, parser } = parse(chunked, pieceBytes, direct);
        expect(body).toBe("hello world!");
        expect(parser.reusable).toBe(true);
      }
    }
  });

  it("reads a body without length up to the connection's end, and then does not reuse the connection", () => {
    const { body, parser } = parse("HTTP/1.0 200 OK\r\nServer: old\r\n\r\nall of it", 4, false, true);
    expect(body).toBe("all of it");
    expect(parser.done).toBe(true);
    expect(parser.reusable).toBe(false);
  });

  it("skips interim 1xx answers, and reads no body for 204", () => {
    const { heads, body } = parse(`HTTP/1.1 100 Continue\r\n\r\n${ranged}`, 5);
    expect(heads.map((head) => head.status)).toEqual([206]);
    expect(body).toBe("abcdefghijklmnopqrstuvwxyz");
    const empty = parse("HTTP/1.1 204 No Content\r\n\r\n", 3);
    expect(empty.parser.done).toBe(true);
  });

  it("does not reuse a connection the server said it closes, and joins repeated headers", () => {
    const { heads, parser } = parse(
      "HTTP/1.1 404 Not Found\r\nConnection: close\r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 0\r\n\r\n",
      8,
    );
    expect(heads[0]?.headers.get("x-a")).toBe("1, 2");
    expect(parser.done).toBe(true);
    expect(parser.reusable).toBe(false);
  });

  it("refuses what is not HTTP/1.1: a bad status line, a bad header, a bad length, an unknown coding, bytes after the answer", () => {
    const refused = [
      "SSH-2.0-OpenSSH\r\n\r\n",
      "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nab",
    ];
    for (const wire of refused) {
      const parser = new HttpResponseParser(() => new KeepingSink(false));
      expect(() => parser.feed(Buffer.from(wire, "latin1")), wire).toThrow(HttpProtocolError);
    }
  });

  it("refuses a head longer than 64 KiB, and an answer the connection cut short", () => {
    const parser = new HttpResponseParser(() => new KeepingSink(false));
    parser.feed(Buffer.from("HTTP/1.1 200 OK\r\n"));
    expect(() => parser.feed(Buffer.alloc(65 << 10, "a"))).toThrow(/too long/);
    const cut = new HttpResponseParser(() => new KeepingSink(false));
    cut.feed(Buffer.from("HTTP/1.1 206 Partial Content\r\nContent-Length: 10\r\n\r\nabc"));
    expect(cut.bodyRoom).toBe(7);
    expect(() => cut.end()).toThrow(/closed before the answer was complete/);
  });
});
