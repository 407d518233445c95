import { describe, expect, it } from "vitest";
import type { DrillRecord } from "../../../shared/drills/drill.ts";
import type { ReplicationCheck } from "../../../shared/replication/replication-check.ts";
import type { SnapshotRecord } from "../../../shared/snapshots/snapshot-record.ts";
import type { BackupJobView } from "../../../web/src/pages/dr/responses.ts";
import { bytesUnit, storageOption, successOption } from "../../../web/src/pages/evidence/dashboard-charts.ts";
import {
  alarmsOf,
  complianceRow,
  localDay,
  mapLimit,
  type SystemData,
  storageRow,
  storageTotals,
  successByDay,
  summaryOf,
} from "../../../web/src/pages/evidence/dashboard-model.ts";
import type { SystemView } from "../../../web/src/pages/systems/responses.ts";

const now = new Date(2026, 11, 7, 15, 0, 0);
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();

const system = (id: string, extra: Partial<SystemView> = {}) =>
  ({
    systemId: id,
    tenantId: "t-1",
    name: `系统 ${id}`,
    importanceClass: 3,
    drLevel: 3,
    recoveryPriority: 3,
    architecture: "remote-active-standby",
    description: "",
    dependsOn: [],
    assessedOn: "2026-10-01",
    policyVersion: 1,
    createdAt: hoursAgo(100),
    updatedAt: hoursAgo(100),
    version: 1,
    proposedDrLevel: 3,
    drLevelFindings: [],
    ...extra,
  }) as SystemView;

const replication = (extra: Partial<ReplicationCheck> = {}): ReplicationCheck => ({
  tenantId: "t-1",
  systemId: "s-1",
  checkedAt: now.toISOString(),
  mode: "native",
  achievableRpoSeconds: 600,
  targetRpoSeconds: 3600,
  newestReplicatedSnapshot: { snapshotId: "a".repeat(16), takenAt: hoursAgo(0.2) },
  newestSnapshot: { snapshotId: "a".repeat(16), takenAt: hoursAgo(0.2) },
  lagBytes: 0,
  lagObjects: 0,
  status: "ok",
  ...extra,
});

const drill = (id: string, at: string, extra: Partial<DrillRecord> = {}) =>
  ({
    drillId: id,
    status: "completed",
    verdict: "PASS",
    startedAt: at,
    finishedAt: at,
    targets: { rtoSeconds: 14_400, rpoSeconds: 3600, source: "class", importanceClass: 3, drLevel: 3 },
    achieved: { rtoSeconds: 1200, rpoSeconds: 700 },
    ...extra,
  }) as DrillRecord;

const job = (id: string, at: string, status: BackupJobView["status"], extra: Partial<BackupJobView> = {}) =>
  ({ jobId: id, status, startedAt: at, finishedAt: at, ...extra }) as BackupJobView;

const snapshot = (time: string, bytes: number, newBytes: number) =>
  ({
    snapshotId: "b".repeat(16),
    time,
    stats: { files: 1, dirs: 1, bytes, readBytes: bytes, newBlobs: 1, newBytes },
  }) as SnapshotRecord;

const data = (extra: Partial<SystemData> & { system: SystemView }): SystemData => ({
  replication: replication({ systemId: extra.system.systemId }),
  drills: [],
  backups: [],
  snapshots: [],
  failures: [],
  ...extra,
});

describe("fetching per system", () => {
  it("runs at most `limit` tasks at once and answers in order", async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimit([1, 2, 3, 4, 5, 6, 7, 8, 9], 4, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5 * (n % 3)));
      running--;
      return n * 2;
    });
    expect(results).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(peak).toBe(4);
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });
});

describe("RPO/RTO compliance per system", () => {
  it("is compliant with a policy, the RPO within target and the newest drill passed within its RTO", () => {
    const row = complianceRow(data({ system: system("s-1"), drills: [drill("d-1", hoursAgo(5))] }));
    expect(row).toMatchObject({
      hasPolicy: true,
      targetRpoSeconds: 3600,
      achievableRpoSeconds: 600,
      rpoState: "ok",
      targetRtoSeconds: 14_400,
      achievedRtoSeconds: 1200,
      drillRpoSeconds: 700,
      rtoState: "ok",
      compliant: true,
    });
  });

  it("takes the achieved values from the newest completed drill, and a failed newest drill breaks compliance", () => {
    const row = complianceRow(
      data({
        system: system("s-1"),
        drills: [
          drill("d-old", hoursAgo(48), { achieved: { rtoSeconds: 99_999, rpoSeconds: 1 } }),
          drill("d-new", hoursAgo(2), { status: "failed", verdict: undefined, achieved: undefined }),
          drill("d-mid", hoursAgo(24), { verdict: "FAIL", achieved: { rtoSeconds: 20_000, rpoSeconds: 50 } }),
        ],
      }),
    );
    expect(row.newestDrill).toMatchObject({ drillId: "d-new", status: "failed" });
    expect(row.measuredBy?.drillId).toBe("d-mid");
    expect(row.achievedRtoSeconds).toBe(20_000);
    expect(row.rtoState).toBe("breach");
    expect(row.compliant).toBe(false);
  });

  it("shows a system not measured yet as such, with the class's targets", () => {
    const row = complianceRow(
      data({
        system: system("s-5", {
          importanceClass: 5 as SystemView["importanceClass"],
          drLevel: 1 as SystemView["drLevel"],
        }),
        replication: undefined,
        drills: [],
        failures: [{ call: "replication", error: new Error("boom") }],
      }),
    );
    expect(row.rpoState).toBe("unknown");
    expect(row.rtoState).toBe("not-measured");
    expect(row.targetRpoSeconds).toBe(36 * 3600);
    expect(row.targetRtoSeconds).toBe(7 * 86_400);
    expect(row.achievableRpoSeconds).toBeNull();
    expect(row.compliant).toBe(false);
    expect(
      complianceRow(
        data({
          system: system("s-2"),
          replication: replication({ status: "no-snapshot", achievableRpoSeconds: null }),
        }),
      ).rpoState,
    ).toBe("not-measured");
  });
});

describe("protected bytes and the deduplication ratio", () => {
  it("protects the newest snapshot's bytes; the ratio is the snapshots' bytes over what they newly stored", () => {
    const row = storageRow(
      data({
        system: system("s-1"),
        snapshots: [
          snapshot(hoursAgo(30), 1000, 1000),
          snapshot(hoursAgo(1), 1200, 200),
          snapshot(hoursAgo(10), 1100, 100),
        ],
      }),
    );
    expect(row).toMatchObject({ protectedBytes: 1200, snapshots: 3, logicalBytes: 3300, storedBytes: 1300 });
    expect(row.dedupRatio).toBeCloseTo(3300 / 1300);
    const empty = storageRow(data({ system: system("s-2") }));
    expect(empty.dedupRatio).toBeUndefined();
    const totals = storageTotals([row, empty]);
    expect(totals).toMatchObject({
      protectedBytes: 1200,
      snapshots: 3,
      logicalBytes: 3300,
      storedBytes: 1300,
    });
  });

  it("plots bytes in a binary unit that keeps the numbers small", () => {
    expect(bytesUnit(500)).toEqual({ unit: "B", divisor: 1 });
    expect(bytesUnit(5 * 1024 ** 3)).toEqual({ unit: "GiB", divisor: 1024 ** 3 });
    const option = storageOption({
      rows: [
        {
          systemId: "s-1",
          name: "A",
          protectedBytes: 2048,
          storedBytes: 1024,
          snapshots: 1,
          logicalBytes: 2048,
        },
      ],
      labels: { protected: "P", stored: "S" },
      bytes: String,
      palette: { ok: "g", bad: "r", target: "t", primary: "p", muted: "m", warn: "w" },
    });
    expect(option.xAxis.name).toBe("KiB");
    expect(option.series.map((s) => s.data)).toEqual([[2], [1]]);
  });
});

describe("job and drill success over time", () => {
  it("counts finished drills and jobs per local day over the window, oldest first, running ones not yet", () => {
    const today = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 9).toISOString();
    const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1, 9).toISOString();
    const long = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 30, 9).toISOString();
    const days = successByDay(
      [
        data({
          system: system("s-1"),
          drills: [
            drill("d-1", today),
            drill("d-2", yesterday, { verdict: "FAIL" }),
            drill("d-3", yesterday, { status: "failed", verdict: undefined }),
            drill("d-4", today, { status: "running", verdict: undefined, finishedAt: undefined }),
            drill("d-5", long),
          ],
          backups: [
            job("j-1", today, "completed"),
            job("j-2", today, "failed"),
            job("j-3", today, "running"),
          ],
        }),
      ],
      14,
      now,
    );
    expect(days).toHaveLength(14);
    expect(days.at(-1)).toEqual({
      day: localDay(now),
      drillsPassed: 1,
      drillsFailed: 0,
      jobsCompleted: 1,
      jobsFailed: 1,
    });
    expect(days.at(-2)).toMatchObject({ drillsPassed: 0, drillsFailed: 2 });
    expect(
      days.slice(0, -2).every((d) => d.drillsPassed + d.drillsFailed + d.jobsCompleted + d.jobsFailed === 0),
    ).toBe(true);
    const option = successOption({
      days,
      dayLabel: (d) => d,
      labels: { drillsPassed: "a", drillsFailed: "b", jobsCompleted: "c", jobsFailed: "d", count: "n" },
      palette: { ok: "g", bad: "r", target: "t", primary: "p", muted: "m", warn: "w" },
    });
    expect(option.series.map((s) => s.data.at(-1))).toEqual([1, 0, 1, 1]);
    expect(option.series.map((s) => s.stack)).toEqual(["drills", "drills", "jobs", "jobs"]);
  });
});

describe("active alarms and the summary cards", () => {
  const datas = [
    data({ system: system("s-ok"), drills: [drill("d-1", hoursAgo(3))] }),
    data({
      system: system("s-breach"),
      replication: replication({ status: "breach", achievableRpoSeconds: 7200 }),
      backups: [job("j-1", hoursAgo(1), "failed", { error: { code: "SOURCE_UNREADABLE", message: "x" } })],
      drills: [drill("d-2", hoursAgo(1), { verdict: "FAIL" })],
    }),
    data({
      system: system("s-none", { policyVersion: 0 }),
      replication: replication({ status: "no-snapshot", achievableRpoSeconds: null }),
    }),
    data({
      system: system("s-new"),
      replication: replication({ status: "no-snapshot", achievableRpoSeconds: null }),
      failures: [{ call: "snapshots", error: new Error("x") }],
    }),
  ];

  it("raises current RPO breaches, failed newest drills and jobs, systems without a policy, errors first", () => {
    const alarms = alarmsOf(datas);
    expect(alarms.map((a) => [a.systemId, a.kind])).toEqual([
      ["s-breach", "rpo-breach"],
      ["s-breach", "drill-failed"],
      ["s-breach", "job-failed"],
      ["s-none", "no-policy"],
      ["s-new", "no-snapshot"],
      ["s-new", "load-failed"],
    ]);
    expect(alarms[0]).toMatchObject({ achievedSeconds: 7200, targetSeconds: 3600 });
    expect(alarms[2]?.code).toBe("SOURCE_UNREADABLE");
    expect(alarms.at(-1)?.calls).toEqual(["snapshots"]);
  });

  it("counts systems, compliant ones, breaches and names the last drill", () => {
    expect(summaryOf(datas)).toEqual({
      systems: 4,
      compliant: 1,
      breaches: 1,
      notMeasured: 2,
      withoutPolicy: 1,
      lastDrill: { at: hoursAgo(1), name: "系统 s-breach", status: "completed", verdict: "FAIL" },
    });
    expect(summaryOf([])).toEqual({
      systems: 0,
      compliant: 0,
      breaches: 0,
      notMeasured: 0,
      withoutPolicy: 0,
    });
  });
});
