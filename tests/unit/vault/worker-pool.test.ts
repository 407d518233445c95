import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { startWorkersEarly, WorkerPool } from "../../../shared/vault/workers/pool.ts";

const pool = fileURLToPath(new URL("../../../shared/vault/workers/pool.ts", import.meta.url));
const setup = {
  masterKey: new Uint8Array(32),
  repositoryId: "0".repeat(32),
  chunkSizes: { min: 16 << 10, avg: 64 << 10, max: 256 << 10 },
  fingerprint: "hmac-sha256" as const,
  suite: "aes-256-gcm" as const,
  packSize: 1 << 20,
  knownIds: [],
};

/**
 * What a process prints that imports `name` from pool.ts, runs `statement` and prints "started":
 * it rejects if the process does not exit by itself within 30 s.
 */
async function outputOfScript(name: string, statement: string): Promise<string> {
  const script = `import { ${name} } from ${JSON.stringify(pool)}; ${statement}; console.log("started");`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", script],
    { timeout: 30_000 },
  );
  return stdout.trim();
}

describe("WorkerPool", () => {
  it("started but never configured, does not keep the process alive (a command failing early exits)", async () => {
    expect(await outputOfScript("WorkerPool", "new WorkerPool(2)")).toBe("started");
  }, 60_000);

  it("refuses jobs before it is configured, and a second configuration", async () => {
    const workers = new WorkerPool(1);
    try {
      await expect(
        workers.submit(
          (job) => ({ kind: "flush", job }),
          () => true,
        ),
      ).rejects.toThrow(/configure the worker pool/);
      workers.configure(setup);
      expect(() => workers.configure(setup)).toThrow(/one repository/);
    } finally {
      await workers.close();
    }
  });

  it("started early, before any pool, keep no process alive either", async () => {
    expect(await outputOfScript("startWorkersEarly", "startWorkersEarly(2)")).toBe("started");
  }, 60_000);

  it("takes the workers started early, and starts another in place of one that stopped", async () => {
    const [stopped, alive] = startWorkersEarly(2) as [Worker, Worker];
    await stopped.terminate();
    const workers = new WorkerPool(2);
    try {
      workers.configure(setup);
      const threads = new Set<number>();
      const { finished } = await workers.submitToAll(
        (job) => ({ kind: "flush", job }),
        (_reply, worker) => {
          threads.add(worker.threadId);
          return true;
        },
      );
      await finished;
      expect(threads.size).toBe(2);
      expect(threads.has(alive.threadId)).toBe(true);
    } finally {
      await workers.close();
    }
  }, 60_000);

  it("started early beyond the first pool's size are stopped", async () => {
    const early = startWorkersEarly(3);
    const workers = new WorkerPool(1);
    try {
      await Promise.all(
        early.slice(1).map((worker) => new Promise((stopped) => worker.once("exit", stopped))),
      );
    } finally {
      await workers.close();
    }
  }, 60_000);
});
