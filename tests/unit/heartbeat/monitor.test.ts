import { describe, expect, it } from "vitest";
import type { HeartbeatState, HeartbeatTarget } from "../../../shared/heartbeat/heartbeat.ts";
import { type HeartbeatDeps, runHeartbeatWindow, syncTarget } from "../../../shared/heartbeat/monitor.ts";
import type { ProbeResult } from "../../../shared/heartbeat/probe.ts";
import {
  FakeClock,
  MemoryHeartbeatHistory,
  MemoryHeartbeatStates,
  MemoryHeartbeatTargets,
} from "../../support/memory-heartbeat.ts";

const tenantId = "t-000000000001";
const t0 = "2026-12-07T10:00:00.000Z";
const seconds = (s: number) => new Date(Date.parse(t0) + s * 1000).toISOString();
const windowMs = 55_000;

const target = (n: number, overrides: Partial<HeartbeatTarget> = {}): HeartbeatTarget => ({
  tenantId,
  systemId: `s-${String(n).padStart(12, "0")}`,
  url: `https://app${n}.example.gov.cn/health`,
  intervalSeconds: 5,
  timeoutSeconds: 5,
  failureThreshold: 3,
  policyVersion: 1,
  ...overrides,
});

const up: ProbeResult = { ok: true, latencyMs: 12, httpStatus: 200 };
const down: ProbeResult = { ok: false, latencyMs: 5000, error: "connection refused" };

/** A monitor on a fake clock; `answer` says what a target's endpoint answers at a time. */
function setup(
  targets: HeartbeatTarget[],
  answer: (target: HeartbeatTarget, at: Date) => ProbeResult = () => up,
) {
  const clock = new FakeClock(t0);
  const registry = new MemoryHeartbeatTargets();
  const states = new MemoryHeartbeatStates();
  const history = new MemoryHeartbeatHistory();
  const breaches: { systemId: string; state: HeartbeatState }[] = [];
  const recoveries: { systemId: string; state: HeartbeatState }[] = [];
  const logs: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const deps: HeartbeatDeps = {
    targets: registry,
    states,
    history,
    now: clock.now,
    waitUntil: clock.waitUntil,
    probe: async (t) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const result = answer(t, clock.now());
      await clock.sleep(result.ok ? 20 : 1000);
      inFlight -= 1;
      return result;
    },
    onBreach: async (t, state) => {
      breaches.push({ systemId: t.systemId, state });
    },
    onRecovery: async (t, state) => {
      recoveries.push({ systemId: t.systemId, state });
    },
    log: (level, message) => logs.push(`${level}: ${message}`),
  };
  const ready = Promise.all(targets.map((t) => registry.put(t)));
  const run = async (options: { windowMs?: number; concurrency?: number; deps?: HeartbeatDeps } = {}) => {
    await ready;
    return clock.run(
      runHeartbeatWindow(options.deps ?? deps, { windowMs: options.windowMs ?? windowMs, ...options }),
    );
  };
  return {
    clock,
    registry,
    states,
    history,
    breaches,
    recoveries,
    logs,
    deps,
    run,
    ready,
    maxInFlight: () => maxInFlight,
  };
}

describe("runHeartbeatWindow", () => {
  it("probes a 5 s target 11 times in a 55 s window, at once and then every 5 s", async () => {
    const m = setup([target(1)]);
    const result = await m.run();
    expect(result).toEqual({
      targets: 1,
      probes: 11,
      misses: 0,
      breaches: 0,
      recoveries: 0,
      handlerFailures: 0,
    });
    expect(m.history.of(target(1).systemId).map((s) => s.at)).toEqual(
      Array.from({ length: 11 }, (_, i) => seconds(i * 5)),
    );
    expect(await m.states.get(tenantId, target(1).systemId)).toMatchObject({
      status: "healthy",
      lastProbeAt: seconds(50),
      lastOkAt: seconds(50),
      version: 11,
    });
    // The history reads newest first.
    const page = await m.history.list(tenantId, target(1).systemId, { limit: 2 });
    expect(page.items.map((s) => s.at)).toEqual([seconds(50), seconds(45)]);
  });

  it("probes two targets each at its own interval", async () => {
    const m = setup([target(1, { intervalSeconds: 5 }), target(2, { intervalSeconds: 20 })]);
    const result = await m.run();
    expect(result.probes).toBe(14);
    expect(m.history.of(target(2).systemId).map((s) => s.at)).toEqual([seconds(0), seconds(20), seconds(40)]);
    expect(m.history.of(target(1).systemId)).toHaveLength(11);
  });

  it("breaches once at the threshold, tells the handler with the detection start, and recovers", async () => {
    // Down from 10 s to 30 s.
    const m = setup([target(1)], (_t, at) => {
      const s = (at.getTime() - Date.parse(t0)) / 1000;
      return s >= 10 && s <= 30 ? down : up;
    });
    const result = await m.run();
    expect(result).toMatchObject({ probes: 11, misses: 5, breaches: 1, recoveries: 1, handlerFailures: 0 });
    expect(m.breaches).toHaveLength(1);
    expect(m.breaches[0]?.state).toMatchObject({
      status: "breached",
      consecutiveFailures: 3,
      firstFailureAt: seconds(10),
      breachedAt: seconds(20),
    });
    expect(m.recoveries).toHaveLength(1);
    expect(m.recoveries[0]?.state).toMatchObject({
      status: "healthy",
      recoveredAt: seconds(35),
      breachedAt: seconds(20),
    });
    const state = await m.states.get(tenantId, target(1).systemId);
    expect(state?.breachHandledAt).toBeDefined();
    expect(state?.recoveryHandledAt).toBeDefined();
    expect(m.history.of(target(1).systemId).filter((s) => !s.ok)).toHaveLength(5);
  });

  it("calls a breach handler that failed again on the next probe, until it succeeds, and then no more", async () => {
    const m = setup([target(1, { failureThreshold: 2 })], () => down);
    let calls = 0;
    const result = await m.run({
      deps: {
        ...m.deps,
        onBreach: async (t, state) => {
          calls += 1;
          if (calls === 1) throw new Error("the failover state machine is unavailable");
          m.breaches.push({ systemId: t.systemId, state });
        },
      },
    });
    expect(calls).toBe(2);
    expect(result).toMatchObject({ probes: 11, breaches: 1, handlerFailures: 1 });
    expect(m.breaches[0]?.state).toMatchObject({
      breachedAt: seconds(5),
      firstFailureAt: seconds(0),
      consecutiveFailures: 3,
    });
    expect(m.logs.some((line) => line.startsWith("error: heartbeat breach handler failed"))).toBe(true);
    // The breach was stored before the handler was called, and the handler's success after.
    const writes = m.states.writes.filter((w) => w.status === "breached");
    expect(writes[0]).toMatchObject({ breachedAt: seconds(5) });
    expect(writes[0]?.breachHandledAt).toBeUndefined();
    expect((await m.states.get(tenantId, target(1).systemId))?.breachHandledAt).toBe(seconds(11));
  });

  it("carries the run of misses into the next invocation, which breaches", async () => {
    const m = setup([target(1, { intervalSeconds: 30 })], () => down);
    const first = await m.run();
    expect(first).toMatchObject({ probes: 2, misses: 2, breaches: 0 });
    expect(await m.states.get(tenantId, target(1).systemId)).toMatchObject({
      status: "failing",
      consecutiveFailures: 2,
      lastProbeAt: seconds(30),
    });
    m.clock.set(seconds(60));
    const second = await m.run();
    expect(second).toMatchObject({ probes: 2, breaches: 1 });
    expect(m.breaches[0]?.state).toMatchObject({
      consecutiveFailures: 3,
      firstFailureAt: seconds(0),
      breachedAt: seconds(60),
    });
    expect(m.history.of(target(1).systemId).map((s) => s.at)).toEqual([0, 30, 60, 90].map(seconds));
  });

  it("leaves a probe due after the window to the next invocation, which probes it when due", async () => {
    const m = setup([target(1, { intervalSeconds: 60 }), target(2, { intervalSeconds: 3600 })]);
    expect((await m.run()).probes).toBe(2);
    // The next invocation starts a little early: it waits until the 60 s target is due.
    m.clock.set(seconds(59.5));
    expect((await m.run()).probes).toBe(1);
    expect(m.history.of(target(1).systemId).map((s) => s.at)).toEqual([seconds(0), seconds(60)]);
    expect(m.history.of(target(2).systemId)).toHaveLength(1);
  });

  it("holds at most `concurrency` probes in flight", async () => {
    const targets = Array.from({ length: 40 }, (_, i) => target(i + 1, { intervalSeconds: 30 }));
    const m = setup(targets, () => down);
    const result = await m.run({ concurrency: 8 });
    expect(m.maxInFlight()).toBe(8);
    expect(result.probes).toBe(80);
  });

  it("counts one outage once when two invocations run at the same time", async () => {
    const m = setup([target(1)], () => down);
    await m.ready;
    const [a, b] = await m.clock.run(
      Promise.all([runHeartbeatWindow(m.deps, { windowMs }), runHeartbeatWindow(m.deps, { windowMs })]),
    );
    expect((a?.breaches ?? 0) + (b?.breaches ?? 0)).toBe(1);
    expect(m.breaches).toHaveLength(1);
    expect(await m.states.get(tenantId, target(1).systemId)).toMatchObject({ consecutiveFailures: 11 });
  });

  it("does not fail its run when another invocation keeps winning the state (three contended writes in a row)", async () => {
    const m = setup([target(1)], () => down);
    await m.ready;
    const put = m.states.put.bind(m.states);
    let contended = 3;
    m.states.put = async (state) => {
      if (contended-- > 0) {
        // Another invocation stores its own probe first, each time.
        const stored = await m.states.get(tenantId, target(1).systemId);
        await put({ ...(stored ?? state), version: (stored?.version ?? 0) + 1 } as never);
      }
      return put(state);
    };

    const result = await m.run();

    expect(result.probes).toBe(11);
    expect(await m.history.list(tenantId, target(1).systemId, { limit: 20 })).toMatchObject({
      items: expect.arrayContaining([expect.objectContaining({ ok: false })]),
    });
  });

  it("does not fail its run when another invocation stores the state while the breach handler runs (the mark loses the race)", async () => {
    const m = setup([target(1)], () => down);
    await m.ready;
    const onBreach = m.deps.onBreach;
    let raced = false;
    m.deps.onBreach = async (t, state) => {
      await onBreach(t, state);
      if (raced) return;
      raced = true;
      // Another window probes and stores the state between this one's handler and its mark.
      const stored = await m.states.get(tenantId, t.systemId);
      if (stored) await m.states.put({ ...stored, version: stored.version + 1 });
    };

    const result = await m.run();

    expect(result.probes).toBe(11);
    const state = await m.states.get(tenantId, target(1).systemId);
    expect(state?.breachHandledAt).toBeDefined();
  });

  it("keeps probing when the state store fails once, and then fails the pass, naming the target", async () => {
    const m = setup([target(1)], () => down);
    m.states.failPuts = 1;
    await expect(m.run()).rejects.toThrow(
      /1 heartbeat targets could not be kept: t-000000000001\/s-000000000001: the table is unavailable/,
    );
    // The first miss was lost with its write; the 10 after it were counted.
    expect(await m.states.get(tenantId, target(1).systemId)).toMatchObject({ consecutiveFailures: 10 });
    expect(m.breaches).toHaveLength(1);
  });

  it("syncTarget registers a target for a policy with a heartbeat and removes it otherwise", async () => {
    const m = setup([]);
    const system = {
      tenantId,
      systemId: "s-000000000009",
      healthEndpoint: "https://x.example.gov.cn/h",
      policyVersion: 2,
    };
    const failover = { mode: "automatic" as const, approvalRequired: true, adapter: "record" as const };
    await syncTarget(m.registry, system, {
      failover: { ...failover, heartbeat: { intervalSeconds: 10, failureThreshold: 3 } },
    });
    expect(await m.registry.get(tenantId, system.systemId)).toMatchObject({
      intervalSeconds: 10,
      policyVersion: 2,
    });
    await syncTarget(m.registry, system, { failover });
    expect(await m.registry.list()).toEqual([]);
  });
});
