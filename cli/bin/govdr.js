#!/usr/bin/env node
// `npx govdr`: the backup agent compiled (built on its first run), the local stack's commands through tsx.
import { existsSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The project's Node.js (22 LTS, installed by `npm ci` into node_modules; docs/decisions.md D-37).
// npm scripts and npx put it first on PATH; started by another node, the CLI hands over to it.
const projectNode = fileURLToPath(new URL("../../node_modules/.bin/node", import.meta.url));
if (existsSync(projectNode) && realpathSync(projectNode) !== realpathSync(process.execPath)) {
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => undefined); // the child decides
  const { spawnSync } = await import("node:child_process");
  const { status, signal } = spawnSync(projectNode, process.argv.slice(1), { stdio: "inherit" });
  process.exit(status ?? (signal ? 128 : 1));
}

// The backup agent's commands run compiled (D-52): what units run is what the benchmark times.
const { agentCommands, compiledAgent, compileCacheDir } = await import("./compiled-agent.mjs");
if (agentCommands.has(process.argv[2] ?? "")) {
  const { pathToFileURL } = await import("node:url");
  const agent = await compiledAgent();
  // V8's compiled code of the agent's modules, kept beside the build: each start compiles less.
  const { enableCompileCache } = await import("node:module");
  enableCompileCache?.(compileCacheDir);
  await import(pathToFileURL(agent).href);
} else {
  // The local stack's own commands (up, deploy, test, emulator, demo) start TypeScript anyway.
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../main.ts");
  process.exitCode = await main(process.argv);
}
