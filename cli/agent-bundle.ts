import path from "node:path";
import { build } from "esbuild";
import { projectRoot } from "./paths.ts";

/**
 * The agent as it ships: `govdr-agent.mjs` (the CLI, with the AWS SDK) and `vault-worker.mjs` (only
 * what a worker thread needs: chunking, fingerprints, crypto, file I/O). Workers load the small file,
 * so each thread's isolate does not carry the SDK (about 20 MiB of RSS per worker).
 */
export async function buildAgentBundle(outdir: string): Promise<{ agent: string; worker: string }> {
  await build({
    entryPoints: {
      "govdr-agent": path.join(projectRoot, "cli", "bin", "agent-entry.ts"),
      "vault-worker": path.join(projectRoot, "shared", "vault", "workers", "worker-entry.ts"),
    },
    outdir,
    outExtension: { ".js": ".mjs" },
    // The AWS SDK goes into chunks loaded only for S3 repositories (see cli/vault/repository-access.ts).
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: "warning",
  });
  return { agent: path.join(outdir, "govdr-agent.mjs"), worker: path.join(outdir, "vault-worker.mjs") };
}
