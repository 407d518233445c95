import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { consoleDist } from "./build.ts";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json; charset=utf-8",
};

/** The same policy as the console stack's CloudFront response headers (infra/stacks/console-stack.ts). */
const contentSecurityPolicy =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

export interface ConsoleServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the console's static files and forwards `/api/*` to the API, so the browser talks to one
 * origin locally just as it does behind CloudFront in the cloud (no CORS to configure).
 */
export async function startConsoleServer(options: {
  apiUrl: string;
  host?: string;
  port?: number;
  root?: string;
}): Promise<ConsoleServer> {
  const root = options.root ?? consoleDist;
  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://console.local");
    try {
      if (url.pathname === "/api" || url.pathname.startsWith("/api/")) {
        await forward(request, response, `${options.apiUrl}${url.pathname.slice(4)}${url.search}`).catch(
          () => {
            response.writeHead(502, { "content-type": "application/json; charset=utf-8" });
            response.end(
              JSON.stringify({ code: "API_UNREACHABLE", message: "The console could not reach the API" }),
            );
          },
        );
        return;
      }
      // The console routes in the browser (/systems/s-…): a path without a file extension is the app.
      const requested = decodeURIComponent(url.pathname).replace(/^\/+/, "");
      const relative = path.extname(requested) === "" ? "index.html" : requested;
      const file = path.resolve(root, relative);
      if (!file.startsWith(`${root}${path.sep}`)) {
        response.writeHead(404).end();
        return;
      }
      const body = await readFile(file);
      response.writeHead(200, {
        "content-type": contentTypes[path.extname(file)] ?? "application/octet-stream",
        "x-content-type-options": "nosniff",
        "content-security-policy": contentSecurityPolicy,
        "referrer-policy": "no-referrer",
        "cache-control": relative === "index.html" ? "no-cache" : "public, max-age=31536000, immutable",
      });
      response.end(body);
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
      if (!response.headersSent) response.writeHead(missing ? 404 : 502);
      response.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function forward(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  target: string,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === "string" && !["host", "connection", "content-length"].includes(name))
      headers.set(name, value);
  }
  const upstream = await fetch(target, {
    method: request.method,
    headers,
    body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
  });
  const answerHeaders: Record<string, string> = {};
  // fetch has already decoded the body: its length and encoding headers no longer describe it.
  upstream.headers.forEach((value, name) => {
    if (!["content-encoding", "content-length", "transfer-encoding", "connection"].includes(name))
      answerHeaders[name] = value;
  });
  response.writeHead(upstream.status, answerHeaders);
  response.end(Buffer.from(await upstream.arrayBuffer()));
}
