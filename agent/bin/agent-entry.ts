// Entry point of the bundled agent (agent/bundle.ts builds it): the CLI on the main thread; its
// worker threads run the sibling bundle vault-worker.mjs.
import { fileURLToPath } from "node:url";
import { useBundledWorkerScript } from "../../shared/vault/workers/pool.ts";
import { agentMain } from "../main.ts";

useBundledWorkerScript(fileURLToPath(new URL("./vault-worker.mjs", import.meta.url)));
process.exitCode = await agentMain(process.argv);
