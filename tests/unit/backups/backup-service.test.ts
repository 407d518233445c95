import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AuditEvent } from "../../../shared/audit/event-schema.ts";
import type { BackupJob } from "../../../shared/backups/backup-job.ts";
import { BackupService } from "../../../shared/backups/backup-service.ts";
import {
  type BackupStepDeps,
  failBackup,
  runBackupSlice,
  sliceDeadline,
} from "../../../shared/backups/backup-steps.ts";
import { startScheduledBackup } from "../../../shared/backups/scheduled-backup.ts";
import { SnapshotService } from "../../../shared/snapshots/snapshot-service.ts";
import { SystemService } from "../../../shared/systems/system-service.ts";
import type { Tenant } from "../../../shared/tenants/tenant.ts";
import { LocalBackend } from "../../../shared/vault/backends/local.ts";
import { localKeyWrapper } from "../../../shared/vault/key-wrapper.ts";
import type { ObjectSource } from "../../../shared/vault/object-backup.ts";
import { Repository } from "../../../shared/vault/repository.ts";
import { policy } from "../../integration/support/bodies.ts";
import { makeTenant } from "../../support/identity-fixtures.ts";
import { MemoryAuditLog } from "../../support/memory-audit.ts";
import { MemoryStores } from "../../support/memory-stores.ts";
import { systemInput } from "../../support/systems.ts";

/** The events recorded for a tenant, chained or not yet. */
const auditEvents = (audit: MemoryAuditLog, tenantId: string) => [
  ...(audit.chains.get(tenantId) ?? []).map(
    (r) => (r as unknown as { event: AuditEvent }).event ?? (r as unknown as AuditEvent),
  ),
  ...(audit.pending.get(tenantId) ?? []),
];

const roleArn = "arn:aws:iam::111111111111:role/govdr-source-backup";
const s3Source = { type: "s3-prefix", bucket: "unit-data", prefix: "portal/", roleArn };

let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-backup-service-"));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A unit with one system whose policy has `sources`, the service and the step dependencies in memory. */
async function world(sources: object[] = [s3Source], tenantExtra: Partial<Tenant> = {}) {
  const stores = new MemoryStores();
  const audit = new MemoryAuditLog();
  let clock = new Date("2026-11-21T08:00:00.000Z");
  const now = () => clock;
  const tenant = { ...makeTenant(clock, "active"), vaultKeyId: "key-1" };
  stores.tenantMap.set(tenant.tenantId, tenant);
  const systems = new SystemService({
    systems: stores.systems,
    now,
    primaryRegion: "cn-north-1",
    drillSchedules: stores.drillSchedules,
  });
  const system = await systems.create(tenant, systemInput());
  const body = policy({ kind: "every", minutes: 30 }, "database-replication-or-cdp");
  // Stored as it is (a version set before D-43 may lack what a new policy needs).
  await stores.systems.setPolicy(
    { ...system, policyVersion: 1, version: system.version + 1 },
    {
      tenantId: tenant.tenantId,
      systemId: system.systemId,
      version: 1,
      policy: { ...body, backup: { ...body.backup, sources } } as never,
      findings: [],
      createdAt: clock.toISOString(),
      createdBy: "u-1",
    },
  );
  stores.tenantMap.set(tenant.tenantId, { ...tenant, ...tenantExtra });
  const started: string[] = [];
  const service = new BackupService({
    jobs: stores.backupJobs,
    systems: stores.systems,
    tenants: stores.tenants,
    platform: { buckets: ["platform-vault"], tables: ["Platform-Policies"] },
    repositoryOf: (tenantId) => `s3://govdr-vault/tenants/${tenantId}/`,
    runner: {
      executionArnOf: (id) => `arn:aws:states:cn-north-1:0:execution:govdr-backup:${id}`,
      start: async (job) => void started.push(job.jobId),
    },
    now,
  });
  const wrapper = localKeyWrapper("backup-service-test-key-0123456789");
  const objects = [...Array(5).keys()].map((i) => `file-${i}.txt`);
  const source: ObjectSource = {
    name: "s3-unit-data",
    label: "s3://unit-data/portal/",
    ordered: true,
    async *objects(cursor) {
      for (const key of objects) {
        if (cursor !== undefined && key <= cursor) continue;
        const object = {
          key,
          size: 4,
          mtime: clock,
          identity: `"${key}"`,
          read: async () => ({ stream: [Buffer.from(key)] }),
        };
        yield { object, cursor: () => key };
      }
    },
  };
  const deps: BackupStepDeps = {
    jobs: stores.backupJobs,
    systems: stores.systems,
    tenants: stores.tenants,
    snapshots: new SnapshotService({ catalog: stores.snapshots, systems: stores.systems, now }),
    vault: {
      open: async (_tenant, { suite }) => {
        const backend = new LocalBackend(path.join(work, "repo"));
        await Repository.init(backend, wrapper, { suite }).catch(() => undefined);
        return Repository.open(backend, wrapper);
      },
    },
    sources: { open: async () => [source] },
    audit,
    now,
    region: "cn-north-1",
    progressEveryMs: 0,
  };
  const tick = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };
  const caller = { tid: tenant.tenantId, sub: "u-1" };
  return { stores, audit, service, deps, started, tenant, systemId: system.systemId, caller, tick };
}

describe("BackupService (D-43)", () => {
  it("starts a job of the policy's server-side sources and refuses a second while it runs (409 BACKUP_RUNNING)", async () => {
    const w = await world();

    const job = await w.service.start(w.caller, w.systemId, {});
    expect(job).toMatchObject({ status: "running", type: "incremental", sources: [s3Source] });
    expect(w.started).toEqual([job.jobId]);
    await expect(w.service.start(w.caller, w.systemId, {})).rejects.toMatchObject({ code: "BACKUP_RUNNING" });
  });

  it("answers another unit's system as not found, and a policy without server-side sources as 409", async () => {
    const w = await world([{ type: "directory", path: "/srv/app" }]);

    await expect(w.service.start({ tid: "t-000000000000", sub: "u" }, w.systemId, {})).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(w.service.start(w.caller, w.systemId, {})).rejects.toMatchObject({
      code: "NO_SERVER_SOURCES",
    });
  });

  it("refuses a policy naming a platform bucket or a source without a role, naming the fields", async () => {
    const w = await world([
      { ...s3Source, bucket: "platform-vault" },
      { type: "s3-prefix", bucket: "old", prefix: "" },
    ]);

    const refusal = w.service.start(w.caller, w.systemId, {});
    await expect(refusal).rejects.toMatchObject({ code: "POLICY_REJECTED" });
    const error = (await refusal.catch((e) => e)) as { findings: { path: string }[] };
    expect(error.findings.map((f) => f.path).sort()).toEqual([
      "backup.sources.0.bucket",
      "backup.sources.1.roleArn",
    ]);
    expect(w.stores.backupJobMap.size).toBe(0);
  });

  it("refuses a unit without a vault key, or not active", async () => {
    const noKey = await world([s3Source], { vaultKeyId: undefined });
    await expect(noKey.service.start(noKey.caller, noKey.systemId, {})).rejects.toMatchObject({
      code: "INVALID_TENANT_STATE",
    });
    const suspended = await world([s3Source], { status: "suspended" });
    await expect(suspended.service.start(suspended.caller, suspended.systemId, {})).rejects.toMatchObject({
      code: "TENANT_NOT_ACTIVE",
    });
  });
});

describe("backup slices (statemachines/backup.asl.json's loop)", () => {
  it("runs a job in slices to a snapshot in the catalogue, with progress, audited, slot freed", async () => {
    const w = await world();
    const job = await w.service.start(w.caller, w.systemId, {});
    const key = { tenantId: w.tenant.tenantId, systemId: w.systemId, jobId: job.jobId };

    // Each object moves the clock past the deadline: every slice does one object.
    const source = (await w.deps.sources.open("", "", []))[0] as ObjectSource;
    w.deps.sources = {
      open: async () => [
        {
          ...source,
          async *objects(cursor) {
            for await (const item of source.objects(cursor)) {
              yield item;
              w.tick(60_000);
            }
          },
        },
      ],
    };
    let slices = 0;
    for (;;) {
      slices += 1;
      const { done } = await runBackupSlice(w.deps, key, new Date(w.deps.now().getTime() + 30_000));
      const stored = await w.stores.backupJobs.get(key.tenantId, key.systemId, key.jobId);
      if (done) break;
      expect(stored?.checkpoint?.cursor).toBeDefined();
      expect(stored?.progress.slices).toBe(slices);
    }

    const ended = await w.service.get(w.caller, w.systemId, job.jobId);
    expect(slices).toBeGreaterThan(3);
    expect(ended).toMatchObject({ status: "completed", progress: { files: 5, sourcesDone: 1 } });
    expect(ended).not.toHaveProperty("checkpoint");
    const recorded = await w.stores.snapshots.get(key.tenantId, key.systemId, ended.snapshotId as string);
    expect(recorded).toMatchObject({
      registeredBy: `govdr-backup:${job.jobId}`,
      sources: ["s3://unit-data/portal/"],
    });
    expect(auditEvents(w.audit, key.tenantId).map((e) => e.eventName)).toContain("CompleteBackup");
    await expect(w.service.start(w.caller, w.systemId, {})).resolves.toMatchObject({ status: "running" });
  });

  it("records a retried last slice's snapshot once, without backing up again", async () => {
    const w = await world();
    const job = await w.service.start(w.caller, w.systemId, {});
    const key = { tenantId: w.tenant.tenantId, systemId: w.systemId, jobId: job.jobId };
    await runBackupSlice(w.deps, key, new Date(w.deps.now().getTime() + 600_000));
    const done = await w.stores.backupJobs.get(key.tenantId, key.systemId, key.jobId);
    // As if the catalogue write had failed after the manifest was recorded on the job:
    w.stores.backupJobMap.set(`${key.tenantId}/${key.systemId}/${key.jobId}`, {
      ...(done as BackupJob),
      status: "running",
      version: (done?.version ?? 0) + 1,
    });

    await expect(runBackupSlice(w.deps, key, new Date(w.deps.now().getTime() + 600_000))).resolves.toEqual({
      done: true,
    });
    expect((await w.stores.snapshots.list(key.tenantId, key.systemId, { limit: 10 })).items).toHaveLength(1);
  });

  it("ends a failed job with the error the state machine caught, audited, and frees the slot", async () => {
    const w = await world();
    const job = await w.service.start(w.caller, w.systemId, {});
    const key = { tenantId: w.tenant.tenantId, systemId: w.systemId, jobId: job.jobId };

    const notices: { tenantId: string; kind: string; text: string }[] = [];
    const notifier = {
      publish: async (tenantId: string, message: { kind: string; text: string }) =>
        void notices.push({ tenantId, kind: message.kind, text: message.text }),
    };
    await failBackup({ ...w.deps, notifier }, key, {
      Error: "SourceAccessDeniedError",
      Cause: JSON.stringify({ errorType: "SourceAccessDeniedError", errorMessage: "The role was refused" }),
    });
    // 000 §7.5.3(5): the unit is told; a retried Catch tells it again rather than not at all.
    expect(notices).toEqual([
      expect.objectContaining({
        tenantId: key.tenantId,
        kind: "job-failed",
        text: expect.stringContaining("The role was refused"),
      }),
    ]);
    await failBackup({ ...w.deps, notifier }, key, null);
    expect(notices).toHaveLength(2);

    expect(await w.service.get(w.caller, w.systemId, job.jobId)).toMatchObject({
      status: "failed",
      error: { code: "SourceAccessDeniedError", message: "The role was refused" },
    });
    expect(auditEvents(w.audit, key.tenantId).find((e) => e.eventName === "FailBackup")?.errorCode).toBe(
      "SourceAccessDeniedError",
    );
    await expect(w.service.start(w.caller, w.systemId, {})).resolves.toMatchObject({ status: "running" });
  });

  it("gives a slice at most 10 minutes, and always leaves 4 of the invocation's for the checkpoint", () => {
    const now = new Date(0);
    expect(sliceDeadline(now, 900_000).getTime()).toBe(600_000);
    expect(sliceDeadline(now, 500_000).getTime()).toBe(260_000);
  });
});

describe("scheduled backups", () => {
  it("starts the job as the schedule, and skips a firing while one runs (audited)", async () => {
    const w = await world();
    const deps = {
      tenants: w.stores.tenants,
      systems: w.stores.systems,
      backups: w.service,
      audit: w.audit,
      now: w.deps.now,
      region: "cn-north-1",
    };
    const key = { tenantId: w.tenant.tenantId, systemId: w.systemId };

    const first = await startScheduledBackup(deps, key);
    const second = await startScheduledBackup(deps, key);

    expect(first.jobId).toMatch(/^b-/);
    expect(second).toEqual({ skipped: "backup-running" });
    const events = auditEvents(w.audit, key.tenantId).filter((e) => e.eventName === "StartBackup");
    expect(events.map((e) => e.errorCode ?? "ok").sort()).toEqual(["BACKUP_RUNNING", "ok"]);
  });
});
