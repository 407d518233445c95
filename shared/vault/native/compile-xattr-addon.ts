import { execFileSync } from "node:child_process";
import { existsSync, renameSync, rmSync } from "node:fs";
import path from "node:path";

/** The addon's C source, relative to the project root (bundles list it among their inputs). */
export const xattrAddonSource = "shared/vault/native/xattr.c";

/**
 * Compiles the xattr addon (xattr.c) into `outFile` with `compiler` (by default the system's C
 * compiler, `CC` or else `cc`; a cross compiler builds it for another architecture) against the
 * Node-API headers of the project's Node.js package, which `npm ci` installs (node-gyp would
 * download them; they are the same for every architecture). Undefined when built, else why not:
 * the agent then runs without xattrs.
 */
export function compileXattrAddon(
  outFile: string,
  projectRoot: string,
  compiler = process.env.CC || "cc",
): string | undefined {
  const include = [process.arch, "x64", "arm64"]
    .map((arch) => path.join(projectRoot, `node_modules/node-linux-${arch}/include/node`))
    .find((dir) => existsSync(path.join(dir, "node_api.h")));
  if (!include) return "the Node-API headers of the project's Node.js package are not installed";
  const temporary = `${outFile}.${process.pid}.tmp`;
  try {
    execFileSync(
      compiler,
      [
        "-O2",
        "-fPIC",
        "-shared",
        "-Wall",
        "-I",
        include,
        "-o",
        temporary,
        path.join(projectRoot, xattrAddonSource),
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    // A whole file or none: a run loading it at the same time never sees half of one.
    renameSync(temporary, outFile);
    return undefined;
  } catch (error) {
    rmSync(temporary, { force: true });
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (code === "ENOENT") return `no C compiler (${compiler}) to build the xattr addon`;
    return `the xattr addon did not compile: ${stderr?.toString().trim().split("\n")[0] ?? String(error)}`;
  }
}
