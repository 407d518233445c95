import { describe, expect, it } from "vitest";
import { verifyTrail } from "../../../shared/audit/verify-trail.ts";
import { auditEvent } from "../../support/audit-events.ts";
import { MemoryAuditLog } from "../../support/memory-audit.ts";

const now = new Date("2026-11-21T06:10:00.000Z");
const at = (secondsAgo: number) => new Date(now.getTime() - secondsAgo * 1000).toISOString();

async function trail(chained: number, pendingAges: number[]) {
  const audit = new MemoryAuditLog();
  for (let i = 0; i < chained; i++)
    await audit.record("t-1", auditEvent(`C${i}`, { eventTime: at(600 - i) }));
  await audit.chainAll();
  for (const age of pendingAges) await audit.record("t-1", auditEvent("Waiting", { eventTime: at(age) }));
  return audit;
}

describe("verifyTrail", () => {
  it("passes a chain with events still waiting within the sequencer's promise, and counts them", async () => {
    const audit = await trail(3, [5, 1]);

    expect(await verifyTrail("t-1", audit, now)).toEqual({
      ok: true,
      checked: 3,
      head: await audit.head("t-1"),
      unchained: { count: 2, overdue: 0, oldest: expect.objectContaining({ eventTime: at(5) }) },
    });
  });

  it("fails a trail whose oldest waiting event is older than 60 s, naming it and how many are late", async () => {
    const audit = await trail(2, [61, 90, 3]);
    const oldest = audit.pending.get("t-1")?.[0];

    const result = await verifyTrail("t-1", audit, now);

    expect(result.ok).toBe(false);
    expect(result.firstProblem).toEqual({
      kind: "unchained-overdue",
      sequence: 3,
      eventID: oldest?.eventID,
      eventTime: at(90),
      overdue: 2,
    });
    expect(result.unchained).toMatchObject({ count: 3, overdue: 2 });
  });

  it("reports a broken chain first, and ignores records chained after the head it read", async () => {
    const audit = await trail(4, [120]);
    const records = audit.chains.get("t-1") ?? [];
    const second = records[1];
    if (second) records[1] = { ...second, event: { ...second.event, eventName: "Edited" } };

    expect((await verifyTrail("t-1", audit, now)).firstProblem).toMatchObject({
      kind: "altered",
      sequence: 2,
    });

    const clean = await trail(4, []);
    const head = await clean.head("t-1");
    clean.head = async () => head;
    await clean.record("t-1", auditEvent("Late", { eventTime: at(1) }));
    await clean.chainAll();
    expect(await verifyTrail("t-1", clean, now)).toMatchObject({ ok: true, checked: 4 });
  });
});
