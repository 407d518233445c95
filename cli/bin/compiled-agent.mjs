// The backup agent as `govdr` runs it: the esbuild bundle of agent/ (agent/bundle.ts), built on the
// first run after `npm ci` or after a change to its sources, then run as plain JavaScript (D-52).
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = fileURLToPath(new URL("../../", import.meta.url));
const buildDir = path.join(
  path.resolve(process.env.GOVDR_STATE_DIR || path.join(projectRoot, ".govdr")),
  "build",
);
const pointer = path.join(buildDir, "agent.json");
/** Where V8 keeps the agent's compiled code between runs (module.enableCompileCache). */
export const compileCacheDir = path.join(buildDir, "compile-cache");

/** The vault commands, which the compiled agent runs; every other command runs from source. */
export const agentCommands = new Set([
  "key",
  "init",
  "backup",
  "register",
  "restore",
  "snapshots",
  "verify",
  "diff",
  "agent",
]);

/** What a build was made from: each source file's size and modification time, and the lockfile's. */
const fingerprint = (file) => {
  try {
    const { size, mtimeMs } = statSync(path.join(projectRoot, file));
    return `${size}:${mtimeMs}`;
  } catch {
    return "missing";
  }
};

/** The built agent's entry when its build is of the sources as they are now, else undefined. */
function current() {
  try {
    const built = JSON.parse(readFileSync(pointer, "utf8"));
    const stale = Object.entries(built.inputs).some(([file, seen]) => fingerprint(file) !== seen);
    return stale ? undefined : path.join(buildDir, built.dir, "govdr-agent.mjs");
  } catch {
    return undefined;
  }
}

/**
 * Builds the agent into a new directory and points at it, so a run that started on the earlier
 * build finishes on it and two first runs at once each end with a whole build.
 */
async function build() {
  const { register } = await import("tsx/esm/api");
  const unregister = register();
  const { buildAgentBundle } = await import("../../agent/bundle.ts");
  const dir = `agent-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  mkdirSync(buildDir, { recursive: true });
  rmSync(compileCacheDir, { recursive: true, force: true }); // code of the earlier build's files
  const { agent, sources } = await buildAgentBundle(path.join(buildDir, dir), projectRoot);
  await unregister();
  const inputs = Object.fromEntries(
    [...sources, "package-lock.json"].map((file) => [file, fingerprint(file)]),
  );
  const temporary = `${pointer}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify({ dir, builtAt: new Date().toISOString(), inputs }));
  renameSync(temporary, pointer);
  removeEarlierBuilds(dir);
  return agent;
}

/** Builds older than an hour that the pointer no longer names (a run may still be using a newer one). */
function removeEarlierBuilds(keep) {
  for (const name of readdirSync(buildDir)) {
    if (!name.startsWith("agent-") || name === keep) continue;
    const where = path.join(buildDir, name);
    if (Date.now() - statSync(where).mtimeMs > 3_600_000) rmSync(where, { recursive: true, force: true });
  }
}

/** The compiled agent's entry script, built first when there is none of the current sources. */
export async function compiledAgent() {
  return current() ?? (await build());
}
