import path from "node:path";
import { build } from "vite";
import { projectRoot } from "../paths.ts";

export const consoleSource = path.join(projectRoot, "web");
export const consoleDist = path.join(consoleSource, "dist");

/**
 * Builds the console (web/, Vite) into `outDir` (default web/dist, which `npm start` serves and the
 * console stack deploys). Tests build into a directory of their own, so two runs never share one.
 */
export async function buildConsole(outDir = consoleDist): Promise<string> {
  await build({
    configFile: path.join(consoleSource, "vite.config.ts"),
    build: { outDir, emptyOutDir: true },
    logLevel: "warn",
  });
  return outDir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${await buildConsole()}\n`);
}
