import { describe, expect, it } from "vitest";
import { type BackupJob, emptyProgress } from "../../../shared/backups/backup-job.ts";
import { newId } from "../../../shared/stores/ids.ts";
import type { BackupJobStore } from "../../../shared/stores/stores.ts";
import { allPages, at, itemsOf } from "./fixtures.ts";

const running = { name: "ConflictError", code: "BACKUP_RUNNING" };

export const backupJob = (
  tenantId: string,
  systemId: string,
  overrides: Partial<BackupJob> = {},
): BackupJob => ({
  tenantId,
  systemId,
  jobId: newId("b"),
  trigger: "on-demand",
  requestedBy: newId("u"),
  status: "running",
  policyVersion: 1,
  type: "incremental",
  sources: [
    {
      type: "s3-prefix",
      bucket: "unit-data",
      prefix: "portal/",
      roleArn: "arn:aws:iam::111111111111:role/govdr-source-backup",
    },
  ],
  repository: `s3://govdr-vault-000000000000-cn-north-1/tenants/${tenantId}/`,
  startedAt: at(),
  progress: emptyProgress(new Date(at())),
  warnings: [],
  version: 1,
  ...overrides,
});

export function backupJobStoreContract(name: string, make: () => Promise<{ store: BackupJobStore }>): void {
  const started = async (overrides: Partial<BackupJob> = {}) => {
    const { store } = await make();
    const job = backupJob(newId("t"), newId("s"), overrides);
    await store.start(job, new Date(Date.parse(job.startedAt) + 3_600_000));
    return { store, job };
  };

  describe(`BackupJobStore contract: ${name}`, () => {
    it("starts a job at version 1 and reads it back; another system's or tenant's id finds nothing", async () => {
      const { store, job } = await started();

      expect(await store.get(job.tenantId, job.systemId, job.jobId)).toEqual(job);
      expect(await store.get(job.tenantId, newId("s"), job.jobId)).toBeUndefined();
      expect(await store.get(newId("t"), job.systemId, job.jobId)).toBeUndefined();
    });

    it("refuses a second job of a running system (BACKUP_RUNNING, naming the first) and stores nothing", async () => {
      const { store, job } = await started();
      const second = backupJob(job.tenantId, job.systemId, { startedAt: at(5) });

      const refusal = store.start(second, new Date(Date.parse(at(60))));
      await expect(refusal).rejects.toMatchObject(running);
      await expect(refusal).rejects.toThrow(job.jobId);
      expect(await store.get(second.tenantId, second.systemId, second.jobId)).toBeUndefined();
    });

    it("frees the slot when the job ends; a slot that expired is taken and names the job that held it", async () => {
      const { store, job } = await started();
      await store.update({ ...job, status: "completed", version: 2 });
      const next = backupJob(job.tenantId, job.systemId, { startedAt: at(5) });
      expect(await store.start(next, new Date(Date.parse(at(10))))).toEqual({});

      const late = backupJob(job.tenantId, job.systemId, { startedAt: at(11) });
      expect(await store.start(late, new Date(Date.parse(at(70))))).toEqual({ expired: next.jobId });
    });

    it("writes only over the version it read (STALE_VERSION otherwise) and keeps live progress", async () => {
      const { store, job } = await started();
      const progressed = { ...job, progress: { ...job.progress, files: 3, bytes: 42 }, version: 2 };
      await store.update(progressed);

      await expect(store.update({ ...job, version: 2 })).rejects.toMatchObject({ code: "STALE_VERSION" });
      expect((await store.get(job.tenantId, job.systemId, job.jobId))?.progress).toMatchObject({
        files: 3,
        bytes: 42,
      });
    });

    it("lists a system's jobs newest first, in pages", async () => {
      const { store } = await make();
      const tenantId = newId("t");
      const systemId = newId("s");
      const jobs = [0, 1, 2].map((i) => backupJob(tenantId, systemId, { startedAt: at(i * 10) }));
      for (const job of jobs) {
        await store.start(job, new Date(Date.parse(job.startedAt) + 60_000));
        await store.update({ ...job, status: "failed", version: 2 });
      }

      const pages = await allPages((page) => store.list(tenantId, systemId, page), 2);
      expect(itemsOf(pages).map((j) => j.jobId)).toEqual(jobs.map((j) => j.jobId).reverse());
    });
  });
}
