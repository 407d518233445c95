// Entry point of the single-file agent (agent/single-file.ts builds it as a Node.js single executable
// application): the CLI on the main thread; its worker threads run the worker bundle it carries, and
// extended attributes go through the addon it carries for its architecture, if it has one. The
// workers a command needs start first, while the rest of the agent loads (see startWorkersEarly).
import { getAsset } from "node:sea";
import { extractXattrAddon } from "../../shared/vault/native/embedded-xattr-addon.ts";
import { useXattrAddon } from "../../shared/vault/native/xattr-addon.ts";
import { startWorkersEarly, useEmbeddedWorkerSource } from "../../shared/vault/workers/pool.ts";
import { workersFor } from "../early-workers.ts";

useEmbeddedWorkerSource(getAsset("vault-worker.js", "utf8"));
startWorkersEarly(workersFor(process.argv));
useXattrAddon(extractXattrAddon(() => getAsset(`xattr-linux-${process.arch}.node`)));
import("../main.ts")
  .then(({ agentMain }) => agentMain(process.argv))
  .then((code) => {
    process.exitCode = code;
  });
