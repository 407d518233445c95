import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { z } from "zod";
import { checkWebhookCall } from "./signature.ts";

/**
 * One site of the demo government web service (issue #20, item 6): the primary or the DR instance,
 * each its own Node process (site-main.ts) on 127.0.0.1, with its own data directory. It serves a
 * bilingual page that says which site serves it, a small guestbook (the data the sites hold), a health
 * check the platform's heartbeat can probe, and the signed control endpoint the platform's webhook
 * route adapter calls (fence, unfence, promote, resync, switch).
 */

export const demoSites = ["primary", "dr"] as const;
export type DemoSite = (typeof demoSites)[number];
export const otherDemoSite = (site: DemoSite): DemoSite => (site === "primary" ? "dr" : "primary");

export const hookActions = ["switch", "fence", "unfence", "promote", "resync"] as const;
export type HookAction = (typeof hookActions)[number];

/** The body of a platform webhook call (the platform's webhook route adapter). */
export const hookCallSchema = z.object({
  action: z.enum(hookActions),
  site: z.enum(demoSites),
  tenantId: z.string().min(1).max(128),
  systemId: z.string().min(1).max(128),
  switchId: z.string().min(1).max(128),
  sentAt: z.string().max(64).optional(),
});
export type HookCall = z.infer<typeof hookCallSchema>;

const messageSchema = z.object({
  id: z.string(),
  text: z.string(),
  author: z.string(),
  /** The site that took the write. */
  site: z.enum(demoSites),
  createdAt: z.string(),
});
export type GuestbookMessage = z.infer<typeof messageSchema>;

const siteStateSchema = z.object({
  fenced: z.boolean(),
  promoted: z.boolean(),
  /** The platform's latest switch that named this site, if any. */
  lastSwitch: z.object({ switchId: z.string(), at: z.string() }).optional(),
  /** Actions already done, by `switchId:systemId:action:site`, with the detail they answered. */
  applied: z.record(z.string(), z.string()),
});
type SiteState = z.infer<typeof siteStateSchema>;

/** Written by the router's hook dispatcher when the platform fences a site whose process is down. */
export const fenceOnStartFile = "fence-on-start.json";
const fenceOnStartSchema = z.object({ key: z.string(), detail: z.string() });

export const siteLabels: Record<DemoSite, { zh: string; en: string; colour: string }> = {
  primary: { zh: "主站点", en: "Primary site", colour: "#1d4ed8" },
  dr: { zh: "灾备站点", en: "DR site", colour: "#b45309" },
};

export interface SiteServerOptions {
  site: DemoSite;
  /** This site's own directory: messages.json, state.json. */
  dataDir: string;
  /** The file holding the webhook secret; read on every hook call (it may appear later). */
  secretFile: string;
  /** The other site's base URL on 127.0.0.1, which `resync` reads `GET /messages.json` from. */
  peerUrl: string;
  log?: (line: string) => void;
}

const maxBodyBytes = 64 * 1024;
const maxTextLength = 500;
const maxAuthorLength = 50;

function writeJsonAtomic(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, file);
}

function readJson<T>(file: string, schema: z.ZodType<T>, fallback: T): T {
  if (!existsSync(file)) return fallback;
  const parsed = schema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  return parsed.success ? parsed.data : fallback;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

class BodyTooLarge extends Error {}

async function readBody(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(response: http.ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
  });
  response.end(JSON.stringify(value));
}

export function createSiteServer(options: SiteServerOptions): http.Server {
  const { site, dataDir, secretFile, peerUrl } = options;
  const log = options.log ?? (() => undefined);
  mkdirSync(dataDir, { recursive: true });
  const files = {
    messages: path.join(dataDir, "messages.json"),
    state: path.join(dataDir, "state.json"),
    fenceOnStart: path.join(dataDir, fenceOnStartFile),
  };
  let messages = readJson(files.messages, z.array(messageSchema), []);
  const state: SiteState = readJson(files.state, siteStateSchema, {
    fenced: false,
    promoted: false,
    applied: {},
  });
  const pendingFence = readJson(files.fenceOnStart, fenceOnStartSchema.optional(), undefined);
  if (pendingFence) {
    state.fenced = true;
    state.promoted = false;
    state.applied[pendingFence.key] = pendingFence.detail;
    writeJsonAtomic(files.state, state);
    rmSync(files.fenceOnStart, { force: true });
    log(`${site}: starting fenced (the platform fenced it while it was down)`);
  }
  const saveMessages = () => writeJsonAtomic(files.messages, messages);
  const saveState = () => writeJsonAtomic(files.state, state);

  // Hook calls run one at a time, so a call repeated concurrently is still done once.
  let hookQueue: Promise<unknown> = Promise.resolve();

  async function applyHook(call: HookCall): Promise<{ status: number; body: Record<string, unknown> }> {
    const key = `${call.switchId}:${call.systemId}:${call.action}:${call.site}`;
    const answer = (status: number, detail: string, repeated = false) => ({
      status,
      body: { site, action: call.action, switchId: call.switchId, repeated, detail },
    });
    const previous = state.applied[key];
    if (previous !== undefined) return answer(200, previous, true);
    const label = siteLabels[site].en;
    let detail: string;
    switch (call.action) {
      case "fence":
        state.fenced = true;
        state.promoted = false;
        detail = `the ${label} is fenced: it refuses writes`;
        break;
      case "unfence":
        state.fenced = false;
        detail = `the ${label} is unfenced: it takes writes again`;
        break;
      case "promote":
        state.promoted = true;
        detail = state.fenced
          ? `the ${label} is promoted, but still fenced: unfence it to take writes`
          : `the ${label} is promoted: it serves writes`;
        break;
      case "switch":
        state.lastSwitch = { switchId: call.switchId, at: new Date().toISOString() };
        detail = `the route now names the ${label}`;
        break;
      case "resync": {
        const peerLabel = siteLabels[otherDemoSite(site)].en;
        let theirs: GuestbookMessage[];
        try {
          const response = await fetch(`${peerUrl}/messages.json`, { signal: AbortSignal.timeout(5000) });
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          theirs = z.object({ messages: z.array(messageSchema) }).parse(await response.json()).messages;
        } catch (error) {
          // Not recorded as done: the platform retries, and a later call copies.
          return answer(502, `could not read the ${peerLabel}'s messages (${(error as Error).message})`);
        }
        const known = new Set(messages.map((message) => message.id));
        const copied = theirs.filter((message) => !known.has(message.id));
        messages = [...messages, ...copied].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
        saveMessages();
        detail = `copied ${copied.length} message(s) from the ${peerLabel} (${theirs.length - copied.length} already here)`;
        break;
      }
    }
    state.applied[key] = detail;
    saveState();
    log(`${site}: ${call.action} (${call.switchId}): ${detail}`);
    return answer(200, detail);
  }

  async function handleHook(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const body = await readBody(request);
    const check = checkWebhookCall(
      secretFile,
      { timestamp: request.headers["x-govdr-timestamp"], signature: request.headers["x-govdr-signature"] },
      body,
    );
    if (!check.ok) {
      sendJson(response, check.status, { site, detail: check.reason });
      return;
    }
    let call: HookCall;
    try {
      call = hookCallSchema.parse(JSON.parse(body));
    } catch {
      sendJson(response, 400, {
        site,
        detail:
          "the body is not a webhook call { action, site, tenantId, systemId, switchId, idempotencyKey }",
      });
      return;
    }
    if (call.site !== site) {
      sendJson(response, 409, {
        site,
        detail: `this is the ${siteLabels[site].en}; the call names the ${siteLabels[call.site].en}`,
      });
      return;
    }
    const result = hookQueue.then(() => applyHook(call));
    hookQueue = result.catch(() => undefined);
    const { status, body: answer } = await result;
    sendJson(response, status, answer);
  }

  async function handleMessage(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const isJson = (request.headers["content-type"] ?? "").includes("application/json");
    const body = await readBody(request);
    let fields: { text?: unknown; author?: unknown };
    try {
      fields = isJson ? (JSON.parse(body) as typeof fields) : Object.fromEntries(new URLSearchParams(body));
    } catch {
      fields = {};
    }
    const reject = (status: number, zh: string, en: string) => {
      if (isJson) sendJson(response, status, { site, detail: en });
      else sendPage(response, status, `${zh} / ${en}`);
    };
    if (state.fenced) {
      reject(
        409,
        `${siteLabels[site].zh}已隔离，不接受写入`,
        `the ${siteLabels[site].en} is fenced: it takes no writes`,
      );
      return;
    }
    const text = typeof fields.text === "string" ? fields.text.trim() : "";
    const author = typeof fields.author === "string" ? fields.author.trim() : "";
    if (!text || text.length > maxTextLength || author.length > maxAuthorLength) {
      reject(
        400,
        `留言须为 1–${maxTextLength} 个字符`,
        `a message is 1–${maxTextLength} characters, a name at most ${maxAuthorLength}`,
      );
      return;
    }
    const message: GuestbookMessage = {
      id: randomUUID(),
      text,
      author: author || "anonymous",
      site,
      createdAt: new Date().toISOString(),
    };
    messages.push(message);
    saveMessages();
    if (isJson) sendJson(response, 201, message);
    else {
      response.writeHead(303, { location: "/" });
      response.end();
    }
  }

  function sendPage(response: http.ServerResponse, status = 200, notice?: string): void {
    const label = siteLabels[site];
    const role = state.fenced
      ? `<p class="banner fenced">已隔离（fenced）：本站点不接受写入 / This site is fenced: it takes no writes</p>`
      : state.promoted
        ? `<p class="banner">已提升为服务写入的站点 / Promoted: this site serves writes</p>`
        : "";
    const list = messages
      .slice(-50)
      .reverse()
      .map(
        (message) =>
          `<li><b>${escapeHtml(message.author)}</b> <small>${escapeHtml(message.createdAt)} · ${siteLabels[message.site].zh} ${siteLabels[message.site].en}</small><br>${escapeHtml(message.text)}</li>`,
      )
      .join("\n");
    const html = `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>某市政务服务网 / City e-Government Service — ${label.en}</title>
<style>
body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 0; color: #1f2937; }
header { background: ${label.colour}; color: #fff; padding: 1.2rem 2rem; }
header h1 { margin: 0 0 .3rem; font-size: 1.5rem; }
.site { font-size: 1.2rem; font-weight: bold; }
main { padding: 1rem 2rem; max-width: 48rem; }
.banner { padding: .6rem 1rem; border-left: .4rem solid ${label.colour}; background: #f3f4f6; }
.fenced { border-color: #6b7280; background: #e5e7eb; font-weight: bold; }
.notice { padding: .6rem 1rem; background: #fee2e2; }
li { margin: .6rem 0; } small { color: #6b7280; }
</style></head>
<body data-site="${site}" data-fenced="${state.fenced}">
<header><h1>某市政务服务网 / City e-Government Service</h1>
<div class="site">本页由${label.zh}提供 / Served by the ${label.en}</div></header>
<main>
${role}
${notice ? `<p class="notice">${escapeHtml(notice)}</p>` : ""}
<h2>留言簿 / Guestbook</h2>
<form method="post" action="/messages">
<label>姓名 / Name <input name="author" maxlength="${maxAuthorLength}"></label>
<label>留言 / Message <input name="text" required maxlength="${maxTextLength}"></label>
<button type="submit">提交 / Post</button>
</form>
<ul>
${list || "<li>暂无留言 / No messages yet</li>"}
</ul>
</main></body></html>`;
    response.writeHead(status, {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    });
    response.end(html);
  }

  async function route(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const method = request.method ?? "GET";
    const key = `${method === "HEAD" ? "GET" : method} ${url.pathname}`;
    switch (key) {
      case "GET /":
        return sendPage(response);
      case "GET /health":
        return sendJson(response, 200, {
          site,
          status: state.fenced ? "fenced" : "ok",
          fenced: state.fenced,
          promoted: state.promoted,
          messages: messages.length,
          pid: process.pid,
        });
      case "GET /messages.json":
        return sendJson(response, 200, { site, messages });
      case "POST /messages":
        return handleMessage(request, response);
      case "POST /govdr/hooks":
        return handleHook(request, response);
      default:
        sendJson(response, 404, { site, detail: `no ${method} ${url.pathname} here` });
    }
  }

  return http.createServer((request, response) => {
    response.setHeader("x-govdr-site", site);
    route(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof BodyTooLarge)
        sendJson(response, 413, { site, detail: `the body is over ${maxBodyBytes} bytes` });
      else {
        log(`${site}: ${(error as Error).stack ?? String(error)}`);
        sendJson(response, 500, { site, detail: "internal error" });
      }
    });
  });
}
