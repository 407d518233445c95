import { ensureDebianPackages } from "./apt.ts";

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
  await ensureDebianPackages([{ name: "chromium", file: chromiumPath }, cjkFontPackage], "the browser tests");
  return chromiumPath;
}
