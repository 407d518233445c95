import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { type DrillRequest, DrillService } from "../../shared/drills/drill-service.ts";
import type { DrillNotifier, DrillStepDeps } from "../../shared/drills/drill-steps.ts";
import type { Sandbox } from "../../shared/drills/sandbox.ts";
import { drPolicySchema } from "../../shared/policies/policy-schema.ts";
import { SystemService } from "../../shared/systems/system-service.ts";
import { LocalBackend } from "../../shared/vault/backends/local.ts";
import { backup } from "../../shared/vault/backup.ts";
import { localKeyWrapper } from "../../shared/vault/key-wrapper.ts";
import { objectNames } from "../../shared/vault/object-names.ts";
import { Repository } from "../../shared/vault/repository.ts";
import { writeSampleTree } from "./file-trees.ts";
import { makeTenant } from "./identity-fixtures.ts";
import { MemoryAuditLog } from "./memory-audit.ts";
import { MemoryDrillSchedules, MemoryStores } from "./memory-stores.ts";
import { systemInput } from "./systems.ts";

const secret = "drill-test-secret-of-enough-length";

/** A sandbox in memory, with what S3 would refuse: a body shorter or longer than it said. */
export class MemorySandbox implements Sandbox {
  readonly location = "memory://sandbox/";
  readonly objects = new Map<string, Buffer>();

  async write(key: string, body: Readable, size: number): Promise<void> {
    const parts: Buffer[] = [];
    for await (const part of body) parts.push(Buffer.from(part as Uint8Array));
    const bytes = Buffer.concat(parts);
    if (bytes.length !== size) throw new Error(`${key}: ${bytes.length} bytes, ${size} announced`);
    this.objects.set(key, bytes);
  }

  async *list(prefix: string, options: { directOnly?: boolean } = {}) {
    for (const [key, bytes] of this.objects) {
      if (!key.startsWith(prefix) || (options.directOnly && key.slice(prefix.length).includes("/"))) continue;
      yield { key, size: bytes.length };
    }
  }

  async removeAll(prefix: string): Promise<number> {
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(prefix));
    for (const key of keys) this.objects.delete(key);
    return keys.length;
  }
}

/**
 * A unit with a class-3 system, its policy, and one real snapshot in a local repository that plays
 * the DR vault; every drill dependency in memory. The snapshot is recorded in the catalogue as an
 * agent would record it.
 */
export async function drillWorld(options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  const work = await mkdtemp(path.join(tmpdir(), "govdr-drill-"));
  const repoDir = path.join(work, "vault");
  await Repository.init(new LocalBackend(repoDir), localKeyWrapper(secret), {
    suite: "aes-256-gcm",
    chunkSizes: { min: 16 << 10, avg: 64 << 10, max: 256 << 10 },
  });
  await writeSampleTree(path.join(work, "app"));
  const open = () =>
    Repository.open(new LocalBackend(repoDir), localKeyWrapper(secret), { packSize: 64 << 10 });
  const snapshot = await backup(await open(), [{ kind: "path", path: path.join(work, "app") }], {
    type: "full",
    workers: 1,
  });

  const stores = new MemoryStores();
  const tenant = { ...makeTenant(now()), vaultKeyId: "memory-key" };
  stores.tenantMap.set(tenant.tenantId, tenant);
  const systems = new SystemService({
    systems: stores.systems,
    now,
    primaryRegion: "cn-north-1",
    drillSchedules: new MemoryDrillSchedules(),
  });
  const system = await systems.create(tenant, systemInput());
  await systems.setPolicy(
    tenant,
    system,
    drPolicySchema.parse({
      backup: {
        sources: [{ type: "directory", path: "/srv/app" }],
        type: "incremental",
        schedule: { kind: "every", minutes: 30 },
      },
      retention: { days: 180, objectLockMode: "COMPLIANCE" },
      replication: {
        mode: "database-replication-or-cdp",
        site: "remote",
        region: "cn-northwest-1",
        distanceKm: 1200,
      },
      crypto: { suite: "aes-256-gcm" },
      drill: { type: "simulated", periodMinutes: 1440, startAt: "02:37", timezone: "Asia/Shanghai" },
      failover: { mode: "manual", approvalRequired: true, adapter: "record" },
    }),
    "test",
  );
  const repository = `s3://govdr-vault-test/tenants/${tenant.tenantId}/`;
  await stores.snapshots.add({
    tenantId: tenant.tenantId,
    systemId: system.systemId,
    snapshotId: snapshot.id,
    time: snapshot.time,
    startedAt: snapshot.time,
    type: "full",
    hostname: "app-01",
    sources: ["app"],
    suite: "aes-256-gcm",
    merkleRoot: snapshot.merkleRoot,
    repository,
    repositoryId: "0".repeat(32),
    stats: {
      files: snapshot.stats.files,
      dirs: 0,
      bytes: snapshot.stats.bytes,
      readBytes: 0,
      newBlobs: 0,
      newBytes: 0,
    },
    registeredAt: now().toISOString(),
    registeredBy: "ak-test",
  });

  const sandbox = new MemorySandbox();
  const reports = new Map<string, { body: string; contentType: string; retainUntil: Date }>();
  const reportVersions = new Map<string, number>();
  const notifications: Parameters<DrillNotifier["publish"]>[] = [];
  const audit = new MemoryAuditLog();
  const deps: DrillStepDeps = {
    drills: stores.drills,
    catalog: stores.snapshots,
    tenants: stores.tenants,
    vaults: {
      drRepositoryOf: (record) => (record.repository === repository ? repoDir : undefined),
      manifestNames: async (dir) => {
        const names: string[] = [];
        for await (const name of new LocalBackend(dir).list("snapshots/")) names.push(name);
        return names;
      },
      open: (dir) => Repository.open(new LocalBackend(dir), localKeyWrapper(secret)),
    },
    sandbox,
    reports: {
      // As S3 with Object Lock: writing a key again adds a version; the latest is what is read.
      write: async (key, body, contentType, retainUntil) => {
        reportVersions.set(key, (reportVersions.get(key) ?? 0) + 1);
        reports.set(key, { body, contentType, retainUntil });
      },
    },
    notifier: { publish: async (...args) => void notifications.push(args) },
    audit,
    now,
    region: "cn-north-1",
    reportRetentionDays: 180,
  };
  const started: string[] = [];
  const service = new DrillService({
    drills: stores.drills,
    systems: stores.systems,
    catalog: stores.snapshots,
    runner: {
      executionArnOf: (drillId) => `arn:aws:states:::execution:drill:${drillId}`,
      start: async (drill) => {
        started.push(drill.drillId);
      },
    },
    reports: { read: async (key) => reports.get(key)?.body ?? "" },
    now,
  });
  const caller = { tid: tenant.tenantId, sub: "u-admin0000001" };
  return {
    deps,
    stores,
    tenant,
    system,
    snapshot,
    repoDir,
    sandbox,
    reports,
    notifications,
    audit,
    service,
    started,
    /** Starts a drill through the service, as the API does; answers its key for the steps. */
    start: async (request: DrillRequest = {}) => {
      const drill = await service.start(caller, system.systemId, request);
      return { tenantId: drill.tenantId, systemId: drill.systemId, drillId: drill.drillId };
    },
    drill: (key: { drillId: string }) => stores.drills.get(tenant.tenantId, system.systemId, key.drillId),
    /** Flips a byte inside one file's sealed data in the vault, so exactly that chunk fails to open. */
    damageOneFile: async () => {
      const [, location] =
        [...(await open()).indexedBlobs()].find(([, l]) => l.type === "data" && l.length > 40) ?? [];
      if (!location) throw new Error("no data blob to damage");
      const file = path.join(repoDir, objectNames.pack(location.pack));
      await chmod(file, 0o644);
      const bytes = await readFile(file);
      bytes[location.offset + 20] = (bytes[location.offset + 20] ?? 0) ^ 0xff;
      await writeFile(file, bytes);
    },
    dispose: () => rm(work, { recursive: true, force: true }),
  };
}
