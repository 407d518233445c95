import { type AgentKey, agentKeySchema } from "../../shared/agents/agent-key.ts";
import { type BackupJob, backupJobSchema } from "../../shared/backups/backup-job.ts";
import { type DrillRecord, drillRecordSchema } from "../../shared/drills/drill.ts";
import { type DrillSchedule, type DrillSchedules, drillCrons } from "../../shared/drills/drill-schedule.ts";
import { ConflictError, ValidationError } from "../../shared/errors.ts";
import { defaultIdentitySettings, identitySettingsSchema } from "../../shared/identity/settings.ts";
import type { IdentitySettingsStore, StoredIdentitySettings } from "../../shared/identity/settings-store.ts";
import { type User, userSchema } from "../../shared/identity/user.ts";
import type { SubscriptionStore } from "../../shared/notifications/notification-service.ts";
import { type Subscription, subscriptionSchema } from "../../shared/notifications/subscription.ts";
import { type ReplicationCheck, replicationCheckSchema } from "../../shared/replication/replication-check.ts";
import type { ReplicationCheckStore } from "../../shared/replication/replication-monitor.ts";
import { type SnapshotRecord, snapshotRecordSchema } from "../../shared/snapshots/snapshot-record.ts";
import { backupRunning } from "../../shared/stores/dynamodb/backup-job-store.ts";
import { drillRunning } from "../../shared/stores/dynamodb/drill-store.ts";
import { decodeCursor, encodeCursor, type Page } from "../../shared/stores/page.ts";
import type {
  AgentKeyStore,
  BackupJobStore,
  DrillStore,
  Session,
  SessionStore,
  SnapshotCatalog,
  SystemStore,
  TenantStore,
  UserStore,
} from "../../shared/stores/stores.ts";
import { type PolicyRecord, policyRecordSchema } from "../../shared/systems/policy-record.ts";
import { type ProtectedSystem, systemQuotaExceeded, systemSchema } from "../../shared/systems/system.ts";
import { type Tenant, type TenantStatus, tenantSchema } from "../../shared/tenants/tenant.ts";

/**
 * The error the AWS SDK raises when a DynamoDB condition fails. Where an adapter lets it through
 * as it is (a second create of a random id), the fake raises the same, so callers see one error.
 */
const sdkConditionError = (name: "ConditionalCheckFailedException" | "TransactionCanceledException") =>
  Object.assign(new Error("The conditional request failed"), { name });

const stale = () => new ConflictError("stale", "STALE_VERSION");

/** Sessions keep their expiry in epoch seconds (the table's TTL attribute): milliseconds are lost. */
const toTheSecond = (iso: string) => new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString();

/**
 * In-memory stores with the same contract as the DynamoDB adapters (uniqueness, optimistic versions,
 * schema checks, listing order and cursors); tests/support/store-contracts/ proves it against both.
 */
export class MemoryStores {
  readonly tenantMap = new Map<string, Tenant>();
  readonly userMap = new Map<string, User>();
  readonly sessionMap = new Map<string, Session>();
  readonly systemMap = new Map<string, ProtectedSystem>();
  private readonly systemCounts = new Map<string, number>();
  readonly policyMap = new Map<string, PolicyRecord>();
  readonly agentKeyMap = new Map<string, AgentKey>();
  readonly snapshotMap = new Map<string, SnapshotRecord>();
  readonly drillMap = new Map<string, DrillRecord>();
  private readonly drillSlots = new Map<string, { drillId: string; until: string }>();
  private readonly userNames = new Map<string, string>();
  private readonly creditCodes = new Set<string>();

  /**
   * One page of `listing`, sorted by each item's sort key as DynamoDB sorts a partition. Like a
   * Query with Limit, a full page carries a cursor even when nothing follows (the next page is then
   * empty), and a cursor from another listing, or none this one returned, is refused.
   */
  static page<T>(
    listing: string,
    entries: { sortKey: string; item: T }[],
    page: { limit: number; cursor?: string },
    order: "ascending" | "descending" = "ascending",
  ): Page<T> {
    const start = decodeCursor(page.cursor);
    if (start && start.listing !== listing) {
      throw new ValidationError("The cursor belongs to another listing", [
        { path: "cursor", message: "invalid cursor" },
      ]);
    }
    const after = start ? String(start.after) : undefined;
    const sign = order === "ascending" ? 1 : -1;
    const sorted = [...entries].sort(
      (a, b) => sign * (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0),
    );
    const rest =
      after === undefined ? sorted : sorted.filter((e) => (sign > 0 ? e.sortKey > after : e.sortKey < after));
    const items = rest.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: items.map((e) => structuredClone(e.item)),
      nextCursor:
        last && items.length === page.limit ? encodeCursor({ listing, after: last.sortKey }) : undefined,
    };
  }

  private readonly userKey = (user: Pick<User, "tenantId" | "userId">) => `${user.tenantId}/${user.userId}`;

  /** Claims the user name and stores the user, or changes nothing: the adapter's one transaction. */
  private addUser(user: User, refusal: () => Error): void {
    const valid = userSchema.parse(user);
    const name = valid.userName.toLowerCase();
    if (this.userNames.has(name) || this.userMap.has(this.userKey(valid))) throw refusal();
    this.userNames.set(name, this.userKey(valid));
    this.userMap.set(this.userKey(valid), valid);
  }

  readonly tenants: TenantStore = {
    register: async (tenant, admin) => {
      const valid = tenantSchema.parse(tenant);
      const code = valid.unifiedSocialCreditCode.toUpperCase();
      const refusal = () => new ConflictError("already registered", "ALREADY_REGISTERED");
      if (this.tenantMap.has(valid.tenantId) || this.creditCodes.has(code)) throw refusal();
      this.addUser(admin, refusal);
      this.creditCodes.add(code);
      this.tenantMap.set(valid.tenantId, valid);
    },
    get: async (tenantId) => structuredClone(this.tenantMap.get(tenantId)),
    listByStatus: async (status: TenantStatus, page) =>
      MemoryStores.page(
        `tenants/${status}`,
        [...this.tenantMap.values()]
          .filter((t) => t.status === status)
          .map((item) => ({ sortKey: `${item.createdAt}#${item.tenantId}`, item })),
        page,
      ),
    update: async (tenant) => {
      const valid = tenantSchema.parse(tenant);
      if (this.tenantMap.get(valid.tenantId)?.version !== valid.version - 1) throw stale();
      this.tenantMap.set(valid.tenantId, valid);
    },
  };

  readonly users: UserStore = {
    create: async (user) => this.addUser(user, () => new ConflictError("taken", "USER_NAME_TAKEN")),
    get: async (tenantId, userId) => structuredClone(this.userMap.get(this.userKey({ tenantId, userId }))),
    findByUserName: async (userName) => {
      const key = this.userNames.get(userName.toLowerCase());
      return key ? structuredClone(this.userMap.get(key)) : undefined;
    },
    listByTenant: async (tenantId, page) =>
      MemoryStores.page(
        `users/${tenantId}`,
        [...this.userMap.values()]
          .filter((u) => u.tenantId === tenantId)
          .map((item) => ({ sortKey: item.userId, item })),
        page,
      ),
    update: async (user) => {
      const valid = userSchema.parse(user);
      if (this.userMap.get(this.userKey(valid))?.version !== valid.version - 1) throw stale();
      this.userMap.set(this.userKey(valid), valid);
    },
  };

  readonly sessions: SessionStore = {
    create: async (session) => {
      if (this.sessionMap.has(session.sid)) throw sdkConditionError("ConditionalCheckFailedException");
      this.sessionMap.set(session.sid, { ...session, expiresAt: toTheSecond(session.expiresAt) });
    },
    get: async (sid) => (this.sessionMap.has(sid) ? { ...(this.sessionMap.get(sid) as Session) } : undefined),
    touch: async (sid, at) => {
      const session = this.sessionMap.get(sid);
      if (session && !session.revoked) session.lastSeenAt = at;
    },
    revoke: async (sid) => {
      const session = this.sessionMap.get(sid);
      if (session) session.revoked = true;
    },
  };

  private readonly systemKey = (tenantId: string, systemId: string) => `${tenantId}/${systemId}`;

  /** Writes the system if the stored one is the version before (version 1: none stored yet). */
  private checkSystemVersion(system: ProtectedSystem): void {
    const stored = this.systemMap.get(this.systemKey(system.tenantId, system.systemId));
    if (stored?.version !== system.version - 1) throw stale();
  }

  readonly systems: SystemStore = {
    create: async (system, quota) => {
      const valid = systemSchema.parse(system);
      const count = this.systemCounts.get(valid.tenantId) ?? quota.existing;
      if (count >= quota.limit) throw systemQuotaExceeded(quota.limit);
      const key = this.systemKey(valid.tenantId, valid.systemId);
      if (this.systemMap.has(key)) throw sdkConditionError("TransactionCanceledException");
      this.systemMap.set(key, valid);
      this.systemCounts.set(valid.tenantId, count + 1);
    },
    get: async (tenantId, systemId) =>
      structuredClone(this.systemMap.get(this.systemKey(tenantId, systemId))),
    list: async (tenantId, page) =>
      MemoryStores.page(
        `systems/${tenantId}`,
        [...this.systemMap.values()]
          .filter((s) => s.tenantId === tenantId)
          .map((item) => ({ sortKey: item.systemId, item })),
        page,
      ),
    update: async (system) => {
      const valid = systemSchema.parse(system);
      this.checkSystemVersion(valid);
      this.systemMap.set(this.systemKey(valid.tenantId, valid.systemId), valid);
    },
    setPolicy: async (system, record) => {
      const validRecord = policyRecordSchema.parse(record);
      const validSystem = systemSchema.parse(system);
      const key = `${validRecord.tenantId}/${validRecord.systemId}/${validRecord.version}`;
      if (this.policyMap.has(key)) throw stale();
      const stored = this.systemMap.get(this.systemKey(validSystem.tenantId, validSystem.systemId));
      if (stored?.version !== validSystem.version - 1) throw stale();
      this.systemMap.set(this.systemKey(validSystem.tenantId, validSystem.systemId), validSystem);
      this.policyMap.set(key, validRecord);
    },
    getPolicy: async (tenantId, systemId, version) =>
      structuredClone(this.policyMap.get(`${tenantId}/${systemId}/${version}`)),
    listPolicyVersions: async (tenantId, systemId, page) =>
      MemoryStores.page(
        `policies/${tenantId}/${systemId}`,
        [...this.policyMap.values()]
          .filter((p) => p.tenantId === tenantId && p.systemId === systemId)
          .map((item) => ({ sortKey: String(item.version).padStart(6, "0"), item })),
        page,
      ),
  };

  readonly agentKeys: AgentKeyStore = {
    create: async (key) => {
      const valid = agentKeySchema.parse(key);
      if (this.agentKeyMap.has(valid.keyId)) throw sdkConditionError("ConditionalCheckFailedException");
      this.agentKeyMap.set(valid.keyId, valid);
    },
    get: async (keyId) => structuredClone(this.agentKeyMap.get(keyId)),
    listBySystem: async (tenantId, systemId, page) =>
      MemoryStores.page(
        `agent-keys/${tenantId}/${systemId}`,
        [...this.agentKeyMap.values()]
          .filter((k) => k.tenantId === tenantId && k.systemId === systemId)
          .map((item) => ({ sortKey: `${item.createdAt}#${item.keyId}`, item })),
        page,
      ),
    revoke: async (keyId, at, by) => {
      const key = this.agentKeyMap.get(keyId);
      if (!key) throw sdkConditionError("ConditionalCheckFailedException");
      key.revokedAt ??= at;
      key.revokedBy ??= by;
    },
  };

  readonly snapshots: SnapshotCatalog = {
    add: async (record) => {
      const valid = snapshotRecordSchema.parse(record);
      const key = `${valid.tenantId}/${valid.systemId}/${valid.snapshotId}`;
      const existing = this.snapshotMap.get(key);
      if (existing) return { created: false, existing: structuredClone(existing) };
      this.snapshotMap.set(key, valid);
      return { created: true };
    },
    get: async (tenantId, systemId, snapshotId) =>
      structuredClone(this.snapshotMap.get(`${tenantId}/${systemId}/${snapshotId}`)),
    list: async (tenantId, systemId, page) =>
      MemoryStores.page(
        `snapshots/${tenantId}/${systemId}`,
        [...this.snapshotMap.values()]
          .filter((r) => r.tenantId === tenantId && r.systemId === systemId)
          .map((item) => ({ sortKey: `${item.time}#${item.snapshotId}`, item })),
        page,
        "descending",
      ),
  };

  readonly drills: DrillStore = {
    start: async (drill, slotUntil) => {
      const valid = drillRecordSchema.parse({ ...drill, version: 1 });
      const key = `${valid.tenantId}/${valid.systemId}/${valid.drillId}`;
      if (this.drillMap.has(key)) throw sdkConditionError("TransactionCanceledException");
      const slot = this.drillSlots.get(`${valid.tenantId}/${valid.systemId}`);
      if (slot && slot.until >= valid.startedAt) throw drillRunning(slot.drillId);
      this.drillSlots.set(`${valid.tenantId}/${valid.systemId}`, {
        drillId: valid.drillId,
        until: slotUntil.toISOString(),
      });
      this.drillMap.set(key, valid);
    },
    get: async (tenantId, systemId, drillId) =>
      structuredClone(this.drillMap.get(`${tenantId}/${systemId}/${drillId}`)),
    list: async (tenantId, systemId, page) =>
      MemoryStores.page(
        `drills/${tenantId}/${systemId}`,
        [...this.drillMap.values()]
          .filter((d) => d.tenantId === tenantId && d.systemId === systemId)
          .map((item) => ({ sortKey: `${item.startedAt}#${item.drillId}`, item })),
        page,
        "descending",
      ),
    update: async (drill) => {
      const valid = drillRecordSchema.parse(drill);
      const key = `${valid.tenantId}/${valid.systemId}/${valid.drillId}`;
      if (this.drillMap.get(key)?.version !== valid.version - 1) throw stale();
      this.drillMap.set(key, valid);
      const slotKey = `${valid.tenantId}/${valid.systemId}`;
      if (valid.status !== "running" && this.drillSlots.get(slotKey)?.drillId === valid.drillId) {
        this.drillSlots.delete(slotKey);
      }
    },
  };

  readonly backupJobMap = new Map<string, BackupJob>();
  private readonly backupSlots = new Map<string, { jobId: string; until: string }>();
  readonly backupJobs: BackupJobStore = {
    start: async (job, slotUntil) => {
      const valid = backupJobSchema.parse({ ...job, version: 1 });
      const key = `${valid.tenantId}/${valid.systemId}/${valid.jobId}`;
      if (this.backupJobMap.has(key)) throw sdkConditionError("TransactionCanceledException");
      const slotKey = `${valid.tenantId}/${valid.systemId}`;
      const slot = this.backupSlots.get(slotKey);
      if (slot && slot.until >= valid.startedAt) throw backupRunning(slot.jobId);
      this.backupSlots.set(slotKey, { jobId: valid.jobId, until: slotUntil.toISOString() });
      this.backupJobMap.set(key, valid);
      return slot ? { expired: slot.jobId } : {};
    },
    get: async (tenantId, systemId, jobId) =>
      structuredClone(this.backupJobMap.get(`${tenantId}/${systemId}/${jobId}`)),
    list: async (tenantId, systemId, page) =>
      MemoryStores.page(
        `backups/${tenantId}/${systemId}`,
        [...this.backupJobMap.values()]
          .filter((j) => j.tenantId === tenantId && j.systemId === systemId)
          .map((item) => ({ sortKey: `${item.startedAt}#${item.jobId}`, item })),
        page,
        "descending",
      ),
    update: async (job) => {
      if (job.version < 2) throw stale();
      const valid = backupJobSchema.parse(job);
      const key = `${valid.tenantId}/${valid.systemId}/${valid.jobId}`;
      if (this.backupJobMap.get(key)?.version !== valid.version - 1) throw stale();
      this.backupJobMap.set(key, valid);
      const slotKey = `${valid.tenantId}/${valid.systemId}`;
      if (valid.status !== "running" && this.backupSlots.get(slotKey)?.jobId === valid.jobId) {
        this.backupSlots.delete(slotKey);
      }
    },
  };

  readonly checkMap = new Map<string, ReplicationCheck[]>();
  readonly replicationChecks: ReplicationCheckStore = {
    record: async (check) => {
      const valid = replicationCheckSchema.parse(check);
      const key = `${valid.tenantId}/${valid.systemId}`;
      this.checkMap.set(key, [...(this.checkMap.get(key) ?? []), valid]);
    },
    history: async (tenantId, systemId, page) =>
      MemoryStores.page(
        `replication/${tenantId}/${systemId}`,
        (this.checkMap.get(`${tenantId}/${systemId}`) ?? []).map((item) => ({
          sortKey: item.checkedAt,
          item,
        })),
        page,
        "descending",
      ),
  };

  readonly identitySettings = new MemoryIdentitySettingsStore();
  readonly drillSchedules = new MemoryDrillSchedules();

  readonly subscriptionMap = new Map<string, Subscription & { removedAt?: string; removedBy?: string }>();
  readonly subscriptions: SubscriptionStore = {
    create: async (subscription) => {
      const valid = subscriptionSchema.parse(subscription);
      const key = `${valid.tenantId}/${valid.subscriptionId}`;
      if (this.subscriptionMap.has(key)) throw sdkConditionError("ConditionalCheckFailedException");
      this.subscriptionMap.set(key, valid);
    },
    get: async (tenantId, subscriptionId) =>
      structuredClone(this.subscriptionMap.get(`${tenantId}/${subscriptionId}`)),
    list: async (tenantId, page) =>
      MemoryStores.page(
        `subscriptions/${tenantId}`,
        [...this.subscriptionMap.values()]
          .filter((s) => s.tenantId === tenantId && !s.removedAt)
          .map(({ removedAt: _at, removedBy: _by, ...item }) => ({
            sortKey: `${item.createdAt}#${item.subscriptionId}`,
            item,
          })),
        page,
      ),
    markRemoved: async (tenantId, subscriptionId, at, by) => {
      const stored = this.subscriptionMap.get(`${tenantId}/${subscriptionId}`);
      if (!stored) throw sdkConditionError("ConditionalCheckFailedException");
      stored.removedAt = at;
      stored.removedBy = by;
    },
  };
}

/** Drill schedules as EventBridge Scheduler would hold them: each system's cron expressions. */
export class MemoryDrillSchedules implements DrillSchedules {
  readonly bySystem = new Map<string, { tenantId: string; crons: string[]; timezone: string }>();

  async apply(tenantId: string, systemId: string, schedule: DrillSchedule | undefined): Promise<void> {
    if (!schedule) {
      this.bySystem.delete(systemId);
      return;
    }
    this.bySystem.set(systemId, { tenantId, crons: drillCrons(schedule), timezone: schedule.timezone });
  }
}

/** The platform's identity settings record, as DynamoDbIdentitySettingsStore keeps it. */
export class MemoryIdentitySettingsStore implements IdentitySettingsStore {
  private stored: StoredIdentitySettings | undefined;

  async get(): Promise<StoredIdentitySettings> {
    if (!this.stored) return { settings: defaultIdentitySettings, version: 0 };
    const { settings, ...rest } = structuredClone(this.stored);
    return { ...rest, settings: identitySettingsSchema.parse(settings) };
  }

  async put(next: StoredIdentitySettings): Promise<void> {
    if (next.version !== (this.stored?.version ?? 0) + 1) throw stale();
    this.stored = structuredClone(next);
  }
}
