import { describe, expect, it } from "vitest";
import {
  type Switchover,
  type SwitchSystem,
  endedStatuses as sharedEnded,
  phases as sharedPhases,
  systemSteps as sharedSteps,
} from "../../../shared/failover/switchover.ts";
import { probesOption, timingsOption } from "../../../web/src/pages/failover/failover-charts.ts";
import {
  approvalSecondsLeft,
  awaitsDecision,
  currentStep,
  elapsedSeconds,
  endedStatuses,
  isEnded,
  phaseLines,
  phaseOrder,
  plannedWaves,
  probeCounts,
  probeSeries,
  reasonBody,
  runningOf,
  switchoversOf,
  switchoverTargets,
  systemStepLines,
  systemStepOrder,
  timingRows,
  waveProgress,
} from "../../../web/src/pages/failover/failover-logic.ts";

const targets = {
  rtoSeconds: 3600,
  rpoSeconds: 600,
  source: "class" as const,
  importanceClass: 3,
  drLevel: 3,
};

const member = (systemId: string, extra: Partial<SwitchSystem> = {}): SwitchSystem => ({
  systemId,
  name: `系统 ${systemId}`,
  importanceClass: 3,
  recoveryPriority: 3,
  targets,
  from: "primary",
  to: "dr",
  status: "pending",
  steps: [],
  ...extra,
});

const switchover = (extra: Partial<Switchover> = {}): Switchover => ({
  tenantId: "t-1",
  switchId: "f-000000000001",
  kind: "failover",
  trigger: "request",
  requestedBy: "u-1",
  reason: "drill",
  status: "running",
  phase: "waves",
  declaredAt: "2026-12-07T10:00:00.000Z",
  startedAt: "2026-12-07T10:00:00.000Z",
  approval: { required: true, reason: "policy", timeoutMinutes: 30 },
  waves: [{ index: 0, status: "running", systems: [member("s-a")] }],
  version: 1,
  ...extra,
});

describe("failover pages: the lists they keep in step with shared/failover/switchover.ts", () => {
  it("name the same phases, steps and ended statuses as the API", () => {
    expect(phaseOrder).toEqual(sharedPhases);
    expect([...systemStepOrder, "rollback"]).toEqual(sharedSteps);
    expect(endedStatuses).toEqual(sharedEnded);
  });
});

describe("failover pages: phases", () => {
  it("mark the phases done up to the current one; a failover has no resync", () => {
    const lines = phaseLines(switchover({ phase: "waves" }));
    expect(lines.map((l) => l.phase)).toEqual(["precheck", "approval", "waves", "report", "done"]);
    expect(lines.map((l) => l.state)).toEqual(["done", "done", "current", "pending", "pending"]);
  });

  it("skip the approval when none is required, and show a failback's resync", () => {
    const lines = phaseLines(
      switchover({
        kind: "failback",
        phase: "resync",
        approval: { required: false, reason: "automatic", timeoutMinutes: 30 },
      }),
    );
    expect(lines.map((l) => [l.phase, l.state])).toEqual([
      ["precheck", "done"],
      ["resync", "current"],
      ["approval", "skipped"],
      ["waves", "pending"],
      ["report", "pending"],
      ["done", "pending"],
    ]);
  });

  it("end with every phase done once completed, and the rest not reached when stopped early", () => {
    expect(
      phaseLines(switchover({ status: "completed", phase: "done" })).every((l) => l.state === "done"),
    ).toBe(true);
    const rejected = phaseLines(switchover({ status: "rejected", phase: "approval" }));
    expect(rejected.map((l) => l.state)).toEqual(["done", "done", "skipped", "skipped", "skipped"]);
  });
});

describe("failover pages: a system's steps", () => {
  const now = new Date("2026-12-07T10:05:00.000Z");
  it("list the planned steps in order with what was recorded, the running one current", () => {
    const system = member("s-a", {
      status: "running",
      step: "recover",
      steps: [
        {
          name: "fence",
          status: "succeeded",
          startedAt: "2026-12-07T10:01:00.000Z",
          finishedAt: "2026-12-07T10:01:02.000Z",
          attempts: 1,
          detail: "fenced",
        },
        { name: "recover", status: "running", startedAt: "2026-12-07T10:04:00.000Z", attempts: 2 },
      ],
    });
    const lines = systemStepLines(system, now);
    expect(lines.map((l) => l.name)).toEqual(["fence", "recover", "check", "switch", "verify", "record"]);
    expect(lines[0]).toMatchObject({ state: "succeeded", seconds: 2, detail: "fenced", current: false });
    expect(lines[1]).toMatchObject({ state: "running", seconds: 60, attempts: 2, current: true });
    expect(lines[2]).toMatchObject({ state: "pending", current: false, attempts: 0 });
    expect(currentStep(system)).toBe("recover");
  });

  it("put a failback's resync first and a rollback last when they were taken", () => {
    const system = member("s-a", {
      steps: [
        { name: "resync", status: "succeeded", startedAt: "2026-12-07T10:00:00.000Z", attempts: 1 },
        { name: "rollback", status: "succeeded", startedAt: "2026-12-07T10:03:00.000Z", attempts: 1 },
      ],
    });
    const names = systemStepLines(system, now).map((l) => l.name);
    expect(names[0]).toBe("resync");
    expect(names.at(-1)).toBe("rollback");
    expect(currentStep(member("s-b"))).toBeUndefined();
  });
});

describe("failover pages: the system's switchovers, approval and timings", () => {
  it("find a system's switchovers among the unit's and the one under way", () => {
    const items = [
      switchover({ switchId: "f-000000000003", status: "completed" }),
      switchover({
        switchId: "f-000000000002",
        waves: [{ index: 0, status: "pending", systems: [member("s-b")] }],
      }),
      switchover({ switchId: "f-000000000001", status: "awaiting-approval" }),
    ];
    const mine = switchoversOf(items, "s-a");
    expect(mine.map((s) => s.switchId)).toEqual(["f-000000000003", "f-000000000001"]);
    expect(runningOf(mine)?.switchId).toBe("f-000000000001");
    expect(isEnded(mine[0] as Switchover)).toBe(true);
  });

  it("count down to the approval deadline and stop offering a decision once it passed", () => {
    const waiting = switchover({
      status: "awaiting-approval",
      approval: {
        required: true,
        reason: "policy",
        timeoutMinutes: 30,
        requestedAt: "2026-12-07T10:00:00.000Z",
        expiresAt: "2026-12-07T10:30:00.000Z",
      },
    });
    expect(approvalSecondsLeft(waiting, new Date("2026-12-07T10:10:00.000Z"))).toBe(1200);
    expect(awaitsDecision(waiting, new Date("2026-12-07T10:10:00.000Z"))).toBe(true);
    expect(approvalSecondsLeft(waiting, new Date("2026-12-07T11:00:00.000Z"))).toBe(0);
    expect(awaitsDecision(waiting, new Date("2026-12-07T11:00:00.000Z"))).toBe(false);
    expect(awaitsDecision(switchover(), new Date())).toBe(false);
  });

  it("split the time into detection, approval, recovery and switch", () => {
    expect(timingRows(undefined)).toBeUndefined();
    const rows = timingRows({
      detectionSeconds: 90,
      approvalSeconds: 30,
      recoverySeconds: 12,
      switchSeconds: 3,
      totalSeconds: 135,
    });
    expect(rows).toEqual({
      rows: [
        { key: "detection", seconds: 90 },
        { key: "approval", seconds: 30 },
        { key: "recovery", seconds: 12 },
        { key: "switch", seconds: 3 },
      ],
      totalSeconds: 135,
    });
    const option = timingsOption({
      rows: rows?.rows ?? [],
      labels: { detection: "D", approval: "A", recovery: "R", switch: "S" },
      duration: (s) => `${s}s`,
      units: { s: "秒", min: "分钟", h: "小时", d: "天" },
      palette: { ok: "g", bad: "r", target: "t", primary: "p", muted: "m" },
    });
    expect(option.yAxis.data).toEqual(["D", "A", "R", "S"]);
    expect(option.series[0]?.data.map((d) => d.value)).toEqual([90, 30, 12, 3]);
    expect(option.xAxis.name).toBe("秒");
  });

  it("measure against the tightest targets of its systems, and the time it took", () => {
    const s = switchover({
      waves: [
        { index: 0, status: "completed", systems: [member("s-a")] },
        {
          index: 1,
          status: "running",
          systems: [
            member("s-b", { targets: { ...targets, rtoSeconds: 900 }, status: "switched" }),
            member("s-c"),
          ],
        },
      ],
      finishedAt: "2026-12-07T10:02:30.000Z",
    });
    expect(switchoverTargets(s)).toEqual({ rtoSeconds: 900, rpoSeconds: 600 });
    expect(waveProgress(s.waves[1] as Switchover["waves"][number])).toEqual({ switched: 1, total: 2 });
    expect(elapsedSeconds(s, new Date())).toBe(150);
    expect(plannedWaves(s)).toEqual([
      [{ systemId: "s-a", name: "系统 s-a" }],
      [
        { systemId: "s-b", name: "系统 s-b" },
        { systemId: "s-c", name: "系统 s-c" },
      ],
    ]);
  });
});

describe("failover pages: heartbeat probes", () => {
  it("plot the probes oldest first, a missed one red, and count them", () => {
    const samples = [
      { at: "2026-12-07T10:00:10.000Z", latencyMs: 5000, ok: false },
      { at: "2026-12-07T10:00:00.000Z", latencyMs: 12, ok: true },
    ];
    const series = probeSeries(samples);
    expect(series.map((p) => p.latencyMs)).toEqual([12, 5000]);
    expect(probeCounts(samples)).toEqual({ ok: 1, missed: 1 });
    const option = probesOption({
      probes: series,
      labels: { latency: "L", ok: "ok", missed: "miss" },
      time: String,
      palette: { ok: "green", bad: "red", target: "t", primary: "p", muted: "m" },
    });
    expect(option.series[0]?.data.map((d) => d.itemStyle.color)).toEqual(["green", "red"]);
  });

  it("send a reason only when one is typed", () => {
    expect(reasonBody("  ")).toEqual({});
    expect(reasonBody(" 机房断电 ")).toEqual({ reason: "机房断电" });
  });
});
