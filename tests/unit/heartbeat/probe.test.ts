import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe } from "../../../shared/heartbeat/probe.ts";

const servers: Server[] = [];

/** A server on 127.0.0.1 answering each request with `answer`; its base URL. */
async function serve(answer: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(answer);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nothing listens on: one a server had and gave back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const loopback = { allowLoopback: true };
let ok: string;
let failing: string;
let silent: string;
let redirecting: string;
let large: string;

beforeAll(async () => {
  ok = await serve((_req, res) => res.end("ok"));
  failing = await serve((_req, res) => {
    res.statusCode = 500;
    res.end("down");
  });
  silent = await serve(() => undefined); // never answers
  redirecting = await serve((_req, res) => {
    res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
    res.end();
  });
  large = await serve((_req, res) => {
    res.writeHead(200);
    const chunk = Buffer.alloc(64 * 1024, 1);
    let sent = 0;
    const push = () => {
      while (sent < 1000 && res.write(chunk)) sent += 1;
      if (sent < 1000) res.once("drain", push);
      else res.end();
    };
    push();
  });
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe("probe", () => {
  it("is OK on a 2xx answer, with its status and latency", async () => {
    const result = await probe(`${ok}/health`, 2000, loopback);
    expect(result).toEqual({ ok: true, latencyMs: expect.any(Number), httpStatus: 200 });
    expect(result.latencyMs).toBeLessThan(2000);
  });

  it("misses on a 500, naming the status", async () => {
    expect(await probe(failing, 2000, loopback)).toEqual({
      ok: false,
      latencyMs: expect.any(Number),
      httpStatus: 500,
      error: "answered HTTP 500",
    });
  });

  it("misses on a server that never answers, within the timeout and a little", async () => {
    const started = Date.now();
    const result = await probe(silent, 300, loopback);
    const elapsed = Date.now() - started;
    expect(result).toEqual({ ok: false, latencyMs: expect.any(Number), error: "no answer within 300 ms" });
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(300 + 700);
  });

  it("misses on a refused connection", async () => {
    const result = await probe(`http://127.0.0.1:${await closedPort()}/health`, 2000, loopback);
    expect(result).toMatchObject({ ok: false, error: "connection refused" });
    expect(result.httpStatus).toBeUndefined();
  });

  it("does not follow a redirect: a 3xx is a miss", async () => {
    expect(await probe(redirecting, 2000, loopback)).toMatchObject({ ok: false, httpStatus: 302 });
  });

  it("does not read a large body", async () => {
    const result = await probe(large, 2000, loopback);
    expect(result).toMatchObject({ ok: true, httpStatus: 200 });
  });

  it("refuses loopback and private addresses unless allowed, as a miss, not an exception", async () => {
    const refused = await probe(`${ok}/health`, 2000, { allowLoopback: false });
    expect(refused).toEqual({ ok: false, latencyMs: 0, error: expect.stringContaining("127.0.0.1") });
    expect(refused.error).toContain("private, loopback or link-local");
    for (const url of [
      "http://10.0.0.8/health",
      "http://169.254.169.254/latest/meta-data/",
      "http://[::1]:80/",
    ]) {
      expect(await probe(url, 1000, { allowLoopback: false })).toMatchObject({ ok: false, latencyMs: 0 });
    }
    // Loopback allowed is not the private ranges allowed.
    expect(await probe("http://192.168.1.1/", 1000, loopback)).toMatchObject({ ok: false, latencyMs: 0 });
  });

  it("never throws on a fetch that fails oddly, and uses the fetch given", async () => {
    const calls: RequestInit[] = [];
    const fake = (async (_url: string, init: RequestInit) => {
      calls.push(init);
      throw new TypeError("fetch failed", { cause: Object.assign(new Error("boom"), { code: "EWHATEVER" }) });
    }) as unknown as typeof fetch;
    const result = await probe(`${ok}/`, 1000, { allowLoopback: true, fetch: fake });
    expect(result).toMatchObject({ ok: false, error: "fetch failed: boom" });
    expect(calls[0]).toMatchObject({ method: "GET", redirect: "manual" });
    expect(calls[0]?.signal).toBeInstanceOf(AbortSignal);
  });
});
