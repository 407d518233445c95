// How well the per-file work of a small-file backup spreads over two threads on this machine: each
// operation runs N times on one thread, then N/2 times on each of two worker threads started
// together. Two threads that do not contend take half the time each.
//
//   npm run bench:threads            (GOVDR_BENCH_DIR: where the 20,000 test files go)
import { createCipheriv, createHash, createHmac, randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { sm4Ctr, sm4Key } from "../../shared/vault/sm4/sm4-ctr.ts";

const count = 20_000;
const root = path.join(process.env.GOVDR_BENCH_DIR ?? tmpdir(), "govdr-thread-scaling");
const files = Array.from({ length: count }, (_, i) =>
  path.join(root, `d${String(Math.floor(i / 100)).padStart(3, "0")}`, `f${i % 100}.bin`),
);
const key = randomBytes(32);
const nonce = randomBytes(12);
const block = randomBytes(4096);
const sm4CtrKey = sm4Key(randomBytes(16));
const nonce16 = randomBytes(16);
const buffer = Buffer.allocUnsafe(16 << 10);

const operations: Record<string, (file: string) => void> = {
  "open, fstat, read, close": (file) => {
    const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    fstatSync(fd, { bigint: true });
    readSync(fd, buffer, 0, buffer.length, 0);
    closeSync(fd);
  },
  "HMAC-SHA256 of 4 KiB": () => createHmac("sha256", key).update(block).digest("hex"),
  "HMAC-SM3 of 4 KiB": () => createHmac("sm3", key).update(block).digest(),
  "SHA-256 of 4 KiB": () => createHash("sha256").update(block).digest(),
  "AES-256-GCM of 4 KiB": () => {
    const cipher = createCipheriv("aes-256-gcm", key, nonce);
    cipher.update(block);
    cipher.final();
    cipher.getAuthTag();
  },
  "AES-256-GCM set-up only": () => createCipheriv("aes-256-gcm", key, nonce),
  "SM4-CTR of 4 KiB (our kernel)": () => sm4Ctr(sm4CtrKey, nonce16, block),
};

/** Milliseconds for `operation` over `list`, after a warm-up of 2,000. */
function timed(operation: string, list: string[]): number {
  const run = operations[operation] as (file: string) => void;
  for (const file of list.slice(0, 2000)) run(file);
  const start = performance.now();
  for (const file of list) run(file);
  return performance.now() - start;
}

/** Worker threads do not inherit tsx's loader: each loads this file through tsx's API. */
const loadThisFile = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then(({ tsImport }) => tsImport(${JSON.stringify(import.meta.url)}, ${JSON.stringify(import.meta.url)}))`;

if (isMainThread) {
  rmSync(root, { recursive: true, force: true });
  for (const file of files) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(4096));
  }
  console.log(
    `| operation (${count} times) | one thread, ms | two threads, ${count / 2} each, ms | speed-up |`,
  );
  console.log("|---|---|---|---|");
  for (const operation of Object.keys(operations)) {
    const one = timed(operation, files);
    const gate = new SharedArrayBuffer(4);
    const halves = await Promise.all(
      [0, 1].map(
        (half) =>
          new Promise<number>((resolve, reject) => {
            const worker = new Worker(loadThisFile, { eval: true, workerData: { operation, half, gate } });
            worker.once("message", resolve);
            worker.once("error", reject);
          }),
      ),
    );
    const speedUp = one / Math.max(...halves);
    console.log(
      `| ${operation} | ${one.toFixed(0)} | ${halves.map((ms) => ms.toFixed(0)).join(" / ")} | ${speedUp.toFixed(2)} |`,
    );
  }
  rmSync(root, { recursive: true, force: true });
} else {
  const { operation, half, gate } = workerData as {
    operation: string;
    half: number;
    gate: SharedArrayBuffer;
  };
  const mine = files.slice((half * count) / 2, ((half + 1) * count) / 2);
  // Both threads start together.
  const started = new Int32Array(gate);
  Atomics.add(started, 0, 1);
  while (Atomics.load(started, 0) < 2) Atomics.wait(started, 0, Atomics.load(started, 0), 1);
  parentPort?.postMessage(timed(operation, mine));
}
