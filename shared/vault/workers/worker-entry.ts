// The vault worker thread's entry when running from source (tsx); bundles use their own entry.
import { runVaultWorker } from "./worker.ts";

runVaultWorker();
