// Entry point of the bundled agent (agent/bundle.ts builds it): the CLI on the main thread; its
// worker threads run the sibling bundle vault-worker.mjs; extended attributes go through xattr.node.
// The workers a command needs start first, while the rest of the agent loads (see startWorkersEarly).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { useXattrAddon } from "../../shared/vault/native/xattr-addon.ts";
import { startWorkersEarly, useBundledWorkerScript } from "../../shared/vault/workers/pool.ts";
import { workersFor } from "../early-workers.ts";

useBundledWorkerScript(fileURLToPath(new URL("./vault-worker.mjs", import.meta.url)));
startWorkersEarly(workersFor(process.argv));
useXattrAddon(bundledXattrAddon());
const { agentMain } = await import("../main.ts");
process.exitCode = await agentMain(process.argv);

/** The addon built beside the bundle, or why the build has none (agent/bundle.ts). */
function bundledXattrAddon() {
  try {
    const why = readFileSync(new URL("./xattr.missing", import.meta.url), "utf8");
    return { unavailable: `this agent was built without its xattr addon: ${why}` };
  } catch {
    return { file: fileURLToPath(new URL("./xattr.node", import.meta.url)) };
  }
}
