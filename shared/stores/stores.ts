import type { AgentKey } from "../agents/agent-key.ts";
import type { BackupJob } from "../backups/backup-job.ts";
import type { DrillRecord } from "../drills/drill.ts";
import type { User } from "../identity/user.ts";
import type { SnapshotRecord } from "../snapshots/snapshot-record.ts";
import type { PolicyRecord } from "../systems/policy-record.ts";
import type { ProtectedSystem } from "../systems/system.ts";
import type { Tenant, TenantStatus } from "../tenants/tenant.ts";
import type { Page } from "./page.ts";

/** Stores are interfaces; the DynamoDB adapters live in shared/stores/dynamodb/ (STYLE.md #1). */
export interface TenantStore {
  /** Creates a pending tenant with its first administrator; refuses a duplicate credit code or user name. */
  register(tenant: Tenant, admin: User): Promise<void>;
  get(tenantId: string): Promise<Tenant | undefined>;
  listByStatus(status: TenantStatus, page: { limit: number; cursor?: string }): Promise<Page<Tenant>>;
  /** Writes `tenant` if the stored version is `tenant.version - 1` (optimistic locking). */
  update(tenant: Tenant): Promise<void>;
}

export interface UserStore {
  create(user: User): Promise<void>;
  get(tenantId: string, userId: string): Promise<User | undefined>;
  /** User names are unique across the platform, ignoring letter case (R-IA-02). */
  findByUserName(userName: string): Promise<User | undefined>;
  listByTenant(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<User>>;
  update(user: User): Promise<void>;
}

export interface Session {
  sid: string;
  tenantId: string;
  userId: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  revoked: boolean;
}

export interface SessionStore {
  create(session: Session): Promise<void>;
  get(sid: string): Promise<Session | undefined>;
  /** Records activity, unless the session was revoked meanwhile. */
  touch(sid: string, at: string): Promise<void>;
  revoke(sid: string): Promise<void>;
}

/** Protected systems and their versioned DR policies, partitioned by tenant. */
export interface SystemStore {
  /**
   * Stores a new system and counts it against the unit's quota in one atomic step; fails with
   * ConflictError QUOTA_EXCEEDED when `quota.limit` systems exist already, however many create at
   * once. `quota.existing` is how many the caller counted, used where no count is stored yet.
   */
  create(system: ProtectedSystem, quota: { limit: number; existing: number }): Promise<void>;
  get(tenantId: string, systemId: string): Promise<ProtectedSystem | undefined>;
  list(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<ProtectedSystem>>;
  /** Writes `system` if the stored version is `system.version - 1`. */
  update(system: ProtectedSystem): Promise<void>;
  /** Stores a new policy version and points the system at it, atomically. */
  setPolicy(system: ProtectedSystem, record: PolicyRecord): Promise<void>;
  getPolicy(tenantId: string, systemId: string, version: number): Promise<PolicyRecord | undefined>;
  listPolicyVersions(
    tenantId: string,
    systemId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<PolicyRecord>>;
}

/** Backup agents' keys. Looked up by key id alone when an agent signs in; listed per system. */
export interface AgentKeyStore {
  create(key: AgentKey): Promise<void>;
  get(keyId: string): Promise<AgentKey | undefined>;
  listBySystem(
    tenantId: string,
    systemId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<AgentKey>>;
  /** Marks the key revoked; a key stays revoked for good. */
  revoke(keyId: string, at: string, by: string): Promise<void>;
}

/** The control plane's catalogue of the snapshots agents wrote, per system, newest first. */
export interface SnapshotCatalog {
  /** Adds the record unless one with its id exists; then returns the stored one to compare. */
  add(record: SnapshotRecord): Promise<{ created: true } | { created: false; existing: SnapshotRecord }>;
  get(tenantId: string, systemId: string, snapshotId: string): Promise<SnapshotRecord | undefined>;
  list(
    tenantId: string,
    systemId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<SnapshotRecord>>;
}

/** Drills of each system, newest first, and each system's drill slot: one drill runs at a time. */
export interface DrillStore {
  /**
   * Stores a new drill (version 1) and takes its system's slot until `slotUntil`, atomically; a
   * ConflictError DRILL_RUNNING, naming the running drill, while another drill holds the slot.
   */
  start(drill: DrillRecord, slotUntil: Date): Promise<void>;
  get(tenantId: string, systemId: string, drillId: string): Promise<DrillRecord | undefined>;
  list(
    tenantId: string,
    systemId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<DrillRecord>>;
  /**
   * Writes `drill` if the stored version is `drill.version - 1` (else STALE_VERSION); a drill that
   * is no longer running gives its system's slot back.
   */
  update(drill: DrillRecord): Promise<void>;
}

/** Server-side backup jobs of each system, newest first, and each system's backup slot (D-43). */
export interface BackupJobStore {
  /**
   * Stores a new job (version 1) and takes its system's slot until `slotUntil`, atomically; a
   * ConflictError BACKUP_RUNNING, naming the running job, while another job holds the slot. Returns
   * the job that held an expired slot, which may still read "running" (its execution died).
   */
  start(job: BackupJob, slotUntil: Date): Promise<{ expired?: string }>;
  get(tenantId: string, systemId: string, jobId: string): Promise<BackupJob | undefined>;
  list(
    tenantId: string,
    systemId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<BackupJob>>;
  /**
   * Writes `job` if the stored version is `job.version - 1` (else STALE_VERSION); a job that is no
   * longer running gives its system's slot back.
   */
  update(job: BackupJob): Promise<void>;
}
