import { describe, expect, it } from "vitest";
import {
  type ChainHead,
  chainRecord,
  genesisHash,
  recordHash,
  verifyChain,
} from "../../../shared/audit/chain.ts";
import type { AuditRecord } from "../../../shared/audit/event-schema.ts";
import { auditEvent as event } from "../../support/audit-events.ts";

function chain(n: number, tenantId = "t-1"): AuditRecord[] {
  const records: AuditRecord[] = [];
  let head: ChainHead | undefined;
  for (let i = 0; i < n; i++) {
    const record = chainRecord(tenantId, head, event(`Op${i + 1}`));
    records.push(record);
    head = { sequence: record.sequence, hash: record.hash };
  }
  return records;
}

const headOf = (records: AuditRecord[]): ChainHead => {
  const last = records.at(-1) as AuditRecord;
  return { sequence: last.sequence, hash: last.hash };
};

describe("audit hash chain", () => {
  it("links each record to the previous one, starting from the genesis hash", () => {
    const [first, second] = chain(2);

    expect(first).toMatchObject({ sequence: 1, previousHash: genesisHash });
    expect(second).toMatchObject({ sequence: 2, previousHash: first?.hash });
    expect(first?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("hashes canonical JSON, so key order does not matter but every value does", () => {
    const [record] = chain(1) as [AuditRecord];
    const reordered = {
      event: record.event,
      previousHash: record.previousHash,
      sequence: record.sequence,
      tenantId: record.tenantId,
    };

    expect(recordHash(reordered)).toBe(record.hash);
    expect(recordHash({ ...record, event: { ...record.event, readOnly: true } })).not.toBe(record.hash);
    expect(recordHash({ ...record, tenantId: "t-2" })).not.toBe(record.hash);
  });

  it("verifies an intact chain and reports its head", async () => {
    const records = chain(50);

    expect(await verifyChain("t-1", records, headOf(records))).toEqual({
      ok: true,
      checked: 50,
      head: headOf(records),
    });
  });

  it("names the first altered record when an archived event is edited", async () => {
    const records = chain(10);
    const tampered = records.map((r) =>
      r.sequence === 4
        ? { ...r, event: { ...r.event, userIdentity: { ...r.event.userIdentity, userName: "mallory" } } }
        : r,
    );

    const result = await verifyChain("t-1", tampered, headOf(records));

    expect(result).toMatchObject({ ok: false, checked: 3 });
    expect(result.firstProblem).toEqual({ kind: "altered", sequence: 4, eventID: records[3]?.event.eventID });
  });

  it("names a deleted record as missing", async () => {
    const records = chain(10);

    const result = await verifyChain(
      "t-1",
      records.filter((r) => r.sequence !== 7),
      headOf(records),
    );

    expect(result.firstProblem).toEqual({ kind: "missing", sequence: 7 });
  });

  it("detects a record rehashed after editing by the broken link to it", async () => {
    const records = chain(5);
    const edited = {
      ...(records[2] as AuditRecord),
      event: { ...(records[2] as AuditRecord).event, eventName: "Nothing" },
    };
    const rehashed = { ...edited, hash: recordHash(edited) };

    const result = await verifyChain(
      "t-1",
      records.map((r) => (r.sequence === 3 ? rehashed : r)),
    );

    expect(result.firstProblem).toEqual({
      kind: "relinked",
      sequence: 4,
      eventID: records[3]?.event.eventID,
    });
  });

  it("detects a whole chain recomputed after tampering through the committed head", async () => {
    const original = chain(4);
    let head: ChainHead | undefined;
    const forged = original.map((r) => {
      const record = chainRecord(
        "t-1",
        head,
        r.sequence === 2 ? { ...r.event, eventName: "Forged" } : r.event,
      );
      head = { sequence: record.sequence, hash: record.hash };
      return record;
    });

    expect((await verifyChain("t-1", forged)).ok).toBe(true);
    expect((await verifyChain("t-1", forged, headOf(original))).firstProblem).toEqual({
      kind: "head-mismatch",
      sequence: 4,
    });
  });

  it("detects records dropped from the end, and another tenant's record slipped in", async () => {
    const records = chain(6);
    const other = chain(3, "t-2");

    expect((await verifyChain("t-1", records.slice(0, 4), headOf(records))).firstProblem).toEqual({
      kind: "truncated",
      sequence: 5,
    });
    expect(
      (await verifyChain("t-1", [records[0] as AuditRecord, other[1] as AuditRecord])).firstProblem,
    ).toMatchObject({
      kind: "foreign",
      sequence: 2,
      tenantId: "t-2",
    });
  });

  it("verifies from an async stream without holding the chain in memory", async () => {
    async function* stream() {
      let head: ChainHead | undefined;
      for (let i = 0; i < 2000; i++) {
        const record = chainRecord("t-1", head, event("Stream"));
        head = { sequence: record.sequence, hash: record.hash };
        yield record;
      }
    }

    expect(await verifyChain("t-1", stream())).toMatchObject({ ok: true, checked: 2000 });
  });
});
