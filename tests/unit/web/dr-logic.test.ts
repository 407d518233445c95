import { describe, expect, it } from "vitest";
import type { DrillRecord } from "../../../shared/drills/drill.ts";
import type { ReplicationCheck } from "../../../shared/replication/replication-check.ts";
import {
  achievedVsTargetOption,
  drillRtoOption,
  durationUnit,
  niceCeiling,
  rpoHistoryOption,
} from "../../../web/src/pages/dr/dr-charts.ts";
import {
  abbreviate,
  agentCommand,
  backupProgress,
  elapsedSeconds,
  hasReport,
  installCommand,
  latestTarget,
  localFields,
  localMoment,
  recoveryPointAt,
  replicationTone,
  rpoHistory,
  rtoSeries,
  sourceLabel,
  stepLines,
  verifiedRatio,
} from "../../../web/src/pages/dr/dr-logic.ts";

const snapshot = (id: string, time: string) => ({ snapshotId: id, time });

describe("console DR tabs: the recovery point at a point in time", () => {
  const newestFirst = [
    snapshot("c", "2026-12-07T12:00:00Z"),
    snapshot("b", "2026-12-07T10:00:00Z"),
    snapshot("a", "2026-12-07T08:00:00Z"),
  ];

  it("is the newest snapshot at or before the time, the time itself included", () => {
    expect(recoveryPointAt(newestFirst, new Date("2026-12-07T11:00:00Z"), false)).toEqual({
      kind: "found",
      snapshot: newestFirst[1],
    });
    expect(recoveryPointAt(newestFirst, new Date("2026-12-07T10:00:00Z"), false)).toMatchObject({
      snapshot: { snapshotId: "b" },
    });
    expect(recoveryPointAt(newestFirst, new Date("2026-12-08T00:00:00Z"), true)).toMatchObject({
      snapshot: { snapshotId: "c" },
    });
  });

  it("asks for more pages while none loaded is old enough, and says none when there are no more", () => {
    const at = new Date("2026-12-07T07:00:00Z");
    expect(recoveryPointAt(newestFirst, at, true)).toEqual({ kind: "more" });
    expect(recoveryPointAt(newestFirst, at, false)).toEqual({ kind: "none" });
    expect(recoveryPointAt([], at, false)).toEqual({ kind: "none" });
  });

  it("reads the pickers' date and time in the browser's time zone, and refuses what is not a moment", () => {
    const moment = localMoment("2026-12-07", "09:30:15");
    expect(moment?.getFullYear()).toBe(2026);
    expect([moment?.getMonth(), moment?.getDate(), moment?.getHours(), moment?.getMinutes()]).toEqual([
      11, 7, 9, 30,
    ]);
    expect(localMoment("2026-12-07", "09:30")?.getSeconds()).toBe(0);
    expect(localMoment("2026-02-30", "09:30")).toBeUndefined();
    expect(localMoment("2026-12-07", "25:00")).toBeUndefined();
    expect(localMoment("", "09:30")).toBeUndefined();
    expect(localMoment("2026-12-07", "")).toBeUndefined();
  });

  it("fills the pickers with a moment's local date and time, which read back as the same moment", () => {
    const moment = new Date(2026, 11, 7, 9, 5, 3);
    expect(localFields(moment)).toEqual({ date: "2026-12-07", time: "09:05:03" });
    const { date, time } = localFields(moment);
    expect(localMoment(date, time)?.getTime()).toBe(moment.getTime());
  });

  it("shortens a Merkle root and leaves a short value alone", () => {
    expect(abbreviate("a".repeat(64))).toBe(`${"a".repeat(12)}…`);
    expect(abbreviate("abc")).toBe("abc");
  });
});

describe("console DR tabs: a new agent key's command", () => {
  it("puts the API's address, the credential and the system in the agent's command", () => {
    const command = agentCommand({
      credential: "ak-4k2m9x0q7w1z.secret",
      systemId: "s-4k2m9x0q7w1z",
      apiUrl: "https://console.example/api",
    });
    expect(command).toContain("export GOVDR_API_URL='https://console.example/api'");
    expect(command).toContain("export GOVDR_AGENT_KEY='ak-4k2m9x0q7w1z.secret'");
    expect(command).toContain("npx govdr backup <dir> --repo <vault dir> --system s-4k2m9x0q7w1z");
    const zh = agentCommand({
      credential: "k",
      systemId: "s",
      apiUrl: "u",
      placeholders: { dir: "<目录>", vault: "<存储库目录>" },
    });
    expect(zh).toContain("backup <目录> --repo <存储库目录>");
  });

  it("installs the agent on the policy's schedule with the key in a root-only file (D-54)", () => {
    const command = installCommand({
      credential: "ak-4k2m9x0q7w1z.secret",
      apiUrl: "https://console.example/api",
    });

    expect(command.split("\n")).toEqual([
      "umask 077",
      "printf '%s\\n' 'ak-4k2m9x0q7w1z.secret' > /root/govdr-agent.key",
      "sudo govdr-agent agent install --api 'https://console.example/api' --agent-key-file /root/govdr-agent.key \\",
      "  --repo <vault dir> --key-file /etc/govdr/repo.key",
      "sudo govdr-agent agent status",
    ]);
  });
});

const drill = (extra: Partial<DrillRecord> = {}): DrillRecord => ({
  tenantId: "t-1",
  systemId: "s-1",
  drillId: "d-000000000001",
  type: "simulated",
  trigger: "on-demand",
  requestedBy: "u-1",
  status: "running",
  incidentAt: "2026-12-07T10:00:00Z",
  startedAt: "2026-12-07T10:00:00Z",
  policyVersion: 1,
  targets: { rtoSeconds: 14_400, rpoSeconds: 3600, source: "class", importanceClass: 3, drLevel: 3 },
  steps: [],
  findings: [],
  version: 1,
  ...extra,
});

describe("console DR tabs: a drill's live steps", () => {
  const now = new Date("2026-12-07T10:01:00Z");

  it("lists every step in order, pending until it begins, with the running one current and timed so far", () => {
    const lines = stepLines(
      drill({
        currentStep: "restore",
        steps: [
          {
            name: "plan",
            status: "succeeded",
            startedAt: "2026-12-07T10:00:00Z",
            finishedAt: "2026-12-07T10:00:02Z",
            detail: "recovery point",
          },
          { name: "restore", status: "running", startedAt: "2026-12-07T10:00:30Z" },
        ],
      }),
      now,
    );
    expect(lines.map((l) => l.name)).toEqual([
      "plan",
      "restore",
      "verify",
      "evaluate",
      "report",
      "cleanup",
      "notify",
    ]);
    expect(lines[0]).toMatchObject({
      state: "succeeded",
      current: false,
      seconds: 2,
      detail: "recovery point",
    });
    expect(lines[1]).toMatchObject({ state: "running", current: true, seconds: 30 });
    expect(lines.slice(2).every((l) => l.state === "pending" && !l.current)).toBe(true);
  });

  it("marks no step current once the drill has ended, and a step it left running as failed", () => {
    const lines = stepLines(
      drill({
        status: "failed",
        currentStep: "restore",
        steps: [{ name: "restore", status: "running", startedAt: "2026-12-07T10:00:30Z" }],
      }),
      now,
    );
    expect(lines[1]).toMatchObject({ state: "failed", current: false });
    expect(lines.some((l) => l.current)).toBe(false);
  });

  it("counts elapsed time until now while running, and until the end once finished", () => {
    expect(elapsedSeconds({ startedAt: "2026-12-07T10:00:00Z" }, now)).toBe(60);
    expect(
      elapsedSeconds({ startedAt: "2026-12-07T10:00:00Z", finishedAt: "2026-12-07T10:00:05Z" }, now),
    ).toBe(5);
  });

  it("offers the report only once the drill has ended", () => {
    expect(hasReport({ status: "running" })).toBe(false);
    expect(hasReport({ status: "completed" })).toBe(true);
    expect(hasReport({ status: "failed" })).toBe(true);
  });

  it("plots the drills that restored data, oldest first, against their targets", () => {
    const series = rtoSeries([
      drill({
        drillId: "d-2",
        startedAt: "2026-12-08T10:00:00Z",
        achieved: { rtoSeconds: 90, rpoSeconds: 5 },
      }),
      drill({ drillId: "d-tabletop", achieved: { rpoSeconds: 5 } }),
      drill({
        drillId: "d-1",
        startedAt: "2026-12-07T10:00:00Z",
        achieved: { rtoSeconds: 30, rpoSeconds: 5 },
      }),
      drill({ drillId: "d-running" }),
    ]);
    expect(series.map((s) => [s.drillId, s.rtoSeconds, s.targetSeconds])).toEqual([
      ["d-1", 30, 14_400],
      ["d-2", 90, 14_400],
    ]);
  });

  it("gives the verified share of the expected bytes, and all of nothing", () => {
    expect(verifiedRatio({ expectedBytes: 200, verifiedBytes: 150 })).toBe(0.75);
    expect(verifiedRatio({ expectedBytes: 0, verifiedBytes: 0 })).toBe(1);
  });
});

const check = (checkedAt: string, achievableRpoSeconds: number | null, targetRpoSeconds = 3600) =>
  ({
    tenantId: "t-1",
    systemId: "s-1",
    checkedAt,
    mode: "native",
    achievableRpoSeconds,
    targetRpoSeconds,
    newestReplicatedSnapshot: null,
    newestSnapshot: null,
    lagBytes: 0,
    lagObjects: 0,
    status: "ok",
  }) satisfies ReplicationCheck;

describe("console DR tabs: replication", () => {
  it("gives each status its tone: ok green, a breach red, no snapshot a warning", () => {
    expect(replicationTone("ok")).toBe("ok");
    expect(replicationTone("breach")).toBe("bad");
    expect(replicationTone("no-snapshot")).toBe("warn");
    expect(replicationTone("not-replicable")).toBe("neutral");
  });

  it("plots the monitor's checks oldest first, with gaps where no RPO was achievable, against the newest target", () => {
    const checks = [
      check("2026-12-07T10:02:00Z", 120, 1800),
      check("2026-12-07T10:01:00Z", null),
      check("2026-12-07T10:00:00Z", 60),
    ];
    expect(rpoHistory(checks)).toEqual([
      [Date.parse("2026-12-07T10:00:00Z"), 60],
      [Date.parse("2026-12-07T10:01:00Z"), null],
      [Date.parse("2026-12-07T10:02:00Z"), 120],
    ]);
    expect(latestTarget(checks)).toBe(1800);
    expect(latestTarget([])).toBeUndefined();
  });
});

describe("console DR tabs: backups", () => {
  const job = {
    status: "running" as const,
    sources: [
      { type: "s3-prefix" as const, bucket: "unit-data", prefix: "app/", roleArn: "arn:r" },
      {
        type: "dynamodb-table" as const,
        tableArn: "arn:aws-cn:dynamodb:cn-north-1:123456789012:table/Orders",
        roleArn: "arn:r",
      },
    ],
    progress: {
      files: 1,
      bytes: 1,
      readBytes: 1,
      newBytes: 1,
      unchangedFiles: 0,
      vanishedFiles: 0,
      sourcesDone: 1,
      slices: 1,
      updatedAt: "2026-12-07T10:00:00Z",
    },
  };

  it("measures progress in sources done, and a completed job as done", () => {
    expect(backupProgress(job)).toBe(0.5);
    expect(backupProgress({ ...job, status: "completed" })).toBe(1);
    expect(backupProgress({ ...job, sources: [] })).toBe(0);
  });

  it("names each source in one line", () => {
    expect(job.sources.map(sourceLabel)).toEqual([
      "s3://unit-data/app/",
      "arn:aws-cn:dynamodb:cn-north-1:123456789012:table/Orders",
    ]);
  });
});

describe("console DR tabs: charts", () => {
  const palette = { ok: "green", bad: "red", target: "grey", primary: "blue", muted: "silver" };
  const units = { s: "seconds", min: "minutes", h: "hours", d: "days" };
  const duration = (s: number) => `${s}s`;

  it("ends an axis on a round number", () => {
    expect([niceCeiling(66), niceCeiling(60), niceCeiling(0.8), niceCeiling(130), niceCeiling(0)]).toEqual([
      80, 60, 0.8, 150, 1,
    ]);
  });

  it("counts a duration axis in the unit that gives round ticks", () => {
    expect(durationUnit(45)).toBe("s");
    expect(durationUnit(3600)).toBe("min");
    expect(durationUnit(14_400)).toBe("h");
    expect(durationUnit(10 * 86_400)).toBe("d");
  });

  it("plots achieved against target in one unit, red where the target is missed, nothing where none was achieved", () => {
    const option = achievedVsTargetOption({
      measures: [
        { label: "RTO", achieved: 18_000, target: 14_400 },
        { label: "RPO", achieved: null, target: 3600 },
      ],
      labels: { achieved: "Achieved", target: "Target" },
      duration,
      units,
      palette,
    });
    expect(option.xAxis.name).toBe("hours");
    expect(option.series[0]?.data).toEqual([{ value: 5, itemStyle: { color: "red" } }, null]);
    expect(option.series[1]?.data).toEqual([4, 1]);
    // Labels and tooltips say the duration itself, not the plotted number.
    expect(option.series[0]?.label.formatter({ value: 5 })).toBe("18000s");
    expect(option.tooltip.valueFormatter(1)).toBe("3600s");
  });

  it("draws the RPO history with the target as a mark line", () => {
    const option = rpoHistoryOption({
      points: [
        [1, 60],
        [2, null],
      ],
      target: 3600,
      labels: { achievable: "Achievable RPO", target: "Target" },
      duration,
      units,
      time: String,
      palette,
    });
    expect(option.yAxis.name).toBe("minutes");
    expect(option.series[0]?.data).toEqual([
      [1, 1],
      [2, null],
    ]);
    expect(option.series[0]?.markLine?.data).toEqual([{ yAxis: 60 }]);
    // The axis reaches past the target even when every point is far below it.
    expect(option.yAxis.max?.({ max: 1 })).toBe(80);
  });

  it("compares each drill's achieved RTO with its target", () => {
    const option = drillRtoOption({
      drills: [{ drillId: "d-1", startedAt: "2026-12-07T10:00:00Z", rtoSeconds: 30, targetSeconds: 60 }],
      labels: { achieved: "Achieved RTO", target: "RTO target" },
      duration,
      units,
      date: (iso) => iso.slice(0, 10),
      palette,
    });
    expect(option.xAxis.data).toEqual(["2026-12-07"]);
    expect(option.series[0]?.data).toEqual([{ value: 30, itemStyle: { color: "green" } }]);
    expect(option.series[1]?.data).toEqual([60]);
  });
});
