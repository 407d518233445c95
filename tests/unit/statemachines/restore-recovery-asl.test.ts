import { describe, expect, it } from "vitest";
import type { ProtectedSystem } from "../../../shared/systems/system.ts";
import { backUpNow } from "../../support/switchover-data.ts";
import { approve, reject, runMachine, type World } from "../../support/switchover-machine.ts";
import { switchoverWorld } from "../../support/switchovers.ts";

const roleArn = "arn:aws:iam::111111111111:role/govdr-source-portal";
const primary = { bucket: "portal-data", prefix: "site/", roleArn };
const drData = { bucket: "portal-dr-data", prefix: "site/", roleArn };

/** A system whose data is an S3 prefix, recovered by restoring the DR vault's latest point (D-51). */
async function restoreWorld(failover: object = {}) {
  const w = await switchoverWorld([
    {
      name: "portal",
      backupSources: [{ type: "s3-prefix", ...primary }],
      failover: { recovery: "restore", drData, ...failover },
    },
  ]);
  const system = w.systems.get("portal") as ProtectedSystem;
  const backUp = () => backUpNow(w.deps.recoveryData, system, primary);
  return { ...w, system, backUp };
}

async function failOver(w: World) {
  const started = await w.api.start(w.requester, "failover", { systems: [w.id("portal")] });
  return runMachine(w, "failover", started.switchId, approve(w));
}

describe("recovery by restore in the switchover state machines (D-51, issue #20)", () => {
  it("restores the DR vault's latest point into the DR site's data, replacing what it held, and measures the RPO from it (R-FO-01)", async () => {
    const w = await restoreWorld();
    // Keys as S3 allows them: a space and a % (escaped in the snapshot's paths), a folder marker.
    w.buckets.write(primary.bucket, primary.prefix, {
      "index.html": "<h1>v1</h1>",
      "data/a.json": "{}",
      "docs/notes 100%.txt": "pct",
      "docs/empty/": "",
    });
    const snapshotId = await w.backUp();
    w.buckets.write(drData.bucket, drData.prefix, { "stale.html": "from an earlier failover" });
    w.buckets.write(drData.bucket, "other/", { "keep.txt": "outside the prefix" });

    const run = await failOver(w);

    expect(run.failure).toBeUndefined();
    expect(run.record.status).toBe("completed");
    expect(w.buckets.read(drData.bucket, drData.prefix)).toEqual({
      "index.html": "<h1>v1</h1>",
      "data/a.json": "{}",
      "docs/notes 100%.txt": "pct",
      "docs/empty/": "",
    });
    expect(w.buckets.read(drData.bucket, "other/")).toEqual({ "keep.txt": "outside the prefix" });
    const member = run.record.waves[0]?.systems[0];
    expect(member?.recoveryPoint?.snapshotId).toBe(snapshotId);
    expect(member?.achieved?.rpoSeconds).toBeGreaterThanOrEqual(0);
    expect(member?.steps.find((s) => s.name === "recover")?.detail).toContain(
      `snapshot ${snapshotId} restored into s3://${drData.bucket}/${drData.prefix}: 4 files, 16 bytes verified, 1 earlier objects removed`,
    );
  });

  it("stops at the precheck when the DR vault holds no point to restore, touching nothing (PrecheckFailedError)", async () => {
    const w = await restoreWorld();
    w.buckets.write(drData.bucket, drData.prefix, { "index.html": "what the DR site holds" });

    const run = await failOver(w);

    expect(run.invocations).toEqual(["Precheck", "Finish"]);
    expect(run.record).toMatchObject({ status: "failed", error: { code: "PRECHECK_FAILED" } });
    expect(run.record.precheck?.findings).toContainEqual(
      expect.objectContaining({ code: "NO_REPLICATED_POINT", severity: "error" }),
    );
    expect(w.buckets.read(drData.bucket, drData.prefix)).toEqual({ "index.html": "what the DR site holds" });
    expect(w.adapterCalls).toEqual([]);
  });

  it("fails back with the DR side's writes in the primary, the primary's own data kept as a snapshot first (R-FO-04)", async () => {
    const w = await restoreWorld();
    w.buckets.write(primary.bucket, primary.prefix, {
      "index.html": "v1",
      "gone.txt": "deleted on the DR side",
    });
    await w.backUp();
    const failover = await failOver(w);
    expect(failover.record.status).toBe("completed");
    // Business goes on at the DR site; the fenced primary had one late write of its own.
    w.buckets.write(drData.bucket, drData.prefix, {
      "index.html": "v2 written at the DR site",
      "new.json": "[]",
    });
    w.buckets.bucket(drData.bucket).objects.delete(`${drData.prefix}gone.txt`);
    w.buckets.write(primary.bucket, primary.prefix, { "late.txt": "written as the primary went down" });
    w.adapterCalls.length = 0;

    const failback = await w.api.failBack(w.requester, failover.record.switchId);
    const run = await runMachine(w, "failback", failback.switchId, approve(w));

    expect(run.failure).toBeUndefined();
    expect(run.record).toMatchObject({ kind: "failback", status: "completed" });
    expect(w.buckets.read(primary.bucket, primary.prefix)).toEqual({
      "index.html": "v2 written at the DR site",
      "new.json": "[]",
    });
    // The DR site took no writes from the resync on: fenced first, then the switch back.
    expect(w.adapterCalls.map((c) => `${c.call}:${c.site}`).slice(0, 2)).toEqual(["fence:dr", "fence:dr"]);
    const jobs = await w.stores.backupJobs.list(w.tenant.tenantId, w.id("portal"), { limit: 10 });
    const resyncJobs = jobs.items.filter((job) => job.trigger === "failback");
    expect(
      resyncJobs.map((job) => [job.status, job.sources[0]?.type === "s3-prefix" && job.sources[0].bucket]),
    ).toEqual(
      expect.arrayContaining([
        ["completed", primary.bucket],
        ["completed", drData.bucket],
      ]),
    );
    const kept = resyncJobs.find(
      (job) => job.sources[0]?.type === "s3-prefix" && job.sources[0].bucket === primary.bucket,
    );
    expect(kept?.progress.files).toBe(3);
    const resync = run.record.waves[0]?.systems[0]?.steps.find((s) => s.name === "resync");
    expect(resync).toMatchObject({ status: "succeeded" });
    expect(resync?.detail).toContain(`restored into s3://${primary.bucket}/${primary.prefix}: 2 files`);
    expect(w.auditEvents()).toEqual(
      expect.arrayContaining(["FailbackResyncFence", "FailbackResync", "CompleteBackup"]),
    );
    expect(await w.routes.get(w.tenant.tenantId, w.id("portal"))).toMatchObject({
      activeSite: "primary",
      fencedSite: "dr",
    });
  });

  it("serves from the DR site again, unfenced, when the failback is rejected after its resync", async () => {
    const w = await restoreWorld();
    w.buckets.write(primary.bucket, primary.prefix, { "index.html": "v1" });
    await w.backUp();
    const failover = await failOver(w);
    w.adapterCalls.length = 0;

    const failback = await w.api.failBack(w.requester, failover.record.switchId);
    const run = await runMachine(w, "failback", failback.switchId, reject(w, "not tonight"));

    expect(run.record.status).toBe("rejected");
    expect(w.adapterCalls.map((c) => `${c.call}:${c.site}`)).toEqual(["fence:dr", "unfence:dr"]);
    expect(await w.routes.get(w.tenant.tenantId, w.id("portal"))).toMatchObject({
      activeSite: "dr",
      fencedSite: "primary",
    });
    expect(w.auditEvents()).toContain("FailbackResyncUnfence");
  });
});
