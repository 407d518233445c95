import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { GovdrError } from "../../errors.ts";
import { RepositoryAccessError } from "../backend.ts";
import { BlobIntegrityError } from "../suites.ts";
import { RestoreOwnerError } from "./owner.ts";
import type { WorkerJob, WorkerReply, WorkerSetup } from "./protocol.ts";

/**
 * Where the worker code is: the bundle itself (set by a bundled entry), its source text (the
 * single-file agent carries it inside itself), or the TypeScript entry via tsx.
 */
let bundledScript: string | undefined;
let embeddedSource: string | undefined;
export function useBundledWorkerScript(file: string): void {
  bundledScript = file;
}
export function useEmbeddedWorkerSource(source: string): void {
  embeddedSource = source;
}

function spawn(): Worker {
  if (embeddedSource !== undefined) return new Worker(embeddedSource, { eval: true });
  return new Worker(bundledScript ?? fileURLToPath(new URL("./worker-bootstrap.mjs", import.meta.url)));
}

/** A pool's size unless told otherwise: one worker per core. */
export const workersPerCore = () => Math.max(1, cpus().length);

interface EarlyWorker {
  worker: Worker;
  /** It failed or stopped before a pool took it: then the pool starts another, which reports why. */
  gone: boolean;
}
let earlyWorkers: EarlyWorker[] = [];

/**
 * Starts `count` workers now, before the agent's own modules load, for the first pool to take. A
 * worker takes about as long to boot as the main thread takes to load the agent; started at once,
 * the two overlap instead of one waiting for the other. They keep no process alive, so a command
 * that ends up needing none exits as usual.
 */
export function startWorkersEarly(count: number): Worker[] {
  earlyWorkers = Array.from({ length: count }, () => {
    const early: EarlyWorker = { worker: spawn(), gone: false };
    const gone = () => {
      early.gone = true;
    };
    early.worker.once("error", gone).once("exit", gone).unref();
    return early;
  });
  return earlyWorkers.map(({ worker }) => worker);
}

/** An early worker still alive, or a new one. */
function takeWorker(): Worker {
  for (let early = earlyWorkers.shift(); early; early = earlyWorkers.shift()) {
    if (!early.gone) return early.worker;
    void early.worker.terminate();
  }
  return spawn();
}

/** A worker failed with an error the main thread does not rebuild; `workerErrorName` is what it was. */
export class VaultWorkerError extends GovdrError {
  constructor(
    readonly workerErrorName: string,
    message: string,
  ) {
    super("VAULT_WORKER_FAILED", `${workerErrorName}: ${message}`);
  }
}

/** Errors of a worker that reach its caller as themselves, by name. */
const rebuilt = new Map<string, new (message: string) => Error>(
  [BlobIntegrityError, RestoreOwnerError, RepositoryAccessError].map((error) => [new error("").name, error]),
);

/**
 * A worker's failure as the error its caller expects: damage stays a BlobIntegrityError (exit code
 * 4), a refused owner a RestoreOwnerError, storage that refused a worker's read (D-59) a
 * RepositoryAccessError.
 */
function workerError(name: string, message: string): Error {
  const Rebuilt = rebuilt.get(name);
  return Rebuilt ? new Rebuilt(message) : new VaultWorkerError(name, message);
}

type Job = Exclude<WorkerJob, { kind: "ack" | "setup" }>;
type Handler = (reply: WorkerReply, worker: Worker) => Promise<boolean> | boolean;

interface Slot {
  worker: Worker;
  inFlight: number;
}

/**
 * One worker thread per core. The threads start at once and wait for `configure` (so they can start
 * while the repository key is unwrapped) without keeping the process alive until then. A job goes to
 * the worker with the fewest jobs in flight, or to every worker to share (`submitToAll`); at most
 * `depth` jobs per worker, so a producer that awaits a submission is held back when the workers are
 * busy.
 */
export class WorkerPool {
  private readonly workers: Slot[];
  private readonly handlers = new Map<
    number,
    { handle: Handler; done: () => void; fail: (e: Error) => void; working: Set<Slot> }
  >();
  private nextJob = 0;
  private readonly waiting: (() => void)[] = [];
  private failure: Error | undefined;
  private closing = false;
  private configured = false;
  /** Replies are handled one at a time, in arrival order: a job's blobs are stored before it finishes. */
  private replies: Promise<void> = Promise.resolve();

  constructor(
    size = workersPerCore(),
    private readonly depth = 2,
  ) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => {
      const slot = { worker: takeWorker(), inFlight: 0 };
      slot.worker.on("message", (reply: WorkerReply) => {
        this.replies = this.replies.then(() => this.receive(reply, slot));
      });
      slot.worker.on("error", (error) => this.abort(error));
      slot.worker.on("exit", (code) => {
        if (!this.closing) this.abort(new Error(`a vault worker stopped unexpectedly (exit code ${code})`));
      });
      // After the listeners: adding a message listener refs the worker again.
      slot.worker.unref();
      return slot;
    });
    // Early workers beyond this pool's size: the first pool is the one they were started for.
    for (const { worker } of earlyWorkers.splice(0)) void worker.terminate();
  }

  /** Gives every worker what it needs to work for a repository; jobs may follow at once. */
  configure(setup: WorkerSetup): void {
    if (this.configured) throw new Error("a worker pool serves one repository");
    this.configured = true;
    for (const { worker } of this.workers) {
      worker.postMessage({ kind: "setup", setup } satisfies WorkerJob);
      worker.ref();
    }
  }

  /** Fails every job in flight and every later submission with `error`. */
  abort(error: Error): void {
    this.failure ??= error;
    for (const handler of this.handlers.values()) handler.fail(error);
    this.handlers.clear();
    for (const wake of this.waiting.splice(0)) wake();
  }

  private async receive(reply: WorkerReply, slot: Slot) {
    const handler = this.handlers.get(reply.job);
    if (!handler) return;
    try {
      if (reply.kind === "failed") throw workerError(reply.name, reply.message);
      const finished = await handler.handle(reply, slot.worker);
      if (!finished) return;
      this.release(handler.working, [slot]);
      if (handler.working.size > 0) return;
      this.handlers.delete(reply.job);
      handler.done();
    } catch (error) {
      this.handlers.delete(reply.job);
      this.release(handler.working, [...handler.working]);
      handler.fail(error as Error);
    }
  }

  /** The slots' part of a job is over: they have room for another. */
  private release(working: Set<Slot>, slots: Slot[]) {
    for (const slot of slots) {
      if (!working.delete(slot)) continue;
      slot.inFlight -= 1;
      this.waiting.shift()?.();
    }
  }

  /** Settles once every reply received so far was handled. */
  settled(): Promise<void> {
    return this.replies;
  }

  /**
   * Sends a job once a worker has room; `handle` sees each reply and says when the job is finished.
   * Resolves when the job was sent; the returned promise `finished` settles with the job. `transfer`:
   * buffers the job carries, moved to the worker rather than copied.
   */
  submit(
    make: (job: number) => Job,
    handle: Handler,
    transfer: ArrayBuffer[] = [],
  ): Promise<{ finished: Promise<void> }> {
    return this.send(
      make,
      handle,
      () => [this.workers.reduce((a, b) => (b.inFlight < a.inFlight ? b : a))],
      transfer,
    );
  }

  /**
   * Sends a job to every worker once all have room; `handle` says when one worker's part is
   * finished, and the job is finished when every worker's is.
   */
  submitToAll(make: (job: number) => Job, handle: Handler): Promise<{ finished: Promise<void> }> {
    return this.send(make, handle, () => this.workers);
  }

  private async send(
    make: (job: number) => Job,
    handle: Handler,
    choose: () => Slot[],
    transfer: ArrayBuffer[] = [],
  ): Promise<{ finished: Promise<void> }> {
    if (!this.configured) throw new Error("configure the worker pool before submitting jobs");
    for (;;) {
      if (this.failure) throw this.failure;
      const slots = choose();
      if (slots.every((slot) => slot.inFlight < this.depth)) {
        const job = this.nextJob++;
        const working = new Set(slots);
        for (const slot of slots) slot.inFlight += 1;
        const finished = new Promise<void>((done, fail) =>
          this.handlers.set(job, { handle, done, fail, working }),
        );
        finished.catch(() => undefined);
        const message = make(job);
        for (const slot of slots) slot.worker.postMessage(message, transfer);
        return { finished };
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }
}
