// The vault worker thread's entry: run from source through worker-bootstrap.mjs (tsx), and bundled on
// its own as vault-worker.mjs (agent/bundle.ts), so that it loads only what a worker needs.
import { runVaultWorker } from "./worker.ts";

runVaultWorker();
