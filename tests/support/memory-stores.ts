import type { AgentKey } from "../../shared/agents/agent-key.ts";
import { ConflictError } from "../../shared/errors.ts";
import type { User } from "../../shared/identity/user.ts";
import type { SnapshotRecord } from "../../shared/snapshots/snapshot-record.ts";
import type { Page } from "../../shared/stores/page.ts";
import type {
  AgentKeyStore,
  Session,
  SessionStore,
  SnapshotCatalog,
  SystemStore,
  TenantStore,
  UserStore,
} from "../../shared/stores/stores.ts";
import type { PolicyRecord } from "../../shared/systems/policy-record.ts";
import { type ProtectedSystem, systemQuotaExceeded } from "../../shared/systems/system.ts";
import type { Tenant, TenantStatus } from "../../shared/tenants/tenant.ts";

/** In-memory stores with the same contract as the DynamoDB adapters (uniqueness, optimistic versions). */
export class MemoryStores {
  readonly tenantMap = new Map<string, Tenant>();
  readonly userMap = new Map<string, User>();
  readonly sessionMap = new Map<string, Session>();
  readonly systemMap = new Map<string, ProtectedSystem>();
  private readonly systemCounts = new Map<string, number>();
  readonly policyMap = new Map<string, PolicyRecord>();
  readonly agentKeyMap = new Map<string, AgentKey>();
  readonly snapshotMap = new Map<string, SnapshotRecord>();
  private readonly userNames = new Map<string, string>();
  private readonly creditCodes = new Set<string>();

  private static page<T>(all: T[], page: { limit: number; cursor?: string }): Page<T> {
    const start = Number(page.cursor ?? 0);
    const items = all.slice(start, start + page.limit);
    return { items, nextCursor: start + page.limit < all.length ? String(start + page.limit) : undefined };
  }

  private putUser(user: User, create: boolean): void {
    const key = `${user.tenantId}/${user.userId}`;
    const stored = this.userMap.get(key);
    if (create ? stored : stored?.version !== user.version - 1)
      throw new ConflictError("stale", "STALE_VERSION");
    this.userMap.set(key, structuredClone(user));
  }

  readonly tenants: TenantStore = {
    register: async (tenant, admin) => {
      const name = admin.userName.toLowerCase();
      if (this.creditCodes.has(tenant.unifiedSocialCreditCode) || this.userNames.has(name)) {
        throw new ConflictError("already registered", "ALREADY_REGISTERED");
      }
      this.creditCodes.add(tenant.unifiedSocialCreditCode);
      this.userNames.set(name, `${admin.tenantId}/${admin.userId}`);
      this.tenantMap.set(tenant.tenantId, structuredClone(tenant));
      this.putUser(admin, true);
    },
    get: async (tenantId) => structuredClone(this.tenantMap.get(tenantId)),
    listByStatus: async (status: TenantStatus, page) =>
      MemoryStores.page(
        [...this.tenantMap.values()].filter((t) => t.status === status),
        page,
      ),
    update: async (tenant) => {
      if (this.tenantMap.get(tenant.tenantId)?.version !== tenant.version - 1)
        throw new ConflictError("stale", "STALE_VERSION");
      this.tenantMap.set(tenant.tenantId, structuredClone(tenant));
    },
  };

  readonly users: UserStore = {
    create: async (user) => {
      const name = user.userName.toLowerCase();
      if (this.userNames.has(name)) throw new ConflictError("taken", "USER_NAME_TAKEN");
      this.userNames.set(name, `${user.tenantId}/${user.userId}`);
      this.putUser(user, true);
    },
    get: async (tenantId, userId) => structuredClone(this.userMap.get(`${tenantId}/${userId}`)),
    findByUserName: async (userName) => {
      const key = this.userNames.get(userName.toLowerCase());
      return key ? structuredClone(this.userMap.get(key)) : undefined;
    },
    listByTenant: async (tenantId, page) =>
      MemoryStores.page(
        [...this.userMap.values()].filter((u) => u.tenantId === tenantId),
        page,
      ),
    update: async (user) => this.putUser(user, false),
  };

  readonly sessions: SessionStore = {
    create: async (session) => {
      this.sessionMap.set(session.sid, { ...session });
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

  private putSystem(system: ProtectedSystem, create: boolean): void {
    const key = `${system.tenantId}/${system.systemId}`;
    const stored = this.systemMap.get(key);
    if (create ? stored : stored?.version !== system.version - 1)
      throw new ConflictError("stale", "STALE_VERSION");
    this.systemMap.set(key, structuredClone(system));
  }

  readonly systems: SystemStore = {
    create: async (system, quota) => {
      const count = this.systemCounts.get(system.tenantId) ?? quota.existing;
      if (count >= quota.limit) throw systemQuotaExceeded(quota.limit);
      this.putSystem(system, true);
      this.systemCounts.set(system.tenantId, count + 1);
    },
    get: async (tenantId, systemId) => structuredClone(this.systemMap.get(`${tenantId}/${systemId}`)),
    list: async (tenantId, page) =>
      MemoryStores.page(
        [...this.systemMap.values()].filter((s) => s.tenantId === tenantId),
        page,
      ),
    update: async (system) => this.putSystem(system, false),
    setPolicy: async (system, record) => {
      const key = `${record.tenantId}/${record.systemId}/${record.version}`;
      if (this.policyMap.has(key)) throw new ConflictError("stale", "STALE_VERSION");
      this.putSystem(system, false);
      this.policyMap.set(key, structuredClone(record));
    },
    getPolicy: async (tenantId, systemId, version) =>
      structuredClone(this.policyMap.get(`${tenantId}/${systemId}/${version}`)),
    listPolicyVersions: async (tenantId, systemId, page) =>
      MemoryStores.page(
        [...this.policyMap.values()].filter((p) => p.tenantId === tenantId && p.systemId === systemId),
        page,
      ),
  };

  readonly agentKeys: AgentKeyStore = {
    create: async (key) => {
      if (this.agentKeyMap.has(key.keyId)) throw new ConflictError("exists", "EXISTS");
      this.agentKeyMap.set(key.keyId, structuredClone(key));
    },
    get: async (keyId) => structuredClone(this.agentKeyMap.get(keyId)),
    listBySystem: async (tenantId, systemId, page) =>
      MemoryStores.page(
        [...this.agentKeyMap.values()].filter((k) => k.tenantId === tenantId && k.systemId === systemId),
        page,
      ),
    revoke: async (keyId, at, by) => {
      const key = this.agentKeyMap.get(keyId);
      if (!key) throw new Error(`no key ${keyId}`);
      key.revokedAt ??= at;
      key.revokedBy ??= by;
    },
  };

  readonly snapshots: SnapshotCatalog = {
    add: async (record) => {
      const key = `${record.tenantId}/${record.systemId}/${record.snapshotId}`;
      const existing = this.snapshotMap.get(key);
      if (existing) return { created: false, existing: structuredClone(existing) };
      this.snapshotMap.set(key, structuredClone(record));
      return { created: true };
    },
    get: async (tenantId, systemId, snapshotId) =>
      structuredClone(this.snapshotMap.get(`${tenantId}/${systemId}/${snapshotId}`)),
    list: async (tenantId, systemId, page) =>
      MemoryStores.page(
        [...this.snapshotMap.values()]
          .filter((r) => r.tenantId === tenantId && r.systemId === systemId)
          .sort((a, b) => b.time.localeCompare(a.time)),
        page,
      ),
  };
}
