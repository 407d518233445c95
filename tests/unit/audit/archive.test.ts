import { describe, expect, it } from "vitest";
import {
  AuditChainBrokenError,
  archiveTrail,
  type Digest,
  verifyArchive,
} from "../../../shared/audit/archive.ts";
import type { AuditRecord } from "../../../shared/audit/event-schema.ts";
import { auditEvent } from "../../support/audit-events.ts";
import { MemoryArchiveCursors, MemoryArchiveObjects, MemoryAuditLog } from "../../support/memory-audit.ts";

const tenantId = "t-1";
const settings = { retentionDays: 180, batchSize: 4 };
const now = new Date("2026-11-21T08:00:00.000Z");

async function trailWith(count: number) {
  const deps = {
    audit: new MemoryAuditLog(),
    cursors: new MemoryArchiveCursors(),
    objects: new MemoryArchiveObjects(),
    now: () => now,
  };
  await appendEvents(deps.audit, count);
  return deps;
}

async function appendEvents(audit: MemoryAuditLog, count: number) {
  for (let i = 0; i < count; i++) await audit.record(tenantId, auditEvent(`Event${i}`));
  await audit.chainAll();
}

const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString("utf8");

/** Rewrites one archived record as a new object version, the way someone with bucket write could. */
async function editArchivedRecord(objects: MemoryArchiveObjects, sequence: number) {
  for (const key of objects.keysUnder(`audit/${tenantId}/records/`)) {
    const lines = text(await objects.get(key)).split("\n");
    const index = lines.findIndex((line) => line && (JSON.parse(line) as AuditRecord).sequence === sequence);
    if (index < 0) continue;
    const record = JSON.parse(lines[index] ?? "") as AuditRecord;
    record.event.userIdentity.userName = "someone-else";
    lines[index] = JSON.stringify(record);
    await objects.put(key, Buffer.from(lines.join("\n")), now);
    return record.event.eventID;
  }
  throw new Error(`sequence ${sequence} is not archived`);
}

describe("audit archive (R-AU, 000 §7.5.11)", () => {
  it("writes batches with chained digests under 180-day retention and verifies them", async () => {
    const deps = await trailWith(10);

    const run = await archiveTrail(tenantId, deps, settings);

    expect(run).toEqual({ tenantId, batches: 3, records: 10, archivedThrough: 10 });
    const digestKeys = deps.objects.keysUnder(`audit/${tenantId}/digests/`);
    expect(digestKeys).toHaveLength(3);
    const digests = await Promise.all(
      digestKeys.map(async (key) => JSON.parse(text(await deps.objects.get(key))) as Digest),
    );
    expect(digests.map((d) => [d.fromSequence, d.toSequence])).toEqual([
      [1, 4],
      [5, 8],
      [9, 10],
    ]);
    expect(digests[0]?.previousDigest).toBeNull();
    expect(digests[1]?.previousDigest?.key).toBe(digestKeys[0]);
    const retention = [...deps.objects.versions.values()].flat().map((v) => v.retainUntil.toISOString());
    expect(new Set(retention)).toEqual(new Set(["2027-05-20T08:00:00.000Z"]));
    await expect(verifyArchive(tenantId, deps)).resolves.toEqual({
      ok: true,
      checked: 10,
      archivedThrough: 10,
    });
  });

  it("archives only what is new on the next run and continues the digest chain", async () => {
    const deps = await trailWith(5);
    await archiveTrail(tenantId, deps, settings);
    await appendEvents(deps.audit, 2);

    const second = await archiveTrail(tenantId, deps, settings);
    const third = await archiveTrail(tenantId, deps, settings);

    expect(second).toMatchObject({ batches: 1, records: 2, archivedThrough: 7 });
    expect(third).toMatchObject({ batches: 0, records: 0, archivedThrough: 7 });
    await expect(verifyArchive(tenantId, deps)).resolves.toMatchObject({ ok: true, checked: 7 });
  });

  it("names the archived record that was edited in a new object version", async () => {
    const deps = await trailWith(10);
    await archiveTrail(tenantId, deps, settings);

    const eventID = await editArchivedRecord(deps.objects, 6);

    await expect(verifyArchive(tenantId, deps)).resolves.toEqual({
      ok: false,
      checked: 6,
      archivedThrough: 10,
      firstProblem: { kind: "altered", sequence: 6, eventID },
    });
  });

  it("reports the earliest of several edits", async () => {
    const deps = await trailWith(10);
    await archiveTrail(tenantId, deps, settings);
    await editArchivedRecord(deps.objects, 9);
    const earliest = await editArchivedRecord(deps.objects, 2);

    const result = await verifyArchive(tenantId, deps);

    expect(result.firstProblem).toEqual({ kind: "altered", sequence: 2, eventID: earliest });
  });

  it("detects a record dropped from a batch and a rewritten digest", async () => {
    const deps = await trailWith(8);
    await archiveTrail(tenantId, deps, settings);
    const [firstBatch] = deps.objects.keysUnder(`audit/${tenantId}/records/`);
    const lines = text(await deps.objects.get(firstBatch ?? "")).split("\n");
    await deps.objects.put(firstBatch ?? "", Buffer.from([lines[0], ...lines.slice(2)].join("\n")), now);

    expect((await verifyArchive(tenantId, deps)).firstProblem).toEqual({ kind: "missing", sequence: 2 });

    const [firstDigest] = deps.objects.keysUnder(`audit/${tenantId}/digests/`);
    const digest = JSON.parse(text(await deps.objects.get(firstDigest ?? ""))) as Digest;
    await deps.objects.put(
      firstDigest ?? "",
      Buffer.from(JSON.stringify({ ...digest, createdAt: now })),
      now,
    );

    expect((await verifyArchive(tenantId, deps)).firstProblem).toEqual({
      kind: "digest-chain-broken",
      sequence: 4,
      archiveKey: firstDigest,
    });
  });

  it("detects a batch whose bytes changed though every record still chains", async () => {
    const deps = await trailWith(3);
    await archiveTrail(tenantId, deps, settings);
    const [batch] = deps.objects.keysUnder(`audit/${tenantId}/records/`);
    await deps.objects.put(batch ?? "", Buffer.from(`${text(await deps.objects.get(batch ?? ""))}\n\n`), now);

    expect((await verifyArchive(tenantId, deps)).firstProblem).toEqual({
      kind: "archive-altered",
      sequence: 1,
      archiveKey: batch,
    });
  });

  it("refuses to archive a chain that was edited in the index, archiving nothing past the break", async () => {
    const deps = await trailWith(10);
    const chain = deps.audit.chains.get(tenantId) ?? [];
    const edited = chain[6];
    if (!edited) throw new Error("fixture");
    chain[6] = { ...edited, event: { ...edited.event, eventName: "Forged" } };

    await expect(archiveTrail(tenantId, deps, settings)).rejects.toThrow(AuditChainBrokenError);
    expect(await deps.cursors.get(tenantId)).toMatchObject({ sequence: 4 });
    await expect(verifyArchive(tenantId, deps)).resolves.toMatchObject({ ok: true, archivedThrough: 4 });
  });

  it("lets only one of two concurrent runs move the cursor", async () => {
    const deps = await trailWith(3);

    const runs = await Promise.allSettled([
      archiveTrail(tenantId, deps, settings),
      archiveTrail(tenantId, deps, settings),
    ]);

    expect(runs.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    await expect(verifyArchive(tenantId, deps)).resolves.toMatchObject({ ok: true, checked: 3 });
  });

  it("has nothing to verify before the first archive run", async () => {
    const deps = await trailWith(2);

    await expect(verifyArchive(tenantId, deps)).resolves.toEqual({
      ok: true,
      checked: 0,
      archivedThrough: 0,
    });
  });

  it("reports a digest rewritten as garbage instead of failing", async () => {
    const deps = await trailWith(9);
    await archiveTrail(tenantId, deps, settings);
    const [firstDigest] = deps.objects.keysUnder(`audit/${tenantId}/digests/`);
    await deps.objects.put(firstDigest ?? "", Buffer.from("not json at all"), now);

    expect((await verifyArchive(tenantId, deps)).firstProblem).toEqual({
      kind: "digest-chain-broken",
      sequence: 4,
      archiveKey: firstDigest,
    });
  });
});
