import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { projectRoot } from "../paths.ts";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
};

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
  const root = options.root ?? path.join(projectRoot, "web");
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
      const relative =
        url.pathname === "/" ? "index.html" : decodeURIComponent(url.pathname).replace(/^\/+/, "");
      const file = path.resolve(root, relative);
      if (!file.startsWith(`${root}${path.sep}`)) {
        response.writeHead(404).end();
        return;
      }
      const body = await readFile(file);
      response.writeHead(200, {
        "content-type": contentTypes[path.extname(file)] ?? "application/octet-stream",
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'self'; connect-src 'self'; frame-ancestors 'none'",
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
  response.writeHead(upstream.status, Object.fromEntries(upstream.headers));
  response.end(Buffer.from(await upstream.arrayBuffer()));
}
