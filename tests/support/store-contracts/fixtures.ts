import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { type AgentKey, newAgentKey } from "../../../shared/agents/agent-key.ts";
import type { DrillRecord } from "../../../shared/drills/drill.ts";
import { newUserRecord, type User } from "../../../shared/identity/user.ts";
import { drPolicySchema } from "../../../shared/policies/policy-schema.ts";
import type { SnapshotRecord } from "../../../shared/snapshots/snapshot-record.ts";
import { newId } from "../../../shared/stores/ids.ts";
import type { Page } from "../../../shared/stores/page.ts";
import type { Session } from "../../../shared/stores/stores.ts";
import type { PolicyRecord } from "../../../shared/systems/policy-record.ts";
import type { ProtectedSystem } from "../../../shared/systems/system.ts";
import type { Tenant } from "../../../shared/tenants/tenant.ts";
import { makeTenant } from "../identity-fixtures.ts";
import { systemInput } from "../systems.ts";

/*
 * Records for the store contracts. Every id is random, so runs against a shared table never meet
 * each other's (or an earlier run's) items.
 */

export const hex = (digits: number) =>
  randomBytes(Math.ceil(digits / 2))
    .toString("hex")
    .slice(0, digits);

/** An ISO time `minutes` after a fixed instant. */
export const at = (minutes = 0) => new Date(Date.UTC(2026, 10, 21, 8, 0) + minutes * 60_000).toISOString();

export const tenantRecord = (overrides: Partial<Tenant> = {}): Tenant => ({
  ...makeTenant(new Date(at())),
  unifiedSocialCreditCode: `91${hex(15).toUpperCase()}X`,
  ...overrides,
});

/** A user name no other run uses: 3–40 characters starting with a letter. */
export const uniqueUserName = () => `contract.${hex(12)}`;

export const userRecord = (tenantId: string, overrides: Partial<User> = {}): User => ({
  ...newUserRecord({
    tenantId,
    userName: uniqueUserName(),
    displayName: "王工",
    roles: ["tenant-admin"],
    passwordHash: "scrypt$contract-test-hash",
    status: "active",
    mustChangePassword: false,
    at: at(),
  }),
  ...overrides,
});

export const sessionRecord = (overrides: Partial<Session> = {}): Session => ({
  sid: crypto.randomUUID(),
  tenantId: newId("t"),
  userId: newId("u"),
  createdAt: at(),
  lastSeenAt: at(),
  expiresAt: at(15),
  revoked: false,
  ...overrides,
});

export const systemRecord = (
  tenantId: string,
  overrides: Partial<ProtectedSystem> = {},
): ProtectedSystem => ({
  ...systemInput(),
  systemId: newId("s"),
  tenantId,
  policyVersion: 0,
  createdAt: at(),
  updatedAt: at(),
  version: 1,
  ...overrides,
});

export const policyRecord = (system: Pick<ProtectedSystem, "tenantId" | "systemId">, version: number) =>
  ({
    tenantId: system.tenantId,
    systemId: system.systemId,
    version,
    policy: drPolicySchema.parse({
      backup: {
        sources: [{ type: "stdin", name: "pg_dump" }],
        type: "incremental",
        schedule: { kind: "continuous" },
      },
      retention: { days: 90, objectLockMode: "COMPLIANCE" },
      replication: { mode: "real-time", site: "remote", region: "cn-northwest-1", distanceKm: 1200 },
      crypto: { suite: "aes-256-gcm" },
      failover: { mode: "manual", approvalRequired: true, adapter: "record" },
    }),
    findings: [],
    createdAt: at(version),
    createdBy: "u-contract0001",
  }) satisfies PolicyRecord;

export const agentKeyRecord = (tenantId: string, systemId: string, createdAt = at()): AgentKey =>
  newAgentKey({ tenantId, systemId, name: "db01 agent", createdBy: "u-contract0001" }, new Date(createdAt))
    .key;

export const snapshotRecord = (
  tenantId: string,
  systemId: string,
  overrides: Partial<SnapshotRecord> = {},
): SnapshotRecord => ({
  tenantId,
  systemId,
  snapshotId: hex(16),
  time: at(),
  type: "full",
  hostname: "db01",
  sources: ["/var/lib/pgsql/dump"],
  suite: "aes-256-gcm",
  merkleRoot: "a".repeat(64),
  repository: `s3://govdr-vault/tenants/${tenantId}/systems/${systemId}`,
  repositoryId: "b".repeat(32),
  stats: { files: 3, dirs: 1, bytes: 4096, readBytes: 4096, newBlobs: 3, newBytes: 4096 },
  registeredAt: at(1),
  registeredBy: "ak-contract00001",
  ...overrides,
});

/**
 * Every page of a listing, following its cursors until a page has none. Checks what holds for every
 * page: at most `limit` items, and a cursor on every page but the last.
 */
export async function allPages<T>(
  list: (page: { limit: number; cursor?: string }) => Promise<Page<T>>,
  limit: number,
): Promise<Page<T>[]> {
  const pages: Page<T>[] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    pages.push(page);
    cursor = page.nextCursor;
    if (pages.length > 10_000) throw new Error("the listing never ends");
  } while (cursor);
  return pages;
}

export const itemsOf = <T>(pages: Page<T>[]) => pages.flatMap((page) => page.items);

/** `ids` in the order the store's sort keys put them (plain string order, as DynamoDB sorts). */
export const sorted = (ids: string[]) => [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

export const drillRecord = (
  tenantId: string,
  systemId: string,
  overrides: Partial<DrillRecord> = {},
): DrillRecord => ({
  tenantId,
  systemId,
  drillId: newId("d"),
  type: "simulated",
  trigger: "on-demand",
  requestedBy: newId("u"),
  status: "running",
  incidentAt: at(),
  startedAt: at(),
  policyVersion: 1,
  targets: { rtoSeconds: 14_400, rpoSeconds: 3600, source: "class", importanceClass: 3, drLevel: 3 },
  steps: [],
  findings: [],
  version: 1,
  ...overrides,
});
