import { describe, expect, it } from "vitest";
import { AuditContentionError, ChainMovedError } from "../../../shared/audit/audit-log.ts";
import { verifyChain } from "../../../shared/audit/chain.ts";
import { sequenceTrails } from "../../../shared/audit/sequence-trails.ts";
import { chainPending } from "../../../shared/audit/sequencer.ts";
import { auditEvent } from "../../support/audit-events.ts";
import { MemoryAuditLog } from "../../support/memory-audit.ts";

const tenantId = "t-1";
const noWait = async () => {};

async function recordEvents(audit: MemoryAuditLog, count: number, tenant = tenantId) {
  for (let i = 0; i < count; i++) {
    const eventTime = new Date(Date.UTC(2026, 10, 21, 6, 0, 0, i)).toISOString();
    await audit.record(tenant, auditEvent(`E${i}`, { eventTime }));
  }
}

async function chainOf(audit: MemoryAuditLog, tenant = tenantId) {
  const records = audit.chains.get(tenant) ?? [];
  return { records, verified: await verifyChain(tenant, records, await audit.head(tenant)) };
}

describe("audit sequencer", () => {
  it("chains recorded events in their order, each exactly once, and leaves nothing pending", async () => {
    const audit = new MemoryAuditLog({ maxBatch: 7 });
    await recordEvents(audit, 100);

    const run = await chainPending(tenantId, audit);

    const { records, verified } = await chainOf(audit);
    expect(run).toMatchObject({ tenantId, chained: 100, more: false, head: { sequence: 100 } });
    expect(records.map((r) => r.event.eventName)).toEqual(Array.from({ length: 100 }, (_, i) => `E${i}`));
    expect(verified).toMatchObject({ ok: true, checked: 100 });
    expect(audit.pending.get(tenantId)).toEqual([]);
  });

  it("keeps one unbroken chain when four sequencers run at once, while events keep arriving", async () => {
    const audit = new MemoryAuditLog({ maxBatch: 5 });
    await recordEvents(audit, 300);

    await Promise.all([
      ...Array.from({ length: 4 }, () =>
        chainPending(tenantId, audit, { backoff: noWait, maxAttempts: 1000 }),
      ),
      recordEvents(audit, 50, tenantId),
    ]);
    await chainPending(tenantId, audit);

    const { records, verified } = await chainOf(audit);
    expect(verified).toMatchObject({ ok: true, checked: 350 });
    expect(new Set(records.map((r) => r.event.eventID)).size).toBe(350);
  });

  it("resumes after a crash mid-run without losing or repeating an event", async () => {
    const audit = new MemoryAuditLog({ maxBatch: 10 });
    await recordEvents(audit, 45);
    const extend = audit.extend.bind(audit);
    let steps = 0;
    audit.extend = async (...args) => {
      if (++steps === 3) throw new Error("Lambda timed out");
      return extend(...args);
    };

    await expect(chainPending(tenantId, audit)).rejects.toThrow("Lambda timed out");
    expect(audit.chains.get(tenantId)).toHaveLength(20);
    const rerun = await chainPending(tenantId, audit);

    expect(rerun.chained).toBe(25);
    expect((await chainOf(audit)).verified).toMatchObject({ ok: true, checked: 45 });
  });

  it("does nothing when run again, or for a trail with nothing pending", async () => {
    const audit = new MemoryAuditLog();
    await recordEvents(audit, 3);
    await chainPending(tenantId, audit);

    expect(await chainPending(tenantId, audit)).toMatchObject({ chained: 0, more: false });
    expect(await chainPending("t-empty", audit)).toEqual({
      tenantId: "t-empty",
      chained: 0,
      head: undefined,
      more: false,
    });
    expect(audit.chains.get(tenantId)).toHaveLength(3);
  });

  it("stops at maxEvents and says more are waiting", async () => {
    const audit = new MemoryAuditLog({ maxBatch: 4 });
    await recordEvents(audit, 10);

    expect(await chainPending(tenantId, audit, { maxEvents: 6 })).toMatchObject({ chained: 6, more: true });
    expect(audit.pending.get(tenantId)).toHaveLength(4);
  });

  it("gives up with AuditContentionError after losing every attempt, leaving the events recorded", async () => {
    const audit = new MemoryAuditLog();
    await recordEvents(audit, 2);
    audit.extend = async () => {
      throw new ChainMovedError("moved");
    };

    await expect(chainPending(tenantId, audit, { maxAttempts: 3, backoff: noWait })).rejects.toBeInstanceOf(
      AuditContentionError,
    );
    expect(audit.pending.get(tenantId)).toHaveLength(2);
  });

  it("a pass over several trails chains the others when one fails, then fails naming it", async () => {
    const audit = new MemoryAuditLog();
    await recordEvents(audit, 2, "t-a");
    await recordEvents(audit, 2, "t-b");
    const extend = audit.extend.bind(audit);
    audit.extend = async (tenant, ...rest) => {
      if (tenant === "t-a") throw new Error("throttled");
      return extend(tenant, ...rest);
    };

    await expect(sequenceTrails(["t-a", "t-b"], audit)).rejects.toThrow(
      "1 audit trail(s) not chained (1 chained): t-a: Error: throttled",
    );
    expect(audit.chains.get("t-b")).toHaveLength(2);
  });
});
