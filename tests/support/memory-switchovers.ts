import { ConflictError } from "../../shared/errors.ts";
import { isEnded, type Switchover, switchoverSchema, systemsOf } from "../../shared/failover/switchover.ts";
import type { SwitchoverStore } from "../../shared/failover/switchover-store.ts";
import { failoverRunning } from "../../shared/stores/dynamodb/switchover-store.ts";
import { MemoryStores } from "./memory-stores.ts";

/** SwitchoverStore in memory, with the DynamoDB store's slots, versions and approval index. */
export class MemorySwitchoverStore implements SwitchoverStore {
  readonly records = new Map<string, Switchover>();
  readonly slots = new Map<string, { switchId: string; until: string }>();
  readonly tokens = new Map<string, { token: string; due: string; open: boolean }>();

  async start(switchover: Switchover, slotUntil: Date): Promise<void> {
    const valid = switchoverSchema.parse({ ...switchover, version: 1 });
    const key = `${valid.tenantId}/${valid.switchId}`;
    if (this.records.has(key)) throw new ConflictError(`${valid.switchId} exists`, "CONFLICT");
    for (const system of systemsOf(valid)) {
      const slot = this.slots.get(`${valid.tenantId}/${system.systemId}`);
      if (slot && slot.until >= valid.startedAt) throw failoverRunning(system.systemId, slot.switchId);
    }
    for (const system of systemsOf(valid)) {
      this.slots.set(`${valid.tenantId}/${system.systemId}`, {
        switchId: valid.switchId,
        until: slotUntil.toISOString(),
      });
    }
    this.records.set(key, valid);
  }

  async get(tenantId: string, switchId: string) {
    return structuredClone(this.records.get(`${tenantId}/${switchId}`));
  }

  async list(tenantId: string, page: { limit: number; cursor?: string }) {
    return MemoryStores.page<Switchover>(
      `switchovers/${tenantId}`,
      [...this.records.values()]
        .filter((s) => s.tenantId === tenantId)
        .map((item) => ({ sortKey: `${item.startedAt}#${item.switchId}`, item })),
      page,
      "descending",
    );
  }

  async update(switchover: Switchover): Promise<void> {
    const valid = switchoverSchema.parse(switchover);
    const key = `${valid.tenantId}/${valid.switchId}`;
    if (this.records.get(key)?.version !== valid.version - 1) {
      throw new ConflictError(`Switchover ${valid.switchId} was changed meanwhile`, "STALE_VERSION");
    }
    this.records.set(key, structuredClone(valid));
    if (!isEnded(valid)) return;
    for (const system of systemsOf(valid)) {
      const slotKey = `${valid.tenantId}/${system.systemId}`;
      if (this.slots.get(slotKey)?.switchId === valid.switchId) this.slots.delete(slotKey);
    }
  }

  async putApprovalToken(tenantId: string, switchId: string, token: string, due: string) {
    this.tokens.set(`${tenantId}/${switchId}`, { token, due, open: true });
  }

  async approvalToken(tenantId: string, switchId: string) {
    return this.tokens.get(`${tenantId}/${switchId}`)?.token;
  }

  readonly announcements = new Set<string>();

  async announced(tenantId: string, switchId: string) {
    return this.announcements.has(`${tenantId}/${switchId}`);
  }

  async markAnnounced(tenantId: string, switchId: string) {
    this.announcements.add(`${tenantId}/${switchId}`);
  }

  async dueApprovals(now: Date) {
    return [...this.tokens.entries()]
      .filter(([, t]) => t.open && t.due < now.toISOString())
      .map(([key]) => {
        const [tenantId, switchId] = key.split("/") as [string, string];
        return { tenantId, switchId };
      });
  }

  async closeApproval(tenantId: string, switchId: string) {
    const token = this.tokens.get(`${tenantId}/${switchId}`);
    if (token) token.open = false;
  }

  async expiredSlots(now: Date) {
    const held = new Map<string, { tenantId: string; switchId: string }>();
    for (const [key, slot] of this.slots) {
      if (slot.until >= now.toISOString()) continue;
      const tenantId = key.split("/")[0] as string;
      held.set(`${tenantId}/${slot.switchId}`, { tenantId, switchId: slot.switchId });
    }
    return [...held.values()];
  }
}
