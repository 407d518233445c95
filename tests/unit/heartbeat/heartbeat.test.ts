import { describe, expect, it } from "vitest";
import {
  type HeartbeatState,
  initialHeartbeatState,
  nextState,
  pendingEvent,
  targetFromPolicy,
} from "../../../shared/heartbeat/heartbeat.ts";

const tenantId = "t-000000000001";
const systemId = "s-000000000001";
const target = { failureThreshold: 3 };
const at = (second: number) => new Date(Date.UTC(2026, 11, 7, 10, 0, second)).toISOString();
const miss = (second: number) => ({ at: at(second), ok: false, error: "connection refused" });
const ok = (second: number) => ({ at: at(second), ok: true });

/** Applies samples in turn, collecting the events. */
function apply(
  samples: { at: string; ok: boolean; error?: string }[],
  from = initialHeartbeatState(tenantId, systemId),
) {
  let state: HeartbeatState = from;
  const events: (string | undefined)[] = [];
  for (const sample of samples) {
    const next = nextState(state, sample, target);
    state = next.state;
    events.push(next.event);
  }
  return { state, events };
}

describe("nextState", () => {
  it("breaches on the third miss in a row, once, and recovers on the first answer", () => {
    const { state, events } = apply([miss(0), miss(5), miss(10), miss(15), ok(20)]);
    expect(events).toEqual([undefined, undefined, "breach", undefined, "recovery"]);
    expect(state).toMatchObject({
      status: "healthy",
      consecutiveFailures: 0,
      breachedAt: at(10),
      recoveredAt: at(20),
      lastOkAt: at(20),
      lastProbeAt: at(20),
    });
    expect(state.firstFailureAt).toBeUndefined();
    expect("firstFailureAt" in state).toBe(false);
  });

  it("keeps the first miss of the run as the detection start, and the count, while failing and breached", () => {
    const two = apply([ok(0), miss(5), miss(10)]);
    expect(two.state).toMatchObject({
      status: "failing",
      consecutiveFailures: 2,
      firstFailureAt: at(5),
      lastOkAt: at(0),
    });
    expect(two.events).toEqual([undefined, undefined, undefined]);
    const breached = apply([miss(15), miss(20)], two.state);
    expect(breached.events).toEqual(["breach", undefined]);
    expect(breached.state).toMatchObject({
      status: "breached",
      consecutiveFailures: 4,
      firstFailureAt: at(5),
      breachedAt: at(15),
      lastError: "connection refused",
    });
  });

  it("starts the count again after an answer in between", () => {
    const { state, events } = apply([miss(0), miss(5), ok(10), miss(15), miss(20)]);
    expect(events).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(state).toMatchObject({ status: "failing", consecutiveFailures: 2, firstFailureAt: at(15) });
    expect(apply([miss(25)], state).events).toEqual(["breach"]);
  });

  it("goes from unknown to healthy without a recovery, and a threshold of 1 breaches at the first miss", () => {
    expect(nextState(initialHeartbeatState(tenantId, systemId), ok(0), target)).toEqual({
      state: expect.objectContaining({ status: "healthy" }),
    });
    expect(nextState(initialHeartbeatState(tenantId, systemId), miss(0), { failureThreshold: 1 }).event).toBe(
      "breach",
    );
  });

  it("owes the breach handler until it is marked handled, and the recovery handler likewise", () => {
    const breached = apply([miss(0), miss(5), miss(10)]).state;
    expect(pendingEvent(breached)).toBe("breach");
    const handled = { ...breached, breachHandledAt: at(11) };
    expect(pendingEvent(handled)).toBeUndefined();
    expect(pendingEvent(apply([miss(15)], handled).state)).toBeUndefined();
    const recovered = apply([ok(20)], handled).state;
    expect(pendingEvent(recovered)).toBe("recovery");
    expect(pendingEvent({ ...recovered, recoveryHandledAt: at(21) })).toBeUndefined();
    // A second breach starts a new one to handle.
    const again = apply([miss(25), miss(30), miss(35)], { ...recovered, recoveryHandledAt: at(21) });
    expect(again.events).toEqual([undefined, undefined, "breach"]);
    expect(again.state.breachHandledAt).toBeUndefined();
    expect(pendingEvent(again.state)).toBe("breach");
  });

  it("leaves the version to the caller", () => {
    const state = { ...initialHeartbeatState(tenantId, systemId), version: 7 };
    expect(nextState(state, miss(0), target).state.version).toBe(7);
  });
});

describe("targetFromPolicy", () => {
  const system = {
    tenantId,
    systemId,
    healthEndpoint: "https://app.example.gov.cn/health",
    policyVersion: 3,
  };
  const failover = {
    mode: "automatic" as const,
    approvalRequired: false,
    adapter: "record" as const,
    heartbeat: { intervalSeconds: 10, failureThreshold: 3 },
  };

  it("takes the interval, the threshold and the default timeout of 5 s", () => {
    expect(targetFromPolicy(system, { failover })).toEqual({
      tenantId,
      systemId,
      url: "https://app.example.gov.cn/health",
      intervalSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
      policyVersion: 3,
    });
    expect(
      targetFromPolicy(system, {
        failover: { ...failover, heartbeat: { intervalSeconds: 5, failureThreshold: 2, timeoutSeconds: 4 } },
      })?.timeoutSeconds,
    ).toBe(4);
    expect(
      targetFromPolicy(system, {
        failover: { ...failover, heartbeat: { intervalSeconds: 5, failureThreshold: 2 } },
      })?.timeoutSeconds,
    ).toBe(5);
  });

  it("is undefined without a heartbeat, a failover section, a policy or a health endpoint", () => {
    expect(targetFromPolicy(system, { failover: { ...failover, heartbeat: undefined } })).toBeUndefined();
    expect(targetFromPolicy(system, {} as never)).toBeUndefined();
    expect(targetFromPolicy(system, undefined)).toBeUndefined();
    expect(targetFromPolicy({ ...system, healthEndpoint: undefined }, { failover })).toBeUndefined();
  });
});
