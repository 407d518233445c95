// Entry point of the single-file agent (agent/single-file.ts builds it as a Node.js single executable
// application): the CLI on the main thread; its worker threads run the worker bundle it carries.
import { getAsset } from "node:sea";
import { useEmbeddedWorkerSource } from "../../shared/vault/workers/pool.ts";
import { agentMain } from "../main.ts";

useEmbeddedWorkerSource(getAsset("vault-worker.js", "utf8"));
agentMain(process.argv).then((code) => {
  process.exitCode = code;
});
