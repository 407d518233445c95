import { NotFoundError } from "../errors.ts";
import type { SessionClaims } from "../identity/session-token.ts";
import type { AgentKeyStore, SystemStore } from "../stores/stores.ts";
import { requireSystem } from "../systems/system-service.ts";
import { type AgentKey, agentCredential, describeAgentKey, newAgentKey } from "./agent-key.ts";

export interface AgentKeyDeps {
  agentKeys: AgentKeyStore;
  systems: Pick<SystemStore, "get">;
  now: () => Date;
}

/**
 * A system's backup-agent keys, managed by the unit's tenant-admin (docs/decisions.md D-23). Who may call
 * is declared on the routes (shared/api/routes.ts) and checked before these run.
 */
export class AgentKeyService {
  constructor(private readonly deps: AgentKeyDeps) {}

  /** A new key; its credential is in this answer only and never stored. */
  async create(caller: SessionClaims, systemId: string, name: string) {
    requireSystem(await this.deps.systems.get(caller.tid, systemId), systemId);
    const { key, secret } = newAgentKey(
      { tenantId: caller.tid, systemId, name, createdBy: caller.sub },
      this.deps.now(),
    );
    await this.deps.agentKeys.create(key);
    return { ...describeAgentKey(key), credential: agentCredential(key.keyId, secret) };
  }

  async list(caller: SessionClaims, systemId: string, page: { limit: number; cursor?: string }) {
    requireSystem(await this.deps.systems.get(caller.tid, systemId), systemId);
    const keys = await this.deps.agentKeys.listBySystem(caller.tid, systemId, page);
    return { ...keys, items: keys.items.map(describeAgentKey) };
  }

  /** Revokes the key: no new agent session, and the agent's current session ends at its next call. */
  async revoke(caller: SessionClaims, systemId: string, keyId: string) {
    const key = await this.ownKey(caller, systemId, keyId);
    if (!key.revokedAt) await this.deps.agentKeys.revoke(keyId, this.deps.now().toISOString(), caller.sub);
    return describeAgentKey((await this.deps.agentKeys.get(keyId)) ?? key);
  }

  /** Another tenant's or system's key answers 404, like a key that does not exist. */
  private async ownKey(caller: SessionClaims, systemId: string, keyId: string): Promise<AgentKey> {
    const key = await this.deps.agentKeys.get(keyId);
    if (!key || key.tenantId !== caller.tid || key.systemId !== systemId) {
      throw new NotFoundError(`No agent key ${keyId} for system ${systemId}`);
    }
    return key;
  }
}
