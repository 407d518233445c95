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
