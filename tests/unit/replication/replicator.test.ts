import { describe, expect, it } from "vitest";
import { replayDeadLetters } from "../../../shared/replication/replay.ts";
import { replicateMessages } from "../../../shared/replication/replicate-messages.ts";
import { versionsIn } from "../../../shared/replication/replication-messages.ts";
import {
  type DrCopy,
  type ObjectLock,
  type ReplicatorDeps,
  type ReplicaVaults,
  replicateVersion,
  type SourceVersion,
  type VaultVersion,
} from "../../../shared/replication/replicator.ts";
import type { UnitTransport } from "../../../shared/replication/transport.ts";

const inAYear: ObjectLock = { mode: "COMPLIANCE", retainUntil: new Date("2027-12-07T00:00:00Z") };
const key = "tenants/t-1/packs/ab/abcdef";

/** Both vaults in memory: the DR vault keeps every version it is given, newest last. */
function vaults(sources: Record<string, SourceVersion>, nativeRules: string[] = []) {
  const dr = new Map<string, DrCopy[]>();
  const calls: string[] = [];
  const store: ReplicaVaults = {
    source: async (v) => sources[`${v.key}@${v.versionId}`],
    drCopy: async (k) => dr.get(k)?.at(-1),
    copy: async (v, source) => {
      calls.push(`copy ${v.key}@${v.versionId}`);
      const versions = dr.get(v.key) ?? [];
      // As on AWS: the copy takes the lock asked for (here a default one, to be lengthened).
      const copy = {
        versionId: `dr-${versions.length + 1}`,
        sourceVersionId: v.versionId,
        sourceLastModified: source.lastModified,
        lock: { mode: "COMPLIANCE" as const, retainUntil: new Date("2027-01-01T00:00:00Z") },
      };
      dr.set(v.key, [...versions, copy]);
      return copy.versionId;
    },
    lock: async (k, drVersionId, lock) => {
      calls.push(`lock ${k}@${drVersionId} ${lock.retainUntil.toISOString()}`);
      const copy = dr.get(k)?.find((c) => c.versionId === drVersionId);
      if (copy) copy.lock = lock;
    },
    meantForS3Replication: async (k) => nativeRules.some((prefix) => k.startsWith(prefix)),
  };
  return { store, dr, calls };
}

function deps(
  store: ReplicaVaults,
  transport: UnitTransport = { transport: "managed" },
  now = new Date("2026-12-07T12:00:00Z"),
) {
  const deferred: { version: VaultVersion; delaySeconds: number }[] = [];
  const d: ReplicatorDeps = {
    vaults: store,
    transportOf: async () => transport,
    defer: async (version, delaySeconds) => {
      deferred.push({ version, delaySeconds });
    },
    now: () => now,
  };
  return { d, deferred };
}

const v1 = { key, versionId: "v1" };
const source = (extra: Partial<SourceVersion> = {}): SourceVersion => ({
  lastModified: new Date("2026-12-07T11:00:00Z"),
  lock: inAYear,
  ...extra,
});

describe("the managed replicator (issue #18 item 3, D-42)", () => {
  it("copies a managed unit's new version with its lock, and a repeated delivery adds no version", async () => {
    const { store, dr, calls } = vaults({ [`${key}@v1`]: source() });
    const { d } = deps(store);
    expect(await replicateVersion(d, v1)).toBe("copied");
    expect(dr.get(key)?.[0]).toMatchObject({ sourceVersionId: "v1", lock: inAYear });
    expect(await replicateVersion(d, v1)).toBe("already-copied");
    expect(dr.get(key)).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith("copy"))).toHaveLength(1);
  });

  it("makes the lock of an earlier copy good when a delivery finds it shorter", async () => {
    const { store, dr } = vaults({ [`${key}@v1`]: source() });
    const { d } = deps(store);
    dr.set(key, [{ versionId: "dr-1", sourceVersionId: "v1", lock: undefined }]);
    expect(await replicateVersion(d, v1)).toBe("already-copied");
    expect(dr.get(key)?.[0]?.lock).toEqual(inAYear);
  });

  it("never tries to turn a COMPLIANCE copy into GOVERNANCE: it only lengthens it, keeping COMPLIANCE", async () => {
    const governance = { mode: "GOVERNANCE" as const, retainUntil: new Date("2028-01-01T00:00:00Z") };
    const { store, dr } = vaults({ [`${key}@v1`]: source({ lock: governance }) });
    dr.set(key, [
      {
        versionId: "dr-1",
        sourceVersionId: "v1",
        lock: { mode: "COMPLIANCE", retainUntil: new Date("2027-01-01T00:00:00Z") },
      },
    ]);
    expect(await replicateVersion(deps(store).d, v1)).toBe("already-copied");
    expect(dr.get(key)?.[0]?.lock).toEqual({ mode: "COMPLIANCE", retainUntil: governance.retainUntil });
  });

  it("leaves to S3 replication what it carries, and a native unit's versions to it", async () => {
    const { store, calls } = vaults({
      [`${key}@v1`]: source({ replicationStatus: "COMPLETED" }),
      [`${key}@v2`]: source(),
    });
    expect(await replicateVersion(deps(store).d, v1)).toBe("replicated-natively");
    expect(await replicateVersion(deps(store, { transport: "native" }).d, { key, versionId: "v2" })).toBe(
      "left-to-native",
    );
    expect(calls).toEqual([]);
  });

  it("copies what S3 replication failed, and a native unit's version written before its S3 rule existed", async () => {
    const failed = vaults({ [`${key}@v1`]: source({ replicationStatus: "FAILED" }) });
    expect(await replicateVersion(deps(failed.store, { transport: "native" }).d, v1)).toBe("copied");
    const early = vaults({ [`${key}@v1`]: source() }, ["tenants/t-1/"]);
    expect(await replicateVersion(deps(early.store, { transport: "native" }).d, v1)).toBe("copied");
  });

  it("000 §7.5.10(3): holds a copy back until the transfer window opens, then copies it even if the unit turned native", async () => {
    const { store, dr } = vaults({ [`${key}@v1`]: source() });
    const window = { start: "12:30", end: "13:00", timezone: "UTC" };
    const { d, deferred } = deps(store, { transport: "managed", windows: [window] });
    expect(await replicateVersion(d, v1)).toBe("deferred");
    expect(deferred).toEqual([{ version: v1, delaySeconds: 900 }]);
    expect(dr.has(key)).toBe(false);
    const later = deps(store, { transport: "native" }, new Date("2026-12-07T12:31:00Z")).d;
    expect(await replicateVersion(later, { ...v1, deferred: true })).toBe("copied");
  });

  it("does not hide a newer DR copy of the key under an older version delivered late", async () => {
    const { store, dr } = vaults({ [`${key}@v1`]: source() });
    dr.set(key, [
      { versionId: "dr-9", sourceVersionId: "v2", sourceLastModified: new Date("2026-12-07T11:30:00Z") },
    ]);
    expect(await replicateVersion(deps(store).d, v1)).toBe("superseded");
    expect(dr.get(key)).toHaveLength(1);
  });

  it("fails, by name, for a version that is not in the primary vault and for a key outside the units", async () => {
    const { store } = vaults({});
    await expect(replicateVersion(deps(store).d, v1)).rejects.toMatchObject({
      code: "REPLICATION_SOURCE_MISSING",
    });
    await expect(
      replicateVersion(deps(store).d, { key: "loose.txt", versionId: "v1" }),
    ).rejects.toMatchObject({
      code: "NOT_A_VAULT_OBJECT",
    });
  });
});

const notification = (objects: { key: string; versionId?: string }[], bucket = "vault") =>
  JSON.stringify({
    Records: objects.map((o) => ({
      eventName: "ObjectCreated:Put",
      s3: { bucket: { name: bucket }, object: { key: o.key, versionId: o.versionId, size: 1 } },
    })),
  });

describe("the replicator's queue messages", () => {
  it("read S3's notifications with their URL-encoded keys, the test event, and its own deferrals", () => {
    expect(versionsIn(notification([{ key: "tenants/t-1/a+b%2Bc", versionId: "v1" }]), "vault")).toEqual([
      { key: "tenants/t-1/a b+c", versionId: "v1" },
    ]);
    expect(versionsIn(JSON.stringify({ Event: "s3:TestEvent", Bucket: "vault" }), "vault")).toEqual([]);
    expect(versionsIn(JSON.stringify({ govdrReplicate: { key, versionId: "v1" } }), "vault")).toEqual([
      { key, versionId: "v1", deferred: true },
    ]);
  });

  it("refuse what is not a vault version: another bucket, no version id, not JSON", () => {
    expect(() => versionsIn(notification([{ key, versionId: "v1" }], "other"), "vault")).toThrow(/other/);
    expect(() => versionsIn(notification([{ key }]), "vault")).toThrow(/no version id/);
    expect(() => versionsIn("{", "vault")).toThrow(/not JSON/);
  });

  it("fail only the message whose copy failed, so SQS retries it alone", async () => {
    const { store } = vaults({ [`${key}@v1`]: source() });
    const results = await replicateMessages({ ...deps(store).d, vaultBucket: "vault" }, [
      { messageId: "ok", body: notification([{ key, versionId: "v1" }]) },
      { messageId: "gone", body: notification([{ key, versionId: "v404" }]) },
    ]);
    expect(results.map((r) => [r.messageId, r.error?.name ?? r.outcomes[0]?.outcome])).toEqual([
      ["ok", "copied"],
      ["gone", "ReplicationSourceMissingError"],
    ]);
  });
});

describe("replaying the dead-letter queue", () => {
  it("sends each dead letter back before deleting it, until none is left", async () => {
    const dead = ["a", "b", "c"];
    const log: string[] = [];
    const result = await replayDeadLetters(
      {
        receive: async () => dead.splice(0, 2).map((body) => ({ body, receipt: `r-${body}` })),
        send: async (body) => void log.push(`send ${body}`),
        remove: async (receipt) => void log.push(`delete ${receipt}`),
      },
      { maxMessages: 100, timeLeftMs: () => 60_000 },
    );
    expect(result).toEqual({ replayed: 3, finished: true });
    expect(log).toEqual(["send a", "delete r-a", "send b", "delete r-b", "send c", "delete r-c"]);
  });

  it("stops before the function's time runs out, saying it has not finished", async () => {
    const result = await replayDeadLetters(
      { receive: async () => [{ body: "x", receipt: "r" }], send: async () => {}, remove: async () => {} },
      { maxMessages: 100, timeLeftMs: () => 5_000 },
    );
    expect(result).toEqual({ replayed: 0, finished: false });
  });
});
