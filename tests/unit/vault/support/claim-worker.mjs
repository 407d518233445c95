// A worker thread for the SharedIdSet test: says it is ready, waits for the signal to start (so
// every thread claims at the same time), claims every id it was given in its own order, and
// answers with the ids this thread added.
import { parentPort, workerData } from "node:worker_threads";
import { tsImport } from "tsx/esm/api";

const { SharedIdSet } = await tsImport("../../../../shared/vault/workers/shared-id-set.ts", import.meta.url);
const set = new SharedIdSet(workerData.buffer);
const start = new Int32Array(workerData.start);
parentPort.postMessage("ready");
Atomics.wait(start, 0, 0);
const added = workerData.ids.filter((id) => set.claim(id) === true);
parentPort.postMessage(added);
