import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ListSchedulesCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pollUntil } from "../../cli/poll.ts";
import { call } from "./support/api.ts";
import { policy } from "./support/bodies.ts";
import { backUp, replicated, unitWithSystem } from "./support/dr-unit.ts";
import { clientConfig } from "./support/emulator.ts";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-drill-schedule-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** HH:MM in Asia/Shanghai, `minutes` from now. */
const shanghaiClock = (minutes: number) =>
  new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Shanghai",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(Date.now() + minutes * 60_000));

async function schedulesOf(systemId: string) {
  const { Schedules = [] } = await new SchedulerClient(clientConfig()).send(
    new ListSchedulesCommand({ GroupName: "govdr-drills", NamePrefix: `drill-${systemId}-` }),
  );
  return Schedules.map((s) => s.Name);
}

describe("drill schedules kept from the policy (issue #18 item 6, R-DRL-04, R-DRL-05)", () => {
  it("a daily drill set for the next minute fires on time and reaches a PASS; a policy without a drill removes the schedule", async () => {
    const unit = await unitWithSystem();
    const { snapshotId, prefix } = await backUp(unit, work);
    await replicated(prefix, snapshotId);
    // At least a minute ahead, so the schedule exists before its minute starts.
    const startAt = shanghaiClock(new Date().getSeconds() > 40 ? 2 : 1);
    const drill = { type: "simulated", periodMinutes: 1440, startAt, timezone: "Asia/Shanghai" };

    const set = await call("PUT", `/systems/${unit.systemId}/policy`, {
      token: unit.token,
      body: { ...policy({ kind: "every", minutes: 30 }, "database-replication-or-cdp"), drill },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(await schedulesOf(unit.systemId)).toEqual([`drill-${unit.systemId}-0`]);

    const scheduled = await pollUntil(
      async () => {
        const listed = await call("GET", `/systems/${unit.systemId}/drills`, { token: unit.token });
        const found = (listed.body.items as { trigger: string; status: string }[]).find(
          (d) => d.trigger === "schedule",
        );
        return found && found.status !== "running" ? found : undefined;
      },
      { timeoutMs: 200_000, intervalMs: 2000, what: `the scheduled drill at ${startAt} Asia/Shanghai` },
    );
    expect(scheduled).toMatchObject({ status: "completed", verdict: "PASS", requestedBy: "drill-schedule" });
    const startedAt = new Date((scheduled as unknown as { startedAt: string }).startedAt);
    expect(shanghaiClock((startedAt.getTime() - Date.now()) / 60_000)).toBe(startAt);

    const { drill: _dropped, ...withoutDrill } = {
      ...policy({ kind: "every", minutes: 30 }, "database-replication-or-cdp"),
    };
    const unset = await call("PUT", `/systems/${unit.systemId}/policy`, {
      token: unit.token,
      body: withoutDrill,
    });
    expect(unset.status, JSON.stringify(unset.body)).toBe(200);
    expect(await schedulesOf(unit.systemId)).toEqual([]);
  }, 300_000);

  it("refuses a drill cycle over 24 hours or not dividing the day with 400 and the field path, and keeps the schedule", async () => {
    const unit = await unitWithSystem();
    const before = await schedulesOf(unit.systemId);
    for (const periodMinutes of [1441, 100]) {
      const refused = await call("PUT", `/systems/${unit.systemId}/policy`, {
        token: unit.token,
        body: {
          ...policy({ kind: "every", minutes: 30 }),
          drill: { type: "simulated", periodMinutes, startAt: "02:37", timezone: "Asia/Shanghai" },
        },
      });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body.fieldErrors)).toContain("drill.periodMinutes");
    }
    expect(await schedulesOf(unit.systemId)).toEqual(before);
  });
});
