import { ConflictError } from "../../shared/errors.ts";
import {
  type HeartbeatSample,
  type HeartbeatState,
  type HeartbeatTarget,
  heartbeatSampleSchema,
  heartbeatStateSchema,
  heartbeatTargetSchema,
} from "../../shared/heartbeat/heartbeat.ts";
import type { HeartbeatHistory, HeartbeatStates, HeartbeatTargets } from "../../shared/heartbeat/monitor.ts";
import { decodeCursor, encodeCursor, type Page } from "../../shared/stores/page.ts";

const key = (tenantId: string, systemId: string) => `${tenantId}#${systemId}`;

/** One page of `items` (already in order) from an offset cursor. */
function pageOf<T>(items: T[], page: { limit: number; cursor?: string }): Page<T> {
  const start = Number(decodeCursor(page.cursor)?.offset ?? 0);
  const slice = items.slice(start, start + page.limit);
  const next = start + page.limit < items.length ? encodeCursor({ offset: start + page.limit }) : undefined;
  return { items: slice, nextCursor: next };
}

/** The registry in memory, in tenant and system order as the DynamoDB one lists it. */
export class MemoryHeartbeatTargets implements HeartbeatTargets {
  readonly map = new Map<string, HeartbeatTarget>();

  async list(): Promise<HeartbeatTarget[]> {
    return [...this.map.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, target]) => target);
  }
  async get(tenantId: string, systemId: string) {
    return this.map.get(key(tenantId, systemId));
  }
  async put(target: HeartbeatTarget) {
    const valid = heartbeatTargetSchema.parse(target);
    this.map.set(key(valid.tenantId, valid.systemId), valid);
  }
  async remove(tenantId: string, systemId: string) {
    this.map.delete(key(tenantId, systemId));
  }
}

/** States in memory with the adapter's optimistic versions. */
export class MemoryHeartbeatStates implements HeartbeatStates {
  readonly map = new Map<string, HeartbeatState>();
  /** Writes so far, in order (every version stored). */
  readonly writes: HeartbeatState[] = [];
  /** Makes the next `put`s fail, to test a store that is down. */
  failPuts = 0;

  async get(tenantId: string, systemId: string) {
    const state = this.map.get(key(tenantId, systemId));
    return state ? structuredClone(state) : undefined;
  }
  async put(state: HeartbeatState) {
    if (this.failPuts > 0) {
      this.failPuts -= 1;
      throw new Error("the table is unavailable");
    }
    const valid = heartbeatStateSchema.parse(state);
    const stored = this.map.get(key(valid.tenantId, valid.systemId));
    if ((stored?.version ?? 0) !== valid.version - 1) throw new ConflictError("stale", "STALE_VERSION");
    this.map.set(key(valid.tenantId, valid.systemId), structuredClone(valid));
    this.writes.push(structuredClone(valid));
  }
  async listFor(tenantId: string, page: { limit: number; cursor?: string }) {
    const items = [...this.map.values()]
      .filter((state) => state.tenantId === tenantId)
      .sort((a, b) => (a.systemId < b.systemId ? -1 : 1));
    return pageOf(items, page);
  }
}

/** Samples in memory, listed newest first. */
export class MemoryHeartbeatHistory implements HeartbeatHistory {
  readonly samples: HeartbeatSample[] = [];

  async record(sample: HeartbeatSample) {
    this.samples.push(heartbeatSampleSchema.parse(sample));
  }
  async list(tenantId: string, systemId: string, page: { limit: number; cursor?: string }) {
    const items = this.samples
      .filter((s) => s.tenantId === tenantId && s.systemId === systemId)
      .sort((a, b) => (a.at < b.at ? 1 : -1));
    return pageOf(items, page);
  }
  of(systemId: string) {
    return this.samples.filter((s) => s.systemId === systemId);
  }
}

/**
 * Virtual time for the monitor's window: `waitUntil` parks the caller; `run` lets every pending
 * promise settle, then wakes the earliest sleeper at its time, until the work is done. No real sleep.
 */
export class FakeClock {
  private time: number;
  private sleepers: { at: number; seq: number; wake: () => void }[] = [];
  private seq = 0;

  constructor(start: Date | string) {
    this.time = new Date(start).getTime();
  }

  now = (): Date => new Date(this.time);

  advance(ms: number) {
    this.time += ms;
  }

  /** Sets the clock to a later time (a next invocation). */
  set(at: Date | string) {
    this.time = Math.max(this.time, new Date(at).getTime());
  }

  waitUntil = (date: Date): Promise<void> => {
    if (date.getTime() <= this.time) return Promise.resolve();
    return new Promise<void>((wake) => {
      this.sleepers.push({ at: date.getTime(), seq: this.seq++, wake });
    });
  };

  /** Sleeps `ms` of virtual time (a slow probe). */
  sleep = (ms: number) => this.waitUntil(new Date(this.time + ms));

  async run<T>(work: Promise<T>): Promise<T> {
    let done = false;
    const result = work.finally(() => {
      done = true;
    });
    result.catch(() => undefined);
    for (;;) {
      for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
      if (done) return result;
      this.sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.sleepers.shift();
      if (!next) throw new Error("the work waits on something other than the clock");
      this.time = Math.max(this.time, next.at);
      next.wake();
    }
  }
}
