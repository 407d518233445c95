import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeWhole } from "../../../agent/install/installed-agent.ts";
import { sourcesOf } from "../../../agent/install/run.ts";
import { readRuns, recordRun } from "../../../agent/install/run-log.ts";
import { timerLines } from "../../../agent/install/timer-schedule.ts";
import { serviceUnit, systemdWord, timerUnit } from "../../../agent/install/units.ts";
import { ensureDebianPackages } from "../../../cli/apt.ts";
import type { BackupSchedule } from "../../../shared/policies/policy-schema.ts";

let work: string;
beforeAll(async () => {
  // systemd's own tools check what the agent writes; Debian's systemd package has them.
  await ensureDebianPackages(
    [{ name: "systemd", file: "/usr/bin/systemd-analyze" }],
    "the agent's unit tests",
  );
  work = await mkdtemp(path.join(tmpdir(), "govdr-units-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The next times systemd would fire `spec`, from `after`, in UTC. */
function nextElapses(spec: string, after: string, count = 3): string[] {
  const shown = execFileSync(
    "systemd-analyze",
    ["calendar", spec, `--iterations=${count}`, `--base-time=${after}`],
    { encoding: "utf8", env: { ...process.env, TZ: "UTC", LC_ALL: "C" } },
  );
  return [...shown.matchAll(/Next elapse: (.+)|Iter\. #\d+: (.+)/g)].map((m) => (m[1] ?? m[2] ?? "").trim());
}
const calendarOf = (schedule: BackupSchedule) =>
  (timerLines(schedule).find((line) => line.startsWith("OnCalendar=")) ?? "").slice("OnCalendar=".length);

describe("the installed agent's systemd units (D-54)", () => {
  it("fires a daily policy at its time in the policy's time zone, whatever the host's zone", () => {
    const spec = calendarOf({ kind: "daily", at: "01:30", timezone: "Asia/Shanghai" });

    expect(nextElapses(spec, "2026-12-07 12:00:00 UTC", 2)).toEqual([
      "Mon 2026-12-07 17:30:00 UTC",
      "Tue 2026-12-08 17:30:00 UTC",
    ]);
  });

  it("fires a weekly policy on its ISO weekday (7 is Sunday)", () => {
    const spec = calendarOf({ kind: "weekly", weekday: 7, at: "23:00", timezone: "UTC" });

    expect(nextElapses(spec, "2026-12-07 12:00:00 UTC", 2)).toEqual([
      "Sun 2026-12-13 23:00:00 UTC",
      "Sun 2026-12-20 23:00:00 UTC",
    ]);
  });

  it("steps an interval that divides the hour or the day on the clock, and runs any other after each start", () => {
    expect(nextElapses(calendarOf({ kind: "every", minutes: 15 }), "2026-12-07 12:07:00 UTC", 2)).toEqual([
      "Mon 2026-12-07 12:15:00 UTC",
      "Mon 2026-12-07 12:30:00 UTC",
    ]);
    expect(nextElapses(calendarOf({ kind: "every", minutes: 360 }), "2026-12-07 13:00:00 UTC", 2)).toEqual([
      "Mon 2026-12-07 18:00:00 UTC",
      "Tue 2026-12-08 00:00:00 UTC",
    ]);
    expect(timerLines({ kind: "every", minutes: 45 })).toEqual(
      expect.arrayContaining(["OnActiveSec=45min", "OnUnitActiveSec=45min"]),
    );
    expect(timerLines({ kind: "continuous" })).toEqual(
      expect.arrayContaining(["OnActiveSec=1min", "OnUnitInactiveSec=1min"]),
    );
  });

  it("writes a service and timer systemd-analyze verify accepts, with a command line quoted as systemd reads it", async () => {
    const agent = [process.execPath, path.join(work, "my agent", "govdr.js")];
    const service = path.join(work, "govdr-agent-s-000000000001.service");
    const timer = path.join(work, "govdr-agent-s-000000000001.timer");
    await writeFile(
      service,
      serviceUnit({
        systemId: "s-000000000001",
        agent,
        configFile: "/etc/govdr/agents/s-000000000001/agent.json",
        environmentFile: "/etc/govdr/agents/s-000000000001/agent.env",
      }),
    );
    await writeFile(
      timer,
      timerUnit("s-000000000001", { kind: "daily", at: "02:00", timezone: "Asia/Shanghai" }),
    );
    const broken = path.join(work, "govdr-agent-s-000000000002.timer");
    await writeFile(
      broken,
      timerUnit("s-000000000002", { kind: "daily", at: "02:00", timezone: "Asia/Shanghai" }).replace(
        "OnCalendar=",
        "OnCalendar=x",
      ),
    );

    const verified = spawnSync("systemd-analyze", ["verify", service, timer], { encoding: "utf8" });
    const refused = spawnSync("systemd-analyze", ["verify", broken], { encoding: "utf8" });

    expect(verified.status, verified.stderr).toBe(0);
    expect(refused.stderr).toMatch(/OnCalendar|calendar/i);
    expect(await readFile(service, "utf8")).toContain(
      `ExecStart=${process.execPath} "${agent[1]}" agent run`,
    );
    expect(systemdWord('50% "off" $HOME')).toBe('"50%% \\"off\\" $$HOME"');
  });
});

describe("installed agent's files and run log", () => {
  it("writes a key file readable by its owner only, whatever the umask", async () => {
    const file = path.join(work, "keys", "agent.key");
    const umask = process.umask(0o000);
    try {
      await writeWhole(file, "ak-000000000000.secret\n", 0o600);
    } finally {
      process.umask(umask);
    }

    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("keeps the newest runs when the log grows past its bound, and passes over a cut-off line", async () => {
    const stateDir = path.join(work, "state");
    const run = (i: number) => ({
      startedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      endedAt: new Date(Date.UTC(2026, 0, 1, 0, i, 5)).toISOString(),
      outcome: "completed" as const,
      detail: "x".repeat(2000),
      snapshotId: `snap-${i}`,
    });
    for (let i = 0; i < 300; i++) await recordRun(stateDir, run(i));
    await writeFile(path.join(stateDir, "runs.jsonl"), '{"startedAt":"cut', { flag: "a" });
    await recordRun(stateDir, run(300));

    const runs = await readRuns(stateDir);

    expect(runs.length).toBeGreaterThanOrEqual(100);
    expect(runs.length).toBeLessThan(300);
    expect(runs.at(-1)).toMatchObject({ snapshotId: "snap-300", detail: "x".repeat(1000) });
    const numbers = runs.map((r) => Number(r.snapshotId?.slice("snap-".length)));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });

  it("turns a directory's excludes into globs on its snapshot paths", () => {
    expect(
      sourcesOf({
        sources: [
          { type: "directory", path: "/srv/app/", excludes: ["cache/**", "/tmp"] },
          { type: "file", path: "/etc/app.conf" },
        ],
      }),
    ).toEqual({
      sources: [
        { kind: "path", path: "/srv/app/" },
        { kind: "path", path: "/etc/app.conf" },
      ],
      excludes: ["app/cache/**", "app/tmp"],
    });
  });
});
