import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DemoService,
  type DemoSite,
  readDemoServiceState,
  startDemoService,
} from "../../../cli/local-stack/demo-service/demo-service.ts";
import { createSiteServer } from "../../../cli/local-stack/demo-service/site-server.ts";
import { main } from "../../../cli/main.ts";
import { pollUntil } from "../../../cli/poll.ts";
import { signWebhook } from "../../../shared/routing/webhook-signing.ts";

const secret = randomBytes(32);
const secretText = secret.toString("base64url");
let dir: string;
let secretFile: string;
let service: DemoService;
let active: DemoSite = "primary";
let routeFails = false;
let routeReads = 0;
const logs: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "govdr-demo-service-"));
  secretFile = path.join(dir, "webhook.secret");
  writeFileSync(secretFile, `${secretText}\n`);
  service = await startDemoService({
    dir,
    ports: { router: 0, primary: 0, dr: 0 },
    activeSite: async () => {
      routeReads++;
      if (routeFails) throw new Error("the route table is unreachable");
      return active;
    },
    secretFile,
    log: (line) => logs.push(line),
  });
}, 90_000);

afterAll(async () => {
  await service?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

async function page(url: string) {
  const response = await fetch(url, { headers: { accept: "text/html" } });
  return { status: response.status, site: response.headers.get("x-govdr-site"), html: await response.text() };
}

async function messagesOf(site: DemoSite): Promise<{ id: string; text: string; site: DemoSite }[]> {
  const response = await fetch(`${service.sites[site].url}/messages.json`);
  return ((await response.json()) as { messages: { id: string; text: string; site: DemoSite }[] }).messages;
}

async function hook(
  url: string,
  call: { action: string; site: DemoSite; switchId: string },
  options: { key?: Buffer; timestamp?: number } = {},
) {
  const body = JSON.stringify({
    ...call,
    tenantId: "t-demo",
    systemId: "s-demo",
    sentAt: new Date().toISOString(),
  });
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-govdr-timestamp": String(timestamp),
      "x-govdr-signature": signWebhook(options.key ?? secret, timestamp, body),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as { detail: string; repeated?: boolean } };
}

const refused = async (url: string) => {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return undefined;
  } catch {
    return true;
  }
};

describe("the demo government web service", () => {
  it("serves the primary's page through the router, everything on 127.0.0.1", async () => {
    for (const url of [service.url, service.hooksUrl, service.sites.primary.url, service.sites.dr.hooksUrl])
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    expect(service.sites.primary.pid).toBeGreaterThan(0);
    expect(service.sites.dr.pid).toBeGreaterThan(0);
    const { status, site, html } = await page(service.url);
    expect(status).toBe(200);
    expect(site).toBe("primary");
    expect(html).toContain("某市政务服务网 / City e-Government Service");
    expect(html).toContain('data-site="primary"');
    expect(html).toContain("主站点");
    const health = await fetch(service.sites.primary.healthUrl);
    expect(await health.json()).toMatchObject({ site: "primary", status: "ok" });
    expect(readDemoServiceState(dir)?.ownerPid).toBe(process.pid);
  });

  it("follows the route record to the DR site within a poll, and keeps it when a read fails", async () => {
    active = "dr";
    const served = await pollUntil(
      async () => {
        const answer = await page(service.url);
        return answer.site === "dr" ? answer : undefined;
      },
      { timeoutMs: 5000, intervalMs: 50, what: "the router to follow the route to the DR site" },
    );
    expect(served.html).toContain('data-site="dr"');
    expect(served.html).toContain("灾备站点");
    const posted = await fetch(`${service.url}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "written during the failover", author: "市民" }),
    });
    expect(posted.status).toBe(201);
    expect(await posted.json()).toMatchObject({ site: "dr", text: "written during the failover" });
    const form = await fetch(`${service.url}/messages`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ text: "<b>a form post</b>", author: "张三" }).toString(),
      redirect: "manual",
    });
    expect(form.status).toBe(303);
    expect((await page(service.url)).html).toContain("&#60;b&#62;a form post&#60;/b&#62;");

    routeFails = true;
    const reads = routeReads;
    await pollUntil(async () => (routeReads >= reads + 3 ? true : undefined), {
      timeoutMs: 5000,
      intervalMs: 50,
      what: "three failed route reads",
    });
    expect((await page(service.url)).site).toBe("dr");
    expect(logs.filter((line) => line.includes("reading the route failed"))).toHaveLength(1);
    routeFails = false;
    await pollUntil(async () => (logs.some((line) => line.includes("works again")) ? true : undefined), {
      timeoutMs: 5000,
      intervalMs: 50,
      what: "the route read to recover",
    });
  });

  it("answers 502 naming the primary when its process is killed, without falling back to the DR site", async () => {
    active = "primary";
    await pollUntil(async () => ((await page(service.url)).site === "primary" ? true : undefined), {
      timeoutMs: 5000,
      intervalMs: 50,
      what: "the route back to the primary",
    });
    const pid = service.sites.primary.pid;
    expect(pid).toBeDefined();
    process.kill(pid as number, "SIGKILL");
    await pollUntil(() => refused(service.sites.primary.healthUrl), {
      timeoutMs: 5000,
      intervalMs: 50,
      what: "the primary's port to close",
    });
    const down = await page(service.url);
    expect(down.status).toBe(502);
    expect(down.site).toBe("primary");
    expect(down.html).toContain("主站点无响应 / The Primary site is not answering");
    expect(down.html).not.toContain("written during the failover");
    expect(service.sites.primary.pid).toBeUndefined();

    await service.startSite("primary");
    const restarted = service.sites.primary.pid;
    expect(restarted).toBeGreaterThan(0);
    expect(restarted).not.toBe(pid);
    await service.startSite("primary"); // idempotent
    expect(service.sites.primary.pid).toBe(restarted);
    expect((await page(service.url)).status).toBe(200);
  });

  it("resyncs the DR site's messages into the primary on a signed call, once", async () => {
    expect((await messagesOf("primary")).map((message) => message.text)).not.toContain(
      "written during the failover",
    );
    const call = { action: "resync", site: "primary" as const, switchId: "sw-failback-1" };
    const first = await hook(service.sites.primary.hooksUrl, call);
    expect(first.status).toBe(200);
    expect(first.body.detail).toMatch(/copied 2 message\(s\) from the DR site/);
    const primary = await messagesOf("primary");
    expect(primary.map((message) => message.text)).toContain("written during the failover");
    expect(primary.find((message) => message.text === "written during the failover")?.site).toBe("dr");
    const again = await hook(service.sites.primary.hooksUrl, call);
    expect(again).toMatchObject({ status: 200, body: { repeated: true, detail: first.body.detail } });
    expect(await messagesOf("primary")).toHaveLength(primary.length);
  });

  it("refuses a bad signature, a stale timestamp and a call for the other site, changing nothing", async () => {
    const before = await messagesOf("primary");
    await fetch(`${service.sites.dr.url}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "another DR write" }),
    });
    const call = { action: "resync", site: "primary" as const, switchId: "sw-bad" };
    expect((await hook(service.sites.primary.hooksUrl, call, { key: randomBytes(32) })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 301;
    expect((await hook(service.sites.primary.hooksUrl, call, { timestamp: stale })).status).toBe(401);
    const fenceDr = { action: "fence", site: "dr" as const, switchId: "sw-bad" };
    expect((await hook(service.sites.primary.hooksUrl, fenceDr)).status).toBe(409);
    expect(await messagesOf("primary")).toEqual(before);
    expect(await (await fetch(service.sites.dr.healthUrl)).json()).toMatchObject({ status: "ok" });
  });

  it("answers 503 while the secret file does not exist", async () => {
    rmSync(secretFile, { force: true });
    const call = { action: "fence", site: "primary" as const, switchId: "sw-nosecret" };
    expect((await hook(service.sites.primary.hooksUrl, call)).status).toBe(503);
    writeFileSync(secretFile, `${secretText}\n`);
  });

  it("fences a site (writes refused with 409) and unfences it", async () => {
    const fence = await hook(service.sites.primary.hooksUrl, {
      action: "fence",
      site: "primary",
      switchId: "sw-fence-1",
    });
    expect(fence).toMatchObject({ status: 200, body: { repeated: false } });
    const write = () =>
      fetch(`${service.url}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: "while fenced" }),
      });
    expect((await write()).status).toBe(409);
    expect((await page(service.url)).html).toContain("This site is fenced");
    expect(await (await fetch(service.sites.primary.healthUrl)).json()).toMatchObject({ status: "fenced" });
    const unfence = await hook(service.sites.primary.hooksUrl, {
      action: "unfence",
      site: "primary",
      switchId: "sw-fence-1",
    });
    expect(unfence.status).toBe(200);
    expect((await write()).status).toBe(201);
    const promote = await hook(service.sites.primary.hooksUrl, {
      action: "promote",
      site: "primary",
      switchId: "sw-fence-1",
    });
    expect(promote.body.detail).toContain("serves writes");
  });

  it("dispatches calls to its one hooks URL by the site they name, and fences a site that is down", async () => {
    const viaRouter = await hook(service.hooksUrl, { action: "switch", site: "dr", switchId: "sw-2" });
    expect(viaRouter).toMatchObject({ status: 200, body: { detail: "the route now names the DR site" } });
    await service.stopSite("dr");
    expect(await refused(service.sites.dr.healthUrl)).toBe(true);
    expect(service.sites.dr.pid).toBeUndefined();
    const call = { action: "fence", site: "dr" as const, switchId: "sw-3" };
    expect((await hook(service.hooksUrl, call, { key: randomBytes(32) })).status).toBe(401);
    const fenced = await hook(service.hooksUrl, call);
    expect(fenced).toMatchObject({ status: 200, body: { detail: expect.stringContaining("starts fenced") } });
    expect((await hook(service.hooksUrl, { action: "promote", site: "dr", switchId: "sw-3" })).status).toBe(
      502,
    );
    await service.startSite("dr");
    expect(await (await fetch(service.sites.dr.healthUrl)).json()).toMatchObject({ status: "fenced" });
    expect((await hook(service.hooksUrl, call)).body.repeated).toBe(true);
  });

  it("is driven from another shell by `govdr demo` with the PIDs under its directory", async () => {
    const pid = service.sites.primary.pid;
    expect(await main(["node", "govdr", "demo", "--dir", dir, "stop-site", "primary"])).toBe(0);
    expect(service.sites.primary.pid).toBeUndefined();
    expect(pid && (await refused(service.sites.primary.healthUrl))).toBe(true);
    expect(await main(["node", "govdr", "demo", "--dir", dir, "status"])).toBe(0);
    expect(await main(["node", "govdr", "demo", "--dir", dir, "start-site", "primary"])).toBe(0);
    expect((await page(service.url)).site).toBe("primary");
    expect((await page(service.url)).status).toBe(200);
    expect(await main(["node", "govdr", "demo", "--dir", dir, "start-site", "both"])).not.toBe(0);
  });

  it("says which port is taken when another process holds one", async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as net.AddressInfo;
    const other = mkdtempSync(path.join(os.tmpdir(), "govdr-demo-service-busy-"));
    try {
      await expect(
        startDemoService({
          dir: other,
          ports: { router: port, primary: 0, dr: 0 },
          activeSite: async () => "primary",
          secretFile,
          log: () => undefined,
        }),
      ).rejects.toThrow(`port ${port} on 127.0.0.1 (the demo router) is taken by another process`);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("stops both sites and the router", async () => {
    const pids = [service.sites.primary.pid, service.sites.dr.pid];
    await service.stop();
    for (const url of [service.url, service.sites.primary.healthUrl, service.sites.dr.healthUrl])
      expect(await refused(url)).toBe(true);
    for (const pid of pids) expect(() => process.kill(pid as number, 0)).toThrow();
    expect(readDemoServiceState(dir)).toBeUndefined();
  });
});

describe("a demo site in process", () => {
  let site: http.Server;
  let url: string;
  let data: string;

  beforeAll(async () => {
    data = mkdtempSync(path.join(os.tmpdir(), "govdr-demo-site-"));
    site = createSiteServer({
      site: "dr",
      dataDir: path.join(data, "dr"),
      secretFile: path.join(data, "missing.secret"),
      peerUrl: "http://127.0.0.1:9", // nothing listens there
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(site.address() as net.AddressInfo).port}`;
  });

  afterAll(async () => {
    site.closeAllConnections();
    await new Promise<void>((resolve) => site.close(() => resolve()));
    rmSync(data, { recursive: true, force: true });
  });

  it("validates messages and bodies", async () => {
    const post = (body: string, type = "application/json") =>
      fetch(`${url}/messages`, { method: "POST", headers: { "content-type": type }, body });
    expect((await post(JSON.stringify({ text: "" }))).status).toBe(400);
    expect((await post(JSON.stringify({ text: "x".repeat(501) }))).status).toBe(400);
    expect((await post("{not json")).status).toBe(400);
    expect((await post("text=", "application/x-www-form-urlencoded")).status).toBe(400);
    expect((await post(JSON.stringify({ text: "x".repeat(70_000) }))).status).toBe(413);
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
    const head = await fetch(url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("x-govdr-site")).toBe("dr");
  });

  it("keeps its messages in its data directory across a restart", async () => {
    const posted = await fetch(`${url}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "kept" }),
    });
    expect(posted.status).toBe(201);
    const again = createSiteServer({
      site: "dr",
      dataDir: path.join(data, "dr"),
      secretFile: path.join(data, "missing.secret"),
      peerUrl: "http://127.0.0.1:9",
    });
    await new Promise<void>((resolve) => again.listen(0, "127.0.0.1", resolve));
    try {
      const response = await fetch(
        `http://127.0.0.1:${(again.address() as net.AddressInfo).port}/messages.json`,
      );
      const { messages } = (await response.json()) as { messages: { text: string }[] };
      expect(messages.map((message) => message.text)).toEqual(["kept"]);
    } finally {
      await new Promise<void>((resolve) => again.close(() => resolve()));
    }
  });
});
