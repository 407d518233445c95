import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureDebianPackages } from "../../../cli/apt.ts";
import { RepositoryAccessError } from "../../../shared/vault/backend.ts";
import { SignedRangeReader } from "../../../shared/vault/workers/signed-range-reader.ts";

const pack = randomBytes(3 << 20);
const same = (bytes: Uint8Array | undefined, expected: Buffer) =>
  bytes !== undefined && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).equals(expected);
/** Node 22's CA store functions, which its types do not have yet. */
const caStore = tls as typeof tls & {
  getCACertificates(which: "default"): string[];
  setDefaultCACertificates(certificates: string[]): void;
};
const noSuch = (code: string) =>
  `<?xml version="1.0"?><Error><Code>${code}</Code><Message>it says ${code}</Message></Error>`;

/** What the test server does per pack name; `seen` counts requests per pack. */
type Behaviour = (request: http.IncomingMessage, response: http.ServerResponse, attempt: number) => void;

/** Answers a Range request from `pack` as S3 does (206, or 416 past the end). */
function ranged(request: http.IncomingMessage, response: http.ServerResponse) {
  const [, from, to] = /bytes=(\d+)-(\d+)/.exec(request.headers.range ?? "") ?? [];
  const start = Number(from);
  if (start >= pack.length) {
    response.writeHead(416, { "Content-Type": "application/xml" }).end(noSuch("InvalidRange"));
    return;
  }
  const end = Math.min(Number(to), pack.length - 1);
  response.writeHead(206, { "Content-Length": end - start + 1 }).end(pack.subarray(start, end + 1));
}

const behaviours: Record<string, Behaviour> = {
  ok: ranged,
  whole: (_, response) => response.writeHead(200, { "Content-Length": pack.length }).end(pack),
  chunked: (request, response) => {
    const [, from, to] = /bytes=(\d+)-(\d+)/.exec(request.headers.range ?? "") ?? [];
    response.writeHead(206);
    const bytes = pack.subarray(Number(from), Number(to) + 1);
    for (let at = 0; at < bytes.length; at += 100_000) response.write(bytes.subarray(at, at + 100_000));
    response.end();
  },
  missing: (_, response) => response.writeHead(404).end(noSuch("NoSuchKey")),
  "no-bucket": (_, response) => response.writeHead(404).end(noSuch("NoSuchBucket")),
  denied: (_, response) => response.writeHead(403).end(noSuch("AccessDenied")),
  flaky: (request, response, attempt) => {
    if (attempt <= 2) response.writeHead(503).end(noSuch("SlowDown"));
    else ranged(request, response);
  },
  cut: (request, response, attempt) => {
    if (attempt > 1) return ranged(request, response);
    response.writeHead(206, { "Content-Length": 1 << 20 });
    response.write(pack.subarray(0, 1000), () => response.socket?.destroy());
  },
  silent: (request, response, attempt) => {
    if (attempt > 1) ranged(request, response);
  },
  more: (_, response) => response.writeHead(206, { "Content-Length": 2000 }).end(pack.subarray(0, 2000)),
  broken: (_, response) => response.writeHead(500).end(noSuch("InternalError")),
};

let server: http.Server;
let base: string;
const seen = new Map<string, number>();
let connections = 0;
let open = 0;
let mostOpen = 0;

function serve(request: http.IncomingMessage, response: http.ServerResponse) {
  const name = (request.url ?? "").split("?")[0]?.slice(1) ?? "";
  const attempt = (seen.get(name) ?? 0) + 1;
  seen.set(name, attempt);
  open += 1;
  mostOpen = Math.max(mostOpen, open);
  response.on("close", () => {
    open -= 1;
  });
  const behaviour = behaviours[name.replace(/-\d+$/, "")] ?? ranged;
  // A little latency, so that requests overlap as they would over a network.
  setTimeout(() => behaviour(request, response, attempt), 5);
}

beforeAll(async () => {
  server = http.createServer(serve);
  server.on("connection", () => {
    connections += 1;
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  seen.clear();
  connections = 0;
  mostOpen = 0;
});

const reader = () => new SignedRangeReader({ backoffMs: 1, idleTimeoutMs: 300, attempts: 4 });
/** Reads `ranges` of packs served at `/{pack}?signature`. */
async function read(using: SignedRangeReader, ranges: { pack: string; offset: number; length: number }[]) {
  const urls = Object.fromEntries(ranges.map(({ pack }) => [pack, `${base}/${pack}?X-Amz-Signature=abc`]));
  return using.read({ ranges, urls });
}

describe("restore workers read pack ranges themselves by signed URLs (D-59)", () => {
  it("reads ranges byte for byte over one kept-alive connection", async () => {
    const using = reader();
    const ranges = [0, 1 << 20, 2 << 20].map((offset) => ({
      pack: "ok",
      offset: offset + 7,
      length: 1000_000,
    }));
    for (let round = 0; round < 3; round++) {
      const got = await read(using, [ranges[round] as (typeof ranges)[number]]);
      const { offset, length } = ranges[round] as (typeof ranges)[number];
      expect(got).toHaveLength(1);
      expect(same(got[0]?.bytes, pack.subarray(offset, offset + length))).toBe(true);
      using.release(got);
    }
    expect(connections).toBe(1);
    using.close();
  });

  it("cuts the range out of a whole object from a server that ignores Range, and reads chunked answers", async () => {
    const using = reader();
    const [whole, chunked] = await read(using, [
      { pack: "whole", offset: 123_456, length: 500_000 },
      { pack: "chunked", offset: 10, length: 1_500_000 },
    ]);
    expect(same(whole?.bytes, pack.subarray(123_456, 623_456))).toBe(true);
    expect(same(chunked?.bytes, pack.subarray(10, 1_500_010))).toBe(true);
    using.close();
  });

  it("returns fewer bytes where the pack ends first, and none past its end", async () => {
    const using = reader();
    const [tail, past] = await read(using, [
      { pack: "ok-1", offset: pack.length - 100, length: 1000 },
      { pack: "ok-2", offset: pack.length + 5, length: 1000 },
    ]);
    expect(same(tail?.bytes, pack.subarray(pack.length - 100))).toBe(true);
    expect(past?.bytes.length).toBe(0);
    using.close();
  });

  it("leaves a missing pack out and does not ask for it again", async () => {
    const using = reader();
    const ranges = [0, 100, 200].map((offset) => ({ pack: "missing", offset, length: 50 }));
    expect(await read(using, [...ranges, { pack: "ok", offset: 0, length: 10 }])).toHaveLength(1);
    expect(await read(using, ranges)).toEqual([]);
    expect(seen.get("missing")).toBeLessThanOrEqual(3);
    const before = seen.get("missing");
    await read(using, ranges);
    expect(seen.get("missing")).toBe(before);
    using.close();
  });

  it("retries throttling, an answer cut short and a server gone quiet, on new connections", async () => {
    const using = reader();
    const got = await read(using, [
      { pack: "flaky", offset: 0, length: 100_000 },
      { pack: "cut", offset: 5, length: 1 << 20 },
      { pack: "silent", offset: 9, length: 1000 },
    ]);
    expect(
      got.map((range) => same(range.bytes, pack.subarray(range.offset, range.offset + range.length))),
    ).toEqual([true, true, true]);
    expect(seen.get("flaky")).toBe(3);
    expect(seen.get("cut")).toBe(2);
    expect(seen.get("silent")).toBe(2);
    using.close();
  });

  it("stops with a RepositoryAccessError naming S3's code when refused, when the bucket is gone, when 5xx persists or more than the range comes", async () => {
    const using = reader();
    const refusal = (name: string) => read(using, [{ pack: name, offset: 0, length: 1000 }]);
    await expect(refusal("denied")).rejects.toThrow(RepositoryAccessError);
    await expect(refusal("denied-1")).rejects.toThrow(/AccessDenied: it says AccessDenied/);
    await expect(refusal("no-bucket")).rejects.toThrow(/NoSuchBucket/);
    await expect(refusal("broken")).rejects.toThrow(/failed 4 times; the last time: InternalError/);
    expect(seen.get("broken")).toBe(4);
    await expect(refusal("more")).rejects.toThrow(/more than the 1000 bytes/);
    using.close();
  });

  it("stops with a RepositoryAccessError when nothing answers at the URL's address", async () => {
    const closed = http.createServer();
    await new Promise<void>((listening) => closed.listen(0, "127.0.0.1", listening));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const using = reader();
    await expect(
      using.read({
        ranges: [{ pack: "p", offset: 0, length: 10 }],
        urls: { p: `http://127.0.0.1:${port}/p` },
      }),
    ).rejects.toThrow(/failed 4 times; the last time: ECONNREFUSED/);
    using.close();
  });

  it("has at most maxRequests requests open at once", async () => {
    const using = new SignedRangeReader({ maxRequests: 3 });
    const ranges = Array.from({ length: 12 }, (_, i) => ({
      pack: `ok-${i}`,
      offset: i * 1000,
      length: 200_000,
    }));
    expect(await read(using, ranges)).toHaveLength(12);
    expect(mostOpen).toBe(3);
    using.close();
  });
});

describe("signed ranges over TLS", () => {
  let work: string;
  let secure: https.Server;
  beforeAll(async () => {
    await ensureDebianPackages([{ name: "openssl", file: "/usr/bin/openssl" }], "a TLS test's certificate");
    work = await mkdtemp(path.join(tmpdir(), "govdr-tls-"));
    const [key, cert] = [path.join(work, "key.pem"), path.join(work, "cert.pem")];
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost",
      ],
      { stdio: "ignore" },
    );
    secure = https.createServer({ key: await readFile(key), cert: await readFile(cert) }, ranged);
    await new Promise<void>((listening) => secure.listen(0, "127.0.0.1", listening));
    caStore.setDefaultCACertificates([...caStore.getCACertificates("default"), await readFile(cert, "utf8")]);
  });
  afterAll(async () => {
    caStore.setDefaultCACertificates(caStore.getCACertificates("default"));
    secure.close();
    await rm(work, { recursive: true, force: true });
  });

  it("reads ranges over https, checking the server's certificate and name", async () => {
    const port = (secure.address() as AddressInfo).port;
    const using = reader();
    const [range] = await using.read({
      ranges: [{ pack: "p", offset: 77, length: 2 << 20 }],
      urls: { p: `https://localhost:${port}/p?X-Amz-Signature=abc` },
    });
    expect(same(range?.bytes, pack.subarray(77, 77 + (2 << 20)))).toBe(true);
    await expect(
      using.read({
        ranges: [{ pack: "q", offset: 0, length: 10 }],
        urls: { q: `https://127.0.0.1:${port}/q` },
      }),
    ).rejects.toThrow(/Cannot read pack q: 127\.0\.0\.1:\d+: Hostname\/IP does not match certificate/);
    using.close();
  });
});
