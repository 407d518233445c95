// Entry point of the bundled agent (tests/bench/vault-vs-restic.ts builds it): the same file runs the
// CLI on the main thread and the vault worker in worker threads.
import { fileURLToPath } from "node:url";
import { isMainThread } from "node:worker_threads";
import { useBundledWorkerScript } from "../../shared/vault/workers/pool.ts";
import { runVaultWorker } from "../../shared/vault/workers/worker.ts";
import { agentMain } from "../agent.ts";

if (isMainThread) {
  useBundledWorkerScript(fileURLToPath(import.meta.url));
  process.exitCode = await agentMain(process.argv);
} else {
  runVaultWorker();
}
