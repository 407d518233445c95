import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { inject } from "vitest";
import { chromiumFlags, chromiumPath } from "../../../cli/browser.ts";
import { type ConsoleServer, startConsoleServer } from "../../../cli/console/server.ts";
import { loadLocalStack } from "../../../cli/local-stack/deploy.ts";
import { projectRoot } from "../../../cli/paths.ts";
import { call } from "../../integration/support/api.ts";

export const screenshotsDir = path.join(projectRoot, "docs", "screenshots");

/** A 1366×768 laptop screen, the smallest the console is made for. */
export const laptop = { width: 1366, height: 768 };

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags });
}

/** The console (this run's build) on a free 127.0.0.1 port, in front of the deployed local API. */
export async function startConsole(apiUrl = loadLocalStack().apiUrl): Promise<ConsoleServer> {
  return startConsoleServer({ apiUrl, port: 0, root: inject("consoleRoot") });
}

export type Language = "zh" | "en";

/** A fresh browser context (its own storage) at laptop size, in `language`. */
export async function newContext(browser: Browser, language: Language = "zh"): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: laptop,
    locale: language === "zh" ? "zh-CN" : "en-GB",
  });
  await context.addInitScript((chosen: string) => {
    if (!localStorage.getItem("govdr.locale")) localStorage.setItem("govdr.locale", chosen);
  }, language);
  return context;
}

/**
 * A page signed in as a user who already has a full session (signed in through the API, every step
 * done): the console's session is put in the tab's storage once, as the sign-in page would leave it.
 * The sign-in page itself is driven by the onboarding test.
 */
export async function signedInPage(
  browser: Browser,
  user: { token: string; userName: string },
  language: Language = "zh",
): Promise<Page> {
  const context = await newContext(browser, language);
  const who = await call("GET", "/auth/session", { token: user.token });
  if (who.status !== 200) throw new Error(`GET /auth/session answered ${who.status}`);
  const session = {
    token: user.token,
    expiresAt: new Date(Date.now() + 14 * 60_000).toISOString(),
    userName: user.userName,
    userId: who.body.userId,
    tenantId: who.body.tenantId,
    roles: who.body.roles,
    authTime: who.body.authTime,
  };
  await context.addInitScript((value: string) => {
    if (!sessionStorage.getItem("govdr.e2e.injected")) {
      sessionStorage.setItem("govdr.e2e.injected", "1");
      sessionStorage.setItem("govdr.session", value);
    }
  }, JSON.stringify(session));
  return context.newPage();
}

/** Switches the console's language with its own switch, and waits until the page says so. */
export async function switchLanguage(page: Page, language: Language): Promise<void> {
  await page.getByRole("button", { name: language === "zh" ? "中文" : "English" }).click();
  await page.locator(`html[lang="${language === "zh" ? "zh-CN" : "en-GB"}"]`).waitFor();
}

/**
 * Saves the page as docs/screenshots/<name>.zh.png and <name>.en.png (switching with the language
 * switch, then back to the language it was in). `ready` waits for what must be visible in each.
 */
export async function screenshotBothLanguages(
  page: Page,
  name: string,
  ready: (page: Page, language: Language) => Promise<unknown> = async () => undefined,
): Promise<void> {
  mkdirSync(screenshotsDir, { recursive: true });
  const original: Language = (await page.locator("html").getAttribute("lang")) === "en-GB" ? "en" : "zh";
  for (const language of [original, original === "zh" ? "en" : "zh"] as const) {
    await switchLanguage(page, language);
    await ready(page, language);
    await page.screenshot({ path: path.join(screenshotsDir, `${name}.${language}.png`), fullPage: true });
  }
  await switchLanguage(page, original);
}
