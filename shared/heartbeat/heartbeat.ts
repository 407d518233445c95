import { z } from "zod";
import type { DrPolicy } from "../policies/policy-schema.ts";
import { type ProtectedSystem, systemIdSchema } from "../systems/system.ts";

/** A probe's timeout when the policy names none (000 §7.5.5(2)). */
export const defaultTimeoutSeconds = 5;

/** What the monitor probes, and how often: one per system whose policy has a heartbeat (R-FO-02). */
export const heartbeatTargetSchema = z.object({
  tenantId: z.string().min(1),
  systemId: systemIdSchema,
  url: z.url({ protocol: /^https?$/ }).max(2048),
  intervalSeconds: z.number().int().min(5).max(3600),
  timeoutSeconds: z.number().int().min(1).max(60),
  failureThreshold: z.number().int().min(1).max(100),
  /** The policy version the target was taken from. */
  policyVersion: z.number().int().min(1),
});
export type HeartbeatTarget = z.infer<typeof heartbeatTargetSchema>;

/** One probe of a system's health endpoint, kept 30 days as its history. */
export const heartbeatSampleSchema = z.object({
  tenantId: z.string().min(1),
  systemId: systemIdSchema,
  /** When the probe started. */
  at: z.iso.datetime(),
  /** A 2xx answer within the timeout. */
  ok: z.boolean(),
  latencyMs: z.number().int().min(0),
  httpStatus: z.number().int().min(100).max(599).optional(),
  /** Why it missed, in a few words (a timeout, a refused connection, a refused address). */
  error: z.string().max(300).optional(),
});
export type HeartbeatSample = z.infer<typeof heartbeatSampleSchema>;

export const heartbeatStatuses = ["healthy", "failing", "breached", "unknown"] as const;
export type HeartbeatStatus = (typeof heartbeatStatuses)[number];

/**
 * Where a system's heartbeat stands between probes, so the next probe (and the next invocation)
 * continues the count. `version` is optimistic: the stored item is written with version + 1.
 */
export const heartbeatStateSchema = z.object({
  tenantId: z.string().min(1),
  systemId: systemIdSchema,
  status: z.enum(heartbeatStatuses),
  consecutiveFailures: z.number().int().min(0),
  /** The first miss of the current run of misses: where detection, and so the achieved RTO, starts. */
  firstFailureAt: z.iso.datetime().optional(),
  /** The start of the last probe: the next is due `intervalSeconds` later. */
  lastProbeAt: z.iso.datetime().optional(),
  lastOkAt: z.iso.datetime().optional(),
  lastError: z.string().max(300).optional(),
  /** When the current (or last) breach fired. */
  breachedAt: z.iso.datetime().optional(),
  /** When the breach handler accepted the breach of `breachedAt`; until then it is called again. */
  breachHandledAt: z.iso.datetime().optional(),
  /** When the system answered again after its last breach. */
  recoveredAt: z.iso.datetime().optional(),
  /** When the recovery handler accepted the recovery of `recoveredAt`; until then it is called again. */
  recoveryHandledAt: z.iso.datetime().optional(),
  /** 0 for a state never stored. */
  version: z.number().int().min(0),
});
export type HeartbeatState = z.infer<typeof heartbeatStateSchema>;

/** A system never probed yet. */
export const initialHeartbeatState = (tenantId: string, systemId: string): HeartbeatState => ({
  tenantId,
  systemId,
  status: "unknown",
  consecutiveFailures: 0,
  version: 0,
});

/**
 * What the monitor probes for a system under a policy: undefined when the policy has no heartbeat
 * or the system no health endpoint.
 */
export function targetFromPolicy(
  system: Pick<ProtectedSystem, "tenantId" | "systemId" | "healthEndpoint" | "policyVersion">,
  policy: Pick<DrPolicy, "failover"> | undefined,
): HeartbeatTarget | undefined {
  const heartbeat = policy?.failover?.heartbeat;
  if (!heartbeat || !system.healthEndpoint || system.policyVersion < 1) return undefined;
  return heartbeatTargetSchema.parse({
    tenantId: system.tenantId,
    systemId: system.systemId,
    url: system.healthEndpoint,
    intervalSeconds: heartbeat.intervalSeconds,
    timeoutSeconds: Math.min(heartbeat.timeoutSeconds ?? defaultTimeoutSeconds, heartbeat.intervalSeconds),
    failureThreshold: heartbeat.failureThreshold,
    policyVersion: system.policyVersion,
  });
}

export type HeartbeatEvent = "breach" | "recovery";

/** The state without the fields a transition cleared (so a stored item carries no empty attribute). */
const defined = (state: HeartbeatState): HeartbeatState =>
  Object.fromEntries(Object.entries(state).filter(([, value]) => value !== undefined)) as HeartbeatState;

/**
 * The state after one sample. A breach fires once, when the run of misses reaches the threshold (not
 * again while breached); a recovery fires on the first answer after a breach. The version is left
 * as it was: the caller stores the result with version + 1.
 */
export function nextState(
  state: HeartbeatState,
  sample: Pick<HeartbeatSample, "at" | "ok" | "error">,
  target: Pick<HeartbeatTarget, "failureThreshold">,
): { state: HeartbeatState; event?: HeartbeatEvent } {
  const { lastError: _lastError, ...previous } = state;
  if (sample.ok) {
    const healthy: HeartbeatState = {
      ...previous,
      status: "healthy",
      consecutiveFailures: 0,
      firstFailureAt: undefined,
      lastProbeAt: sample.at,
      lastOkAt: sample.at,
    };
    if (state.status !== "breached") return { state: defined(healthy) };
    return {
      state: defined({ ...healthy, recoveredAt: sample.at, recoveryHandledAt: undefined }),
      event: "recovery",
    };
  }
  const consecutiveFailures = state.consecutiveFailures + 1;
  const failing: HeartbeatState = {
    ...previous,
    consecutiveFailures,
    firstFailureAt: (state.consecutiveFailures > 0 ? state.firstFailureAt : undefined) ?? sample.at,
    lastProbeAt: sample.at,
    ...(sample.error ? { lastError: sample.error } : {}),
  };
  if (state.status === "breached") return { state: { ...failing, status: "breached" } };
  if (consecutiveFailures < target.failureThreshold) return { state: { ...failing, status: "failing" } };
  return {
    state: defined({ ...failing, status: "breached", breachedAt: sample.at, breachHandledAt: undefined }),
    event: "breach",
  };
}

/** The handler call the state still owes: a breach or recovery not yet accepted by its handler. */
export function pendingEvent(state: HeartbeatState): HeartbeatEvent | undefined {
  if (state.status === "breached" && state.breachedAt && !state.breachHandledAt) return "breach";
  if (state.status !== "breached" && state.recoveredAt && !state.recoveryHandledAt) return "recovery";
  return undefined;
}
