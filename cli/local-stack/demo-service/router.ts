import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { checkWebhookCall } from "./signature.ts";
import {
  type DemoSite,
  demoSites,
  escapeHtml,
  fenceOnStartFile,
  hookCallSchema,
  siteLabels,
} from "./site-server.ts";

/**
 * The demo's local router: a reverse proxy on 127.0.0.1 that sends every request to the site the
 * platform's route record names (`activeSite`, polled every 250 ms). It never picks the other site on
 * its own: when the named site does not answer, the answer is a 502 page naming it, until the platform
 * switches the route. Bodies stream through both ways.
 *
 * `POST /govdr/hooks` is the one exception to "follow the route": it is the demo's single webhook URL
 * (a policy has one), and it goes to the site the call's body names — the platform fences the primary
 * while the route still names it. The body (at most 64 KiB) is read whole for that. A `fence` for a
 * site whose process is down is checked here (the same signature) and answered 200: a site that is not
 * running takes no writes, and it starts fenced (fence-on-start.json in its data directory).
 */

export interface RouterOptions {
  /** 0: a free port. */
  port: number;
  targets: Record<DemoSite, string>;
  /** Each site's data directory (for a fence while it is down). */
  dataDirs: Record<DemoSite, string>;
  secretFile: string;
  activeSite: () => Promise<DemoSite>;
  pollMs?: number;
  log: (line: string) => void;
}

export interface DemoRouter {
  url: string;
  /** The site requests go to now (the last good answer of `activeSite`). */
  current(): DemoSite;
  close(): Promise<void>;
}

const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "proxy-authenticate",
  "proxy-authorization",
]);

function withoutHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && !hopByHop.has(name)) out[name] = value;
  return out;
}

function downPage(site: DemoSite, reason: string): string {
  const label = siteLabels[site];
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>502 — ${label.en} is down</title>
<style>body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 2rem; color: #1f2937; }
h1 { color: #b91c1c; }</style></head>
<body data-site="${site}" data-down="true">
<h1>${label.zh}无响应 / The ${label.en} is not answering</h1>
<p>某市政务服务网的路由指向${label.zh}，但该站点没有应答。只有灾备平台才会切换路由。</p>
<p>City e-Government Service: the route names the ${label.en}, and it does not answer. Only the DR platform switches the route.</p>
<p><small>${escapeHtml(reason)}</small></p>
</body></html>`;
}

export async function startRouter(options: RouterOptions): Promise<DemoRouter> {
  const { targets, log } = options;
  const pollMs = options.pollMs ?? 250;
  let active: DemoSite = "primary";
  let failing = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  async function readRoute(): Promise<void> {
    try {
      const site = await Promise.race([
        options.activeSite(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("no answer in 5 s")), 5000).unref(),
        ),
      ]);
      if (!demoSites.includes(site)) throw new Error(`not a site: ${String(site)}`);
      if (failing) log(`demo router: reading the route works again`);
      failing = false;
      if (site !== active) log(`demo router: the route now names the ${siteLabels[site].en}`);
      active = site;
    } catch (error) {
      if (!failing)
        log(
          `demo router: reading the route failed (${(error as Error).message}); keeping the ${siteLabels[active].en}`,
        );
      failing = true;
    }
  }
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void readRoute().finally(schedule), pollMs);
  };
  await readRoute();

  function sendDown(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    site: DemoSite,
    reason: string,
    json = (request.headers.accept ?? "").includes("application/json"),
  ) {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const wantsJson = json;
    response.writeHead(502, {
      "content-type": wantsJson ? "application/json; charset=utf-8" : "text/html; charset=utf-8",
      "cache-control": "no-store",
      "x-govdr-site": site,
    });
    if (request.method === "HEAD") response.end();
    else
      response.end(
        wantsJson ? JSON.stringify({ site, status: "down", detail: reason }) : downPage(site, reason),
      );
  }

  function forward(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    site: DemoSite,
    body?: Buffer,
  ) {
    const target = new URL(targets[site]);
    const headers = withoutHopByHop(request.headers);
    headers.host = target.host;
    headers["x-forwarded-host"] = request.headers.host ?? "";
    headers["x-forwarded-for"] = request.socket.remoteAddress ?? "";
    if (body) headers["content-length"] = String(body.length);
    const upstream = http.request({
      host: target.hostname,
      port: target.port,
      method: request.method,
      path: request.url,
      headers,
      agent: false, // a fresh connection each time: a killed site shows at once
    });
    upstream.setTimeout(15_000, () => upstream.destroy(new Error("no answer in 15 s")));
    upstream.on("response", (answer) => {
      response.writeHead(answer.statusCode ?? 502, {
        ...withoutHopByHop(answer.headers),
        "x-govdr-site": site,
      });
      answer.pipe(response);
    });
    response.on("close", () => {
      if (!response.writableFinished) upstream.destroy();
    });
    return new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      upstream.on("error", (error: NodeJS.ErrnoException) => resolve(error));
      upstream.on("response", (answer) => answer.on("end", () => resolve(undefined)));
      if (body) upstream.end(body);
      else request.pipe(upstream);
    });
  }

  async function dispatchHook(request: http.IncomingMessage, response: http.ServerResponse) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > 64 * 1024) {
        response
          .writeHead(413, { "content-type": "application/json" })
          .end(JSON.stringify({ detail: "the body is over 65536 bytes" }));
        return;
      }
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks);
    const text = body.toString("utf8");
    let call: ReturnType<typeof hookCallSchema.parse>;
    try {
      call = hookCallSchema.parse(JSON.parse(text));
    } catch {
      response.writeHead(400, { "content-type": "application/json" }).end(
        JSON.stringify({
          detail:
            "the body is not a webhook call { action, site, tenantId, systemId, switchId, idempotencyKey }",
        }),
      );
      return;
    }
    const error = await forward(request, response, call.site, body);
    if (!error || response.headersSent) return;
    const label = siteLabels[call.site].en;
    if (call.action === "fence" && error.code === "ECONNREFUSED") {
      const check = checkWebhookCall(
        options.secretFile,
        { timestamp: request.headers["x-govdr-timestamp"], signature: request.headers["x-govdr-signature"] },
        text,
      );
      if (!check.ok) {
        response
          .writeHead(check.status, { "content-type": "application/json" })
          .end(JSON.stringify({ site: call.site, detail: check.reason }));
        return;
      }
      const detail = `the ${label} is down, so it takes no writes; it starts fenced`;
      mkdirSync(options.dataDirs[call.site], { recursive: true });
      writeFileSync(
        path.join(options.dataDirs[call.site], fenceOnStartFile),
        JSON.stringify({ key: `${call.switchId}:${call.systemId}:fence:${call.site}`, detail }),
      );
      log(`demo router: fence (${call.switchId}) for the ${label}, which is down: it starts fenced`);
      response.writeHead(200, { "content-type": "application/json", "x-govdr-site": call.site }).end(
        JSON.stringify({
          site: call.site,
          action: "fence",
          switchId: call.switchId,
          repeated: false,
          detail,
        }),
      );
      return;
    }
    sendDown(request, response, call.site, `${label}: ${error.message}`, true);
  }

  const server = http.createServer((request, response) => {
    const pathname = (request.url ?? "/").split("?")[0];
    if (request.method === "POST" && pathname === "/govdr/hooks") {
      dispatchHook(request, response).catch(() => response.destroy());
      return;
    }
    const site = active;
    void forward(request, response, site).then((error) => {
      if (error) sendDown(request, response, site, `${siteLabels[site].en}: ${error.message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  schedule();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    current: () => active,
    close: async () => {
      stopped = true;
      clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
