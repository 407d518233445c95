/** Request bodies the API accepts, for tests that are about something else. */
export const system = (name: string, extra: object = {}) => ({
  name,
  importanceClass: 3,
  drLevel: 3,
  recoveryPriority: 2,
  architecture: "remote-active-standby",
  assessedOn: "2026-10-01",
  ...extra,
});
export const policy = (schedule: object, mode = "scheduled-backup") => ({
  backup: { sources: [{ type: "directory", path: "/srv/app" }], type: "incremental", schedule },
  retention: { days: 180, objectLockMode: "COMPLIANCE" },
  replication: { mode, site: "remote", region: "cn-northwest-1", distanceKm: 1200 },
  crypto: { suite: "sm4-ctr+hmac-sm3" },
  drill: { type: "simulated", periodMinutes: 1440, startAt: "02:37", timezone: "Asia/Shanghai" },
  failover: { mode: "manual", approvalRequired: true, adapter: "record" },
});
export const snapshotReport = (extra: object = {}) => ({
  time: new Date(Date.now() - 60_000).toISOString(),
  type: "full",
  hostname: "db01",
  sources: ["/srv/app"],
  suite: "aes-256-gcm",
  merkleRoot: "a".repeat(64),
  repository: "s3://govdr-vault/tenants/t/systems/s",
  repositoryId: "b".repeat(32),
  stats: { files: 1, dirs: 1, bytes: 10, readBytes: 10, newBlobs: 1, newBytes: 10 },
  ...extra,
});
