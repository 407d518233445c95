import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileXattrAddon, xattrAddonSource } from "./compile-xattr-addon.ts";

/** The syscalls xattr.c reaches: a descriptor, or a path that is never followed. */
export interface XattrAddon {
  /** undefined: none; a number: listxattr's errno; else `[name, value or getxattr's errno, …]`. */
  list(target: number | string): undefined | number | (string | Buffer | number)[];
  /** 0, or setxattr's errno. */
  set(target: number | string, name: string, value: Buffer): number;
}

/** Where the addon is, or why there is none; what the main thread tells its workers (WorkerSetup). */
export type XattrAddonLocation = { file: string } | { unavailable: string };

let location: XattrAddonLocation | undefined;
let locate: () => XattrAddonLocation = compiledFromSource;
let addon: XattrAddon | undefined;

/**
 * Bundled agents: the addon they carry (or why they carry none), or how to find it on first use.
 * Run from source, it is compiled on first use.
 */
export function useXattrAddon(where: XattrAddonLocation | (() => XattrAddonLocation)): void {
  location = typeof where === "function" ? undefined : where;
  if (typeof where === "function") locate = where;
  addon = undefined;
}

/** Tests: syscalls to use instead of the addon's (e.g. a file system that refuses). */
export function replaceXattrAddonForTests(replacement: XattrAddon | undefined): void {
  addon = replacement;
  location = replacement ? { file: "(replaced for tests)" } : undefined;
}

/**
 * The addon, loaded on first use; undefined when it cannot be (whyNoXattrAddon says why). In a
 * worker thread, from the location its main thread found; run from source, it is compiled into the
 * project's state directory (`.govdr/build/native/`) once per version of xattr.c.
 */
export function xattrAddon(): XattrAddon | undefined {
  if (addon) return addon;
  location ??= locate();
  if ("unavailable" in location) return undefined;
  try {
    const module = { exports: {} as XattrAddon };
    process.dlopen(module, location.file);
    addon = module.exports;
  } catch (error) {
    location = { unavailable: `the xattr addon does not load (${(error as Error).message.split("\n")[0]})` };
  }
  return addon;
}

/** Why xattrAddon() gives none. */
export function whyNoXattrAddon(): string {
  return location && "unavailable" in location ? location.unavailable : "no xattr addon";
}

/** Where the main thread found (or built) the addon, for its workers to load the same file. */
export function xattrAddonLocation(): XattrAddonLocation {
  xattrAddon();
  return location as XattrAddonLocation;
}

function compiledFromSource(): XattrAddonLocation {
  const projectRoot = fileURLToPath(new URL("../../../", import.meta.url));
  const source = readFileSync(path.join(projectRoot, xattrAddonSource));
  const id = createHash("sha256").update(source).update(process.arch).digest("hex").slice(0, 16);
  const state = path.resolve(process.env.GOVDR_STATE_DIR || path.join(projectRoot, ".govdr"));
  const file = path.join(state, "build", "native", `xattr-${id}.node`);
  if (existsSync(file)) return { file };
  mkdirSync(path.dirname(file), { recursive: true });
  const failure = compileXattrAddon(file, projectRoot);
  return failure ? { unavailable: failure } : { file };
}
