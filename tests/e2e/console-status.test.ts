import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumFlags, chromiumPath } from "../../cli/browser.ts";
import { type ConsoleServer, startConsoleServer } from "../../cli/console/server.ts";
import { loadLocalStack } from "../../cli/local-stack/deploy.ts";
import { statePaths } from "../../cli/paths.ts";

let browser: Browser;
const servers: ConsoleServer[] = [];

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
});

async function consoleFor(apiUrl: string): Promise<string> {
  const server = await startConsoleServer({ apiUrl, port: 0 });
  servers.push(server);
  return server.url;
}

describe("console: platform status page", () => {
  it("shows the API as up, with its version, by calling /health through the console origin", async () => {
    const url = await consoleFor(loadLocalStack().apiUrl);
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on("request", (r) => requests.push(new URL(r.url()).origin));

    await page.goto(url);
    const status = page.locator("#api-status");
    await status.and(page.locator('[data-state="ok"]')).waitFor({ timeout: 15_000 });

    expect(await status.textContent()).toBe("API 运行正常 / API is up");
    expect(await page.locator("#api-version").textContent()).toBe("0.1.0");
    expect(new Set(requests)).toEqual(new Set([new URL(url).origin]));
    mkdirSync(statePaths.reports, { recursive: true });
    await page.screenshot({ path: path.join(statePaths.reports, "console-status.png") });
    await page.close();
  });

  it("says the API is unreachable when it is, instead of showing stale data", async () => {
    const url = await consoleFor("http://127.0.0.1:9/v1");
    const page = await browser.newPage();

    await page.goto(url);
    const status = page.locator('#api-status[data-state="down"]');
    await status.waitFor({ timeout: 15_000 });

    expect(await status.textContent()).toMatch(/^API 不可用 \/ API is unreachable \(HTTP 502\)$/);
    expect(await page.locator("#api-details").isHidden()).toBe(true);
    const proxied = await page.request.get(`${url}api/health`);
    expect(proxied.status()).toBe(502);
    expect(await proxied.json()).toEqual({
      code: "API_UNREACHABLE",
      message: "The console could not reach the API",
    });
    await page.close();
  });
});
