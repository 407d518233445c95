import { describe, expect, it } from "vitest";
import { restoreDataLocation } from "../../../shared/failover/data-restore.ts";
import { restoreLocations, restoreRecoveryFindings } from "../../../shared/failover/restore-recovery.ts";
import { drPolicySchema } from "../../../shared/policies/policy-schema.ts";
import type { ProtectedSystem } from "../../../shared/systems/system.ts";
import { policy } from "../../integration/support/bodies.ts";
import { backUpNow } from "../../support/switchover-data.ts";
import { switchoverWorld } from "../../support/switchovers.ts";

const roleArn = "arn:aws:iam::111111111111:role/govdr-source-portal";
const primary = { type: "s3-prefix" as const, bucket: "portal-data", prefix: "site/", roleArn };
const drData = { bucket: "portal-dr-data", prefix: "site/", roleArn };

function restorePolicy(overrides: { sources?: object[]; drData?: object | undefined } = {}) {
  const body = policy({ kind: "every", minutes: 30 }, "database-replication-or-cdp");
  return drPolicySchema.parse({
    ...body,
    backup: { ...body.backup, sources: overrides.sources ?? [primary] },
    failover: {
      ...body.failover,
      recovery: "restore",
      ...("drData" in overrides ? (overrides.drData ? { drData: overrides.drData } : {}) : { drData }),
    },
  });
}

const codes = (p: ReturnType<typeof restorePolicy>) =>
  restoreRecoveryFindings(p).map((f) => [f.code, f.path]);

describe("a policy that recovers by restore (D-51)", () => {
  it("is accepted with one S3 source and a DR data location apart from it", () => {
    const p = restorePolicy();
    expect(restoreRecoveryFindings(p)).toEqual([]);
    expect(restoreLocations(p)).toEqual({ primary, dr: { type: "s3-prefix", ...drData } });
  });

  it("needs the DR site's data location, naming failover.drData", () => {
    expect(codes(restorePolicy({ drData: undefined }))).toEqual([
      ["RESTORE_TARGET_REQUIRED", "failover.drData"],
    ]);
  });

  it("needs exactly one backup source, an S3 prefix", () => {
    expect(codes(restorePolicy({ sources: [{ type: "directory", path: "/srv/app" }] }))).toEqual([
      ["RESTORE_NEEDS_ONE_S3_SOURCE", "backup.sources"],
    ]);
    expect(codes(restorePolicy({ sources: [primary, { ...primary, bucket: "second" }] }))).toEqual([
      ["RESTORE_NEEDS_ONE_S3_SOURCE", "backup.sources"],
    ]);
  });

  it("refuses a DR data location that overlaps the source (a restore empties it first) or is the platform's", () => {
    expect(
      codes(restorePolicy({ drData: { ...drData, bucket: primary.bucket, prefix: "site/dr/" } })),
    ).toEqual([["RESTORE_TARGET_OVERLAPS_SOURCE", "failover.drData.prefix"]]);
    expect(codes(restorePolicy({ drData: { ...drData, bucket: "govdr-vault-cn-north-1" } }))).toEqual([
      ["RESTORE_TARGET_IS_PLATFORM_RESOURCE", "failover.drData.bucket"],
    ]);
  });

  it("needs both prefixes to be folders, since a restore empties everything under its prefix", () => {
    expect(codes(restorePolicy({ drData: { ...drData, prefix: "site" } }))).toEqual([
      ["RESTORE_PREFIX_NOT_A_FOLDER", "failover.drData.prefix"],
    ]);
    expect(codes(restorePolicy({ sources: [{ ...primary, prefix: "" }] }))).toEqual([
      ["RESTORE_PREFIX_NOT_A_FOLDER", "backup.sources.0.prefix"],
    ]);
  });

  it("says nothing of a policy that promotes its DR site", () => {
    const p = restorePolicy();
    const promote = { ...p, failover: { ...p.failover, recovery: "promote" as const } };
    expect(restoreRecoveryFindings(promote)).toEqual([]);
    expect(restoreLocations(promote)).toBeUndefined();
  });
});

describe("restoreDataLocation (D-51)", () => {
  async function backedUp() {
    const w = await switchoverWorld([
      { name: "portal", backupSources: [primary], failover: { recovery: "restore", drData } },
    ]);
    w.buckets.write(primary.bucket, primary.prefix, { "a.txt": "alpha", "d/b.txt": "beta" });
    const system = w.systems.get("portal") as ProtectedSystem;
    await backUpNow(w.deps.recoveryData, system, primary);
    const latest = await w.deps.recoveryData.openLatestInDr(system.tenantId, system.systemId);
    if (!latest) throw new Error("no snapshot");
    const target = {
      location: { type: "s3-prefix" as const, ...drData },
      objects: w.buckets.bucket(drData.bucket),
    };
    return { buckets: w.buckets, latest, target };
  }

  it("refuses a snapshot that did not back the source up, and leaves the target as it was", async () => {
    const { latest, target, buckets } = await backedUp();
    buckets.write(drData.bucket, drData.prefix, { "keep.txt": "the DR site's" });

    const other = { ...primary, bucket: "another-bucket" };
    await expect(
      restoreDataLocation(latest.repository, latest.snapshot, other, target),
    ).rejects.toMatchObject({
      name: "RecoveryFailedError",
      message: expect.stringContaining("holds no backup of s3://another-bucket/site/"),
    });
    expect(buckets.read(drData.bucket, drData.prefix)).toEqual({ "keep.txt": "the DR site's" });
  });

  it("fails, naming the file, when a restored object is not what the manifest records", async () => {
    const { latest, target } = await backedUp();
    const objects = target.objects;
    const write = objects.write.bind(objects);
    objects.write = async (key, body, size) => {
      await write(key, body, size);
      if (key.endsWith("d/b.txt")) objects.objects.set(key, Buffer.from("truncated"));
    };

    await expect(
      restoreDataLocation(latest.repository, latest.snapshot, primary, target),
    ).rejects.toMatchObject({
      name: "RecoveryFailedError",
      message: expect.stringMatching(
        /1 of 2 files .* d\/b\.txt \(9 bytes in the sandbox, the manifest records 4\)/,
      ),
    });
  });
});
