import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { WorkerPool } from "../../../shared/vault/workers/pool.ts";

const pool = fileURLToPath(new URL("../../../shared/vault/workers/pool.ts", import.meta.url));

describe("WorkerPool", () => {
  it("started but never configured, does not keep the process alive (a command failing early exits)", async () => {
    const script = `import { WorkerPool } from ${JSON.stringify(pool)}; new WorkerPool(2); console.log("started");`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      { timeout: 30_000 },
    );
    expect(stdout.trim()).toBe("started");
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
      const setup = {
        masterKey: new Uint8Array(32),
        repositoryId: "0".repeat(32),
        chunkSizes: { min: 16 << 10, avg: 64 << 10, max: 256 << 10 },
        fingerprint: "hmac-sha256" as const,
        suite: "aes-256-gcm" as const,
        packSize: 1 << 20,
        knownIds: [],
      };
      workers.configure(setup);
      expect(() => workers.configure(setup)).toThrow(/one repository/);
    } finally {
      await workers.close();
    }
  });
});
