import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ConsoleServer, startConsoleServer } from "../../../cli/console/server.ts";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function fakeApi(): Promise<string> {
  const api = http.createServer((request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        method: request.method,
        url: request.url,
        auth: request.headers.authorization ?? null,
      }),
    );
  });
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => api.close(() => resolve())));
  return `http://127.0.0.1:${(api.address() as AddressInfo).port}/v1`;
}

/** A built console as Vite leaves it: index.html and a hashed asset. */
function builtConsole(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "govdr-console-test-"));
  mkdirSync(path.join(root, "assets"));
  writeFileSync(path.join(root, "index.html"), "<!doctype html><title>govdr</title>");
  writeFileSync(path.join(root, "assets", "index-abc.js"), "export {};");
  closers.push(async () => rmSync(root, { recursive: true, force: true }));
  return root;
}

async function consoleServer(apiUrl: string, port = 0): Promise<ConsoleServer> {
  const server = await startConsoleServer({ apiUrl, port, root: builtConsole() });
  closers.push(() => server.close());
  return server;
}

describe("console server", () => {
  it("forwards /api/* to the API with method, path, query and headers", async () => {
    const server = await consoleServer(await fakeApi());

    const response = await fetch(`${server.url}api/tenants/t-1?limit=5`, {
      method: "POST",
      headers: { authorization: "Bearer x" },
      body: "{}",
    });

    expect(await response.json()).toEqual({
      method: "POST",
      url: "/v1/tenants/t-1?limit=5",
      auth: "Bearer x",
    });
  });

  it("serves the built console, the app for its own paths, and refuses paths outside it", async () => {
    const server = await consoleServer(await fakeApi());

    const page = await fetch(server.url);
    const clientRoute = await fetch(`${server.url}systems/s-4k2m9x0q7w1z/drills`);
    const asset = await fetch(`${server.url}assets/index-abc.js`);
    const missingAsset = await fetch(`${server.url}assets/gone.js`);
    const traversal = await fetch(`${server.url}..%2f..%2fpackage.json`);

    expect(page.status).toBe(200);
    expect(await page.text()).toContain("govdr");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(await clientRoute.text()).toContain("<title>govdr</title>");
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect(missingAsset.status).toBe(404);
    expect(traversal.status).toBe(404);
  });

  it("rejects with EADDRINUSE when its port is taken, so the caller can pick another", async () => {
    const first = await consoleServer(await fakeApi());
    const port = Number(new URL(first.url).port);

    await expect(startConsoleServer({ apiUrl: "http://127.0.0.1:9", port })).rejects.toMatchObject({
      code: "EADDRINUSE",
    });
  });
});
