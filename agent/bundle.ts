import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { compileXattrAddon, xattrAddonSource } from "../shared/vault/native/compile-xattr-addon.ts";

/**
 * The agent as it ships: `govdr-agent.mjs` (the CLI, with the AWS SDK) and `vault-worker.mjs` (only
 * what a worker thread needs: chunking, fingerprints, crypto, file I/O). Workers load the small file,
 * so each thread's isolate does not carry the SDK (about 20 MiB of RSS per worker). Beside them
 * `xattr.node`, the extended-attribute addon, when this host can compile it, else `xattr.missing`
 * saying why (the agent then runs without extended attributes, D-55).
 */
export async function buildAgentBundle(
  outdir: string,
  projectRoot = fileURLToPath(new URL("..", import.meta.url)),
): Promise<{ agent: string; worker: string; sources: string[] }> {
  mkdirSync(outdir, { recursive: true });
  const xattrFailure = compileXattrAddon(path.join(outdir, "xattr.node"), projectRoot);
  const { metafile } = await build({
    absWorkingDir: projectRoot,
    metafile: true,
    entryPoints: {
      "govdr-agent": fileURLToPath(new URL("./bin/agent-entry.ts", import.meta.url)),
      "vault-worker": fileURLToPath(new URL("../shared/vault/workers/worker-entry.ts", import.meta.url)),
    },
    outdir,
    outExtension: { ".js": ".mjs" },
    // The AWS SDK goes into chunks loaded only for S3 repositories (see agent/vault/repository-access.ts).
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: "warning",
    define: { GOVDR_AGENT_VERSION: JSON.stringify(agentBuildVersion(projectRoot)) },
    plugins: [englishOnlyZod],
  });
  // The project's own files it was built from (packages are pinned by package-lock.json).
  const sources = Object.keys(metafile.inputs).filter(
    (file) => !file.includes("node_modules/") && !file.includes(":"),
  );
  sources.push(xattrAddonSource);
  if (xattrFailure) writeFileSync(path.join(outdir, "xattr.missing"), xattrFailure);
  return {
    agent: path.join(outdir, "govdr-agent.mjs"),
    worker: path.join(outdir, "vault-worker.mjs"),
    sources,
  };
}

/** The package's version and the commit it was built from (`0.1.0+c10c2bd`; `+dev` outside git). */
export function agentBuildVersion(projectRoot: string): string {
  const { version } = JSON.parse(readFileSync(path.join(projectRoot, "package.json"), "utf8")) as {
    version: string;
  };
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: projectRoot,
      stdio: ["ignore", "pipe", "ignore"],
    });
    return `${version}+${commit.toString().trim()}`;
  } catch {
    return `${version}+dev`;
  }
}

/**
 * zod's classic API re-exports all its locales, about 370 KB that every start of the agent would
 * parse. The agent speaks English, zod's default (which zod imports on its own), so the locale
 * index becomes an empty module.
 */
export const englishOnlyZod: Plugin = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.split(path.sep).includes("zod")
        ? { path: "locales", namespace: "zod-english-only" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod-english-only" }, () => ({ contents: "export {};" }));
  },
};
