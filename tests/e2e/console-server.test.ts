import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsoleServer } from "../../cli/console/server.ts";
import { launchBrowser, newContext, startConsole } from "./support/console.ts";

let browser: Browser;
const servers: ConsoleServer[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
});

async function consoleFor(apiUrl?: string) {
  const server = await startConsole(apiUrl);
  servers.push(server);
  return server.url;
}

describe("the console server: one origin for the console and the API", () => {
  it("opens a console path directly (a bookmark) as the app, signed out at the sign-in page, without errors", async () => {
    const url = await consoleFor();
    const page = await (await newContext(browser)).newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    const requests = new Set<string>();
    page.on("request", (r) => requests.add(new URL(r.url()).origin));

    const answer = await page.goto(`${url}systems/s-000000000000/drills`);
    expect(answer?.headers()["content-security-policy"]).toContain("default-src 'self'");
    await page.getByRole("heading", { name: "登录政务云灾备服务" }).waitFor();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(
      "/sign-in?next=%2Fsystems%2Fs-000000000000%2Fdrills",
    );
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    expect(errors).toEqual([]);
    expect([...requests]).toEqual([new URL(url).origin]);
  });

  it("says the API cannot be reached when it cannot, in the user's language, and keeps the form", async () => {
    const url = await consoleFor("http://127.0.0.1:9/v1");
    const page = await (await newContext(browser, "en")).newPage();
    await page.goto(`${url}sign-in`);
    await page.getByLabel("User name").fill("someone");
    await page.getByLabel("Password", { exact: true }).fill("a password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator('[role=alert][data-code="API_UNREACHABLE"]').waitFor();
    expect(await page.getByLabel("User name").inputValue()).toBe("someone");
    const proxied = await page.request.get(`${url}api/health`);
    expect(proxied.status()).toBe(502);
    expect(await proxied.json()).toEqual({
      code: "API_UNREACHABLE",
      message: "The console could not reach the API",
    });
  });
});
