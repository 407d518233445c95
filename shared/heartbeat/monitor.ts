import { ConflictError, GovdrError } from "../errors.ts";
import type { DrPolicy } from "../policies/policy-schema.ts";
import type { Page } from "../stores/page.ts";
import type { ProtectedSystem } from "../systems/system.ts";
import {
  type HeartbeatEvent,
  type HeartbeatSample,
  type HeartbeatState,
  type HeartbeatTarget,
  initialHeartbeatState,
  nextState,
  pendingEvent,
  targetFromPolicy,
} from "./heartbeat.ts";
import type { ProbeResult } from "./probe.ts";

/** The registry of what the monitor probes: kept by whoever sets a system's policy (syncTarget). */
export interface HeartbeatTargets {
  list(): AsyncIterable<HeartbeatTarget> | Promise<HeartbeatTarget[]>;
  get(tenantId: string, systemId: string): Promise<HeartbeatTarget | undefined>;
  put(target: HeartbeatTarget): Promise<void>;
  remove(tenantId: string, systemId: string): Promise<void>;
}

/** Every probe of a system, newest first, kept 30 days. */
export interface HeartbeatHistory {
  record(sample: HeartbeatSample): Promise<void>;
  list(
    tenantId: string,
    systemId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<HeartbeatSample>>;
}

/** Each system's heartbeat state between probes. */
export interface HeartbeatStates {
  get(tenantId: string, systemId: string): Promise<HeartbeatState | undefined>;
  /**
   * Stores the state if the stored one is at `state.version - 1` (version 1: none is stored yet);
   * otherwise a ConflictError STALE_VERSION.
   */
  put(state: HeartbeatState): Promise<void>;
  listFor(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<HeartbeatState>>;
}

/**
 * What the platform does on a breach (an automatic failover, or a request for approval) and when the
 * system answers again. Called again on the next probe until they return, so they must be idempotent
 * per `state.breachedAt` / `state.recoveredAt`.
 */
export interface HeartbeatHandlers {
  onBreach(target: HeartbeatTarget, state: HeartbeatState): Promise<void>;
  onRecovery(target: HeartbeatTarget, state: HeartbeatState): Promise<void>;
}

export interface HeartbeatDeps extends HeartbeatHandlers {
  targets: Pick<HeartbeatTargets, "list">;
  history: Pick<HeartbeatHistory, "record">;
  states: Pick<HeartbeatStates, "get" | "put">;
  probe: (target: HeartbeatTarget) => Promise<ProbeResult>;
  now: () => Date;
  /** Resolves at `date` (at once if it is past); tests pass a fake clock's. */
  waitUntil: (date: Date) => Promise<void>;
  log?: (level: "info" | "warn" | "error", message: string, details?: Record<string, unknown>) => void;
}

export interface WindowResult {
  targets: number;
  probes: number;
  misses: number;
  breaches: number;
  recoveries: number;
  handlerFailures: number;
}

/** Probes in flight at once, over all targets. */
export const defaultConcurrency = 32;

/** Resolves after `ms` of real time. */
export const realWaitUntil =
  (now: () => Date = () => new Date()) =>
  (date: Date): Promise<void> => {
    const ms = date.getTime() - now().getTime();
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  };

/** A counting semaphore: at most `limit` holders. */
function semaphore(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else active += 1;
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

/** Keeps a system's target to its policy: registered while it has a heartbeat and an endpoint. */
export async function syncTarget(
  targets: Pick<HeartbeatTargets, "put" | "remove">,
  system: Pick<ProtectedSystem, "tenantId" | "systemId" | "healthEndpoint" | "policyVersion">,
  policy: Pick<DrPolicy, "failover"> | undefined,
): Promise<HeartbeatTarget | undefined> {
  const target = targetFromPolicy(system, policy);
  if (target) await targets.put(target);
  else await targets.remove(system.tenantId, system.systemId);
  return target;
}

async function allTargets(targets: HeartbeatDeps["targets"]): Promise<HeartbeatTarget[]> {
  const listed = targets.list();
  if (Array.isArray(listed) || listed instanceof Promise) return [...(await listed)];
  const all: HeartbeatTarget[] = [];
  for await (const target of listed) all.push(target);
  return all;
}

const staleVersion = (error: unknown) => error instanceof ConflictError && error.code === "STALE_VERSION";

/**
 * One invocation's window (000 §7.5.5(2), R-FO-02): probes every target at its own interval, the
 * first probe at once (or when the stored state says the next is due), until the window ends; a probe
 * due after the end is left to the next invocation, which reads `lastProbeAt`. Every sample is kept;
 * the state is stored after every probe, so a run of misses continues across invocations. A breach
 * or recovery is stored before its handler is called, and the handler's success after: a handler
 * that fails (or a crash between) is called again on the next probe, so no breach is lost.
 */
export async function runHeartbeatWindow(
  deps: HeartbeatDeps,
  options: { windowMs: number; concurrency?: number },
): Promise<WindowResult> {
  const started = deps.now();
  const end = started.getTime() + options.windowMs;
  const limit = semaphore(options.concurrency ?? defaultConcurrency);
  const result: WindowResult = {
    targets: 0,
    probes: 0,
    misses: 0,
    breaches: 0,
    recoveries: 0,
    handlerFailures: 0,
  };
  const failed: string[] = [];
  const targets = await allTargets(deps.targets);
  result.targets = targets.length;

  const save = async (state: HeartbeatState): Promise<HeartbeatState> => {
    const stored = { ...state, version: state.version + 1 };
    await deps.states.put(stored);
    return stored;
  };

  /** Calls the handler a state owes; its success is stored, its failure logged and left for the next probe. */
  const settle = async (target: HeartbeatTarget, state: HeartbeatState): Promise<HeartbeatState> => {
    const event = pendingEvent(state);
    if (!event) return state;
    try {
      await (event === "breach" ? deps.onBreach(target, state) : deps.onRecovery(target, state));
    } catch (error) {
      result.handlerFailures += 1;
      deps.log?.("error", `heartbeat ${event} handler failed; it is called again on the next probe`, {
        tenantId: target.tenantId,
        systemId: target.systemId,
        error: (error as Error).message,
      });
      return state;
    }
    const handledAt = deps.now().toISOString();
    return save(
      event === "breach"
        ? { ...state, breachHandledAt: handledAt }
        : { ...state, recoveryHandledAt: handledAt },
    );
  };

  /**
   * Applies a sample and stores the result. When another invocation stored the state meanwhile (an
   * event delivered twice), its state is taken as it is if it probed within this interval, so that
   * one outage is not counted twice; otherwise the sample is applied to it, and after three
   * contended tries the other invocation's state stands.
   */
  const apply = async (
    target: HeartbeatTarget,
    state: HeartbeatState,
    sample: HeartbeatSample,
  ): Promise<{ state: HeartbeatState; event?: HeartbeatEvent }> => {
    let current = state;
    for (let attempt = 0; ; attempt += 1) {
      const next = nextState(current, sample, target);
      try {
        return { state: await save(next.state), event: next.event };
      } catch (error) {
        if (!staleVersion(error)) throw error;
        current =
          (await deps.states.get(target.tenantId, target.systemId)) ??
          initialHeartbeatState(target.tenantId, target.systemId);
        // Still contended after three tries: the other invocation keeps the state, and this
        // sample (kept in the history) does not count twice. Not a failure of this run.
        if (attempt >= 2) return { state: current };
        const otherProbe = current.lastProbeAt ? Date.parse(current.lastProbeAt) : 0;
        if (otherProbe > Date.parse(sample.at) - (target.intervalSeconds * 1000) / 2)
          return { state: current };
      }
    }
  };

  const watch = async (target: HeartbeatTarget): Promise<void> => {
    const interval = target.intervalSeconds * 1000;
    let state: HeartbeatState | undefined;
    /** When the next probe may start at the earliest, whatever the store says (it may have failed). */
    let notBefore = started.getTime();
    let firstError: string | undefined;
    for (;;) {
      try {
        state ??=
          (await deps.states.get(target.tenantId, target.systemId)) ??
          initialHeartbeatState(target.tenantId, target.systemId);
        const due = state.lastProbeAt ? Date.parse(state.lastProbeAt) + interval : notBefore;
        const at = Math.max(due, notBefore, deps.now().getTime());
        if (at >= end) break;
        await deps.waitUntil(new Date(at));
        const sample = await limit(async () => {
          const probeStart = deps.now();
          notBefore = probeStart.getTime() + interval;
          const probed = await deps.probe(target);
          return {
            tenantId: target.tenantId,
            systemId: target.systemId,
            at: probeStart.toISOString(),
            ...probed,
          };
        });
        result.probes += 1;
        if (!sample.ok) result.misses += 1;
        const applied = await apply(target, state, sample);
        state = applied.state;
        if (applied.event === "breach") result.breaches += 1;
        if (applied.event === "recovery") result.recoveries += 1;
        if (applied.event) {
          deps.log?.(applied.event === "breach" ? "warn" : "info", `heartbeat ${applied.event}`, {
            tenantId: target.tenantId,
            systemId: target.systemId,
            consecutiveFailures: state.consecutiveFailures,
            firstFailureAt: state.firstFailureAt,
          });
        }
        state = await settle(target, state);
        await deps.history.record(sample);
      } catch (error) {
        // A store that failed: the state is read again before the next probe, one interval later.
        // Another invocation writing the state first (overlapping windows, D-48) is contention, not
        // a failure: its state is read again, and a handler whose mark lost the race runs again
        // (handlers are idempotent) until one is stored.
        if (!staleVersion(error)) firstError ??= (error as Error).message;
        deps.log?.("error", "heartbeat state or sample could not be kept", {
          tenantId: target.tenantId,
          systemId: target.systemId,
          error: (error as Error).message,
        });
        state = undefined;
        if (notBefore <= deps.now().getTime()) notBefore = deps.now().getTime() + interval;
      }
    }
    if (firstError) failed.push(`${target.tenantId}/${target.systemId}: ${firstError}`);
  };

  await Promise.all(
    targets.map((target) =>
      watch(target).catch((error: unknown) => {
        failed.push(`${target.tenantId}/${target.systemId}: ${(error as Error).message}`);
      }),
    ),
  );
  if (failed.length > 0) {
    throw new GovdrError(
      "DEPENDENCY_UNAVAILABLE",
      `${failed.length} heartbeat targets could not be kept: ${failed.join("; ")}`,
    );
  }
  return result;
}
