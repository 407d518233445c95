import type { HeartbeatSample, Switchover, SwitchStepRecord, SwitchSystem, Wave } from "./responses.ts";

/**
 * Pure logic of the failover pages (no JSX, no DOM): unit-tested in tests/unit/web/failover-logic.test.ts,
 * which also checks the lists below against shared/failover/switchover.ts. They are not imported from
 * there: that module builds zod schemas when it loads, and the console's CSP forbids what zod probes.
 */

export type SwitchStatus = Switchover["status"];
export type Phase = Switchover["phase"];
export type StepName = SwitchStepRecord["name"];
export type StepState = "pending" | SwitchStepRecord["status"];

export const endedStatuses: readonly SwitchStatus[] = ["completed", "rolled-back", "failed", "rejected"];
export const isEnded = (s: Pick<Switchover, "status">) => endedStatuses.includes(s.status);

/** The switchover's own phases, in order (a failover has no resync). */
export const phaseOrder: readonly Phase[] = ["precheck", "resync", "approval", "waves", "report", "done"];

/** The steps each system takes in its wave (statemachines/failover.asl.json RunWave), in order. */
export const systemStepOrder: readonly StepName[] = [
  "fence",
  "recover",
  "check",
  "switch",
  "verify",
  "record",
];

export interface PhaseLine {
  phase: Phase;
  state: "done" | "current" | "pending" | "skipped";
}

/**
 * The phases the switchover goes through, each done, current or still to come: a failover has no
 * resync; a switchover that needs no approval skips it; once ended, the current phase is the last.
 */
export function phaseLines(s: Pick<Switchover, "kind" | "phase" | "status" | "approval">): PhaseLine[] {
  const phases = phaseOrder.filter((phase) => phase !== "resync" || s.kind === "failback");
  const at = phases.indexOf(s.phase);
  const ended = isEnded(s);
  return phases.map((phase, index) => {
    if (phase === "approval" && !s.approval.required) return { phase, state: "skipped" };
    if (ended && s.phase === "done") return { phase, state: "done" };
    if (index < at) return { phase, state: "done" };
    if (index === at) return { phase, state: ended ? "done" : "current" };
    return { phase, state: ended ? "skipped" : "pending" };
  });
}

export interface StepLine {
  name: StepName;
  state: StepState;
  current: boolean;
  startedAt?: string;
  /** Seconds it took, or has taken until `now` while it runs. */
  seconds?: number;
  attempts: number;
  detail?: string;
}

/**
 * One system's steps as a timeline: the planned ones in order (with resync first when it took one,
 * rollback last when it was rolled back), each with what the record says of it.
 */
export function systemStepLines(system: Pick<SwitchSystem, "steps" | "step">, now: Date): StepLine[] {
  const recorded = new Map(system.steps.map((step) => [step.name, step]));
  const names: StepName[] = [
    ...(recorded.has("resync") ? (["resync"] as const) : []),
    ...systemStepOrder,
    ...(recorded.has("rollback") ? (["rollback"] as const) : []),
  ];
  return names.map((name) => {
    const step = recorded.get(name);
    if (!step) return { name, state: "pending", current: false, attempts: 0 };
    const end = step.finishedAt ? Date.parse(step.finishedAt) : now.getTime();
    return {
      name,
      state: step.status,
      current: step.status === "running" || (system.step === name && !step.finishedAt),
      startedAt: step.startedAt,
      seconds: Math.max(0, (end - Date.parse(step.startedAt)) / 1000),
      attempts: step.attempts,
      ...(step.detail ? { detail: step.detail } : {}),
    };
  });
}

/** The step a system is at now (the one running, else the last it began), if any. */
export function currentStep(system: Pick<SwitchSystem, "steps" | "step">): StepName | undefined {
  return system.steps.find((step) => step.status === "running")?.name ?? system.step;
}

/** How many of a wave's systems have switched, of all. */
export const waveProgress = (wave: Pick<Wave, "systems">) => ({
  switched: wave.systems.filter((s) => s.status === "switched").length,
  total: wave.systems.length,
});

/** Every system of the switchover, wave by wave. */
export const systemsOf = (s: Pick<Switchover, "waves">) => s.waves.flatMap((wave) => wave.systems);

/** Does the switchover move this system? */
export const involves = (s: Pick<Switchover, "waves">, systemId: string) =>
  systemsOf(s).some((system) => system.systemId === systemId);

/** The system's switchovers among `items` (GET /failovers), newest first as listed. */
export const switchoversOf = <T extends Pick<Switchover, "waves">>(items: readonly T[], systemId: string) =>
  items.filter((item) => involves(item, systemId));

/** The one still under way (a system takes part in one at a time), if any. */
export const runningOf = <T extends Pick<Switchover, "status">>(items: readonly T[]) =>
  items.find((item) => !isEnded(item));

export type TimingKey = "detection" | "approval" | "recovery" | "switch";

/** Where the time went, in the order it passed, and the whole of it. */
export function timingRows(
  timings: Switchover["timings"],
): { rows: { key: TimingKey; seconds: number }[]; totalSeconds: number } | undefined {
  if (!timings) return undefined;
  return {
    rows: [
      { key: "detection", seconds: timings.detectionSeconds },
      { key: "approval", seconds: timings.approvalSeconds },
      { key: "recovery", seconds: timings.recoverySeconds },
      { key: "switch", seconds: timings.switchSeconds },
    ],
    totalSeconds: timings.totalSeconds,
  };
}

/**
 * The targets the switchover is measured against: the tightest of its systems' (the switchover as a
 * whole meets its targets when its slowest system meets the tightest RTO).
 */
export function switchoverTargets(s: Pick<Switchover, "waves">): { rtoSeconds: number; rpoSeconds: number } {
  const systems = systemsOf(s);
  return {
    rtoSeconds: Math.min(...systems.map((system) => system.targets.rtoSeconds)),
    rpoSeconds: Math.min(...systems.map((system) => system.targets.rpoSeconds)),
  };
}

/** Seconds left until the approval gate closes (0 once past), or undefined when it has no deadline. */
export function approvalSecondsLeft(s: Pick<Switchover, "approval">, now: Date): number | undefined {
  if (!s.approval.expiresAt) return undefined;
  return Math.max(0, Math.round((Date.parse(s.approval.expiresAt) - now.getTime()) / 1000));
}

/** The switchover waits for a decision (and its gate is still open). */
export const awaitsDecision = (s: Pick<Switchover, "status" | "approval">, now: Date) =>
  s.status === "awaiting-approval" && (approvalSecondsLeft(s, now) ?? 1) > 0;

/** Seconds from its start until it ended, or until `now` while it runs. */
export function elapsedSeconds(s: Pick<Switchover, "startedAt" | "finishedAt">, now: Date): number {
  const end = s.finishedAt ? Date.parse(s.finishedAt) : now.getTime();
  return Math.max(0, (end - Date.parse(s.startedAt)) / 1000);
}

/** Probes for the chart, oldest first: when, how long it took, whether it answered. */
export function probeSeries(samples: readonly Pick<HeartbeatSample, "at" | "latencyMs" | "ok">[]) {
  return [...samples]
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .map((sample) => ({ at: Date.parse(sample.at), latencyMs: sample.latencyMs, ok: sample.ok }));
}

/** Answered and missed among the probes shown. */
export const probeCounts = (samples: readonly Pick<HeartbeatSample, "ok">[]) => ({
  ok: samples.filter((s) => s.ok).length,
  missed: samples.filter((s) => !s.ok).length,
});

/** The system's id under its name in the plan form's checkboxes, and the waves planned from the 202. */
export const plannedWaves = (s: Pick<Switchover, "waves">) =>
  [...s.waves]
    .sort((a, b) => a.index - b.index)
    .map((wave) => wave.systems.map((system) => ({ systemId: system.systemId, name: system.name })));

/** The reason typed, or nothing when it is only spaces (the API takes it as optional). */
export const reasonBody = (reason: string) => (reason.trim() === "" ? {} : { reason: reason.trim() });
