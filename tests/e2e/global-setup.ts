import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { buildConsole } from "../../cli/console/build.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The console built for this run (its own directory: runs in one tree never share a build). */
    consoleRoot: string;
  }
}

/** Builds the console once for the e2e run, as `npm start` does, into a directory of this run's. */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "govdr-console-"));
  await buildConsole(path.join(dir, "dist"));
  project.provide("consoleRoot", path.join(dir, "dist"));
  return () => rmSync(dir, { recursive: true, force: true });
}
