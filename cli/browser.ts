import { existsSync } from "node:fs";
import { CliError } from "./errors.ts";
import { log } from "./log.ts";
import { run, tail } from "./run.ts";

/** Debian's Chromium, which the e2e tests drive; never a browser build downloaded by a test tool. */
export const chromiumPath = process.env.GOVDR_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Flags every browser launch uses: headless without sandbox or GPU (root in a container), and no
 * background traffic to hosts this network cannot reach.
 */
export const chromiumFlags = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** The console is Chinese-first; without a CJK font, screenshots show boxes instead of text. */
const cjkFontPackage = { name: "fonts-wqy-zenhei", file: "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc" };

/** Installs Debian's chromium and a CJK font when missing (root only), idempotently. */
export async function ensureChromium(): Promise<string> {
  if (existsSync(chromiumPath) && existsSync(cjkFontPackage.file)) return chromiumPath;
  if (process.getuid?.() !== 0) {
    throw new CliError(
      `Chromium and a CJK font are needed for the browser tests (${chromiumPath}, ${cjkFontPackage.file}).`,
      `apt-get install chromium ${cjkFontPackage.name}`,
    );
  }
  const packages = ["chromium", cjkFontPackage.name];
  log(`installing Debian's ${packages.join(" and ")} for the browser tests`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const update = await run("apt-get", ["update", "-qq"], { env });
  const install =
    update.code === 0 ? await run("apt-get", ["install", "-y", "-qq", ...packages], { env }) : update;
  if (install.code !== 0 || !existsSync(chromiumPath)) {
    throw new CliError(`apt-get could not install ${packages.join(" ")}:\n${tail(install.output)}`);
  }
  return chromiumPath;
}
