import { beforeEach, describe, expect, it } from "vitest";
import { snapshotRoutes } from "../../../functions/api/snapshots.ts";
import { parseAgentCredential } from "../../../shared/agents/agent-key.ts";
import { AgentKeyService } from "../../../shared/agents/agent-key-service.ts";
import { IdentityService } from "../../../shared/identity/identity-service.ts";
import { type SessionClaims, verifySessionToken } from "../../../shared/identity/session-token.ts";
import { defaultIdentitySettings as settings } from "../../../shared/identity/settings.ts";
import type { SnapshotReport } from "../../../shared/snapshots/snapshot-record.ts";
import { SnapshotService } from "../../../shared/snapshots/snapshot-service.ts";
import { SystemService } from "../../../shared/systems/system-service.ts";
import { policy } from "../../integration/support/bodies.ts";
import { claimsFor, fakeCipher, makeTenant, testKey } from "../../support/identity-fixtures.ts";
import { MemoryAuditLog } from "../../support/memory-audit.ts";
import { MemoryStores } from "../../support/memory-stores.ts";
import { callRoute, signedInNow } from "../../support/routes.ts";
import { systemInput } from "../../support/systems.ts";

let clock: Date;
let stores: MemoryStores;
let keys: AgentKeyService;
let snapshots: SnapshotService;
let identity: IdentityService;
let tenantId: string;
let systemA: string;
let systemB: string;
const admin = () => claimsFor(["tenant-admin"], tenantId);
/** The snapshots family's routes over the same stores: who may call is checked there. */
const routeDeps = () => ({
  systems: stores.systems,
  keys,
  snapshots,
  audit: new MemoryAuditLog(),
  now: () => clock,
  settings: async () => settings,
});

const report = (overrides: Partial<SnapshotReport> = {}): SnapshotReport => ({
  time: "2026-11-21T07:59:00.000Z",
  type: "full",
  hostname: "db01",
  sources: ["/var/lib/pgsql/dump"],
  suite: "aes-256-gcm",
  merkleRoot: "a".repeat(64),
  repository: "s3://govdr-vault/tenants/t-1/systems/s-1",
  repositoryId: "b".repeat(32),
  stats: { files: 3, dirs: 1, bytes: 4096, readBytes: 4096, newBlobs: 3, newBytes: 4096 },
  ...overrides,
});

/** Signs in as the agent of `systemId` with a fresh key and returns its verified claims. */
async function agentOf(systemId: string): Promise<SessionClaims> {
  const { credential } = await keys.create(admin(), systemId, "db01 agent");
  const { keyId, secret } = parseAgentCredential(credential) ?? { keyId: "", secret: "" };
  const { token } = await identity.agentLogin(keyId, secret);
  return identity.authenticate(token);
}

beforeEach(async () => {
  clock = new Date("2026-11-21T08:00:00Z");
  stores = new MemoryStores();
  const now = () => clock;
  const tenant = makeTenant(clock);
  tenantId = tenant.tenantId;
  stores.tenantMap.set(tenantId, tenant);
  const systemService = new SystemService({
    systems: stores.systems,
    now,
    primaryRegion: "cn-north-1",
    drillSchedules: stores.drillSchedules,
  });
  systemA = (await systemService.create(tenant, systemInput())).systemId;
  systemB = (await systemService.create(tenant, systemInput({ name: "公积金" }))).systemId;
  keys = new AgentKeyService({ agentKeys: stores.agentKeys, systems: stores.systems, now });
  snapshots = new SnapshotService({ catalog: stores.snapshots, systems: stores.systems, now });
  identity = new IdentityService({
    ...stores,
    key: testKey,
    mfaCipher: fakeCipher,
    settings: async () => settings,
    now,
    issuer: "govdr",
  });
});

describe("agent keys", () => {
  it("shows the credential once and never the stored hash", async () => {
    const created = await keys.create(admin(), systemA, "db01 agent");
    const listed = await keys.list(admin(), systemA, { limit: 10 });

    expect(parseAgentCredential(created.credential)?.keyId).toBe(created.keyId);
    expect(listed.items).toEqual([expect.objectContaining({ keyId: created.keyId, status: "active" })]);
    expect(JSON.stringify(listed)).not.toMatch(/secretHash|credential/);
  });

  it("lets only the unit's tenant-admin create keys, and hides other units' systems", async () => {
    const create = (claims: SessionClaims) =>
      callRoute(snapshotRoutes, routeDeps(), "POST /systems/{systemId}/agent-keys", {
        path: { systemId: systemA },
        body: { name: "x" },
        claims: signedInNow(claims, clock),
      });

    expect((await create(claimsFor(["tenant-operator"], tenantId))).body).toMatchObject({
      code: "FORBIDDEN",
    });
    expect((await create(claimsFor(["tenant-admin"], "t-0000000other"))).body).toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("signs an agent in to a session scoped to its one system", async () => {
    const claims = await agentOf(systemA);

    expect(claims).toMatchObject({ tid: tenantId, roles: ["backup-agent"], scope: "agent", sys: systemA });
  });

  it("refuses a wrong secret, an unknown key and a revoked key alike", async () => {
    const { keyId, credential } = await keys.create(admin(), systemA, "db01 agent");
    const secret = parseAgentCredential(credential)?.secret ?? "";
    const refused = { code: "INVALID_CREDENTIALS" };
    const wrong = `${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`;

    await expect(identity.agentLogin(keyId, wrong)).rejects.toMatchObject(refused);
    await expect(identity.agentLogin("ak-000000000000", secret)).rejects.toMatchObject(refused);
    await keys.revoke(admin(), systemA, keyId);
    await expect(identity.agentLogin(keyId, secret)).rejects.toMatchObject(refused);
  });

  it("ends a live agent session at its next call once the key is revoked", async () => {
    const { keyId, credential } = await keys.create(admin(), systemA, "db01 agent");
    const { token } = await identity.agentLogin(keyId, parseAgentCredential(credential)?.secret ?? "");
    await identity.authenticate(token);

    const revoked = await keys.revoke(admin(), systemA, keyId);

    expect(revoked).toMatchObject({ status: "revoked", revokedBy: admin().sub });
    await expect(identity.authenticate(token)).rejects.toMatchObject({ code: "SESSION_ENDED" });
  });

  it("refuses an agent of a suspended unit", async () => {
    const { keyId, credential } = await keys.create(admin(), systemA, "db01 agent");
    stores.tenantMap.set(tenantId, { ...makeTenant(clock, "suspended"), tenantId });

    await expect(
      identity.agentLogin(keyId, parseAgentCredential(credential)?.secret ?? ""),
    ).rejects.toMatchObject({ code: "TENANT_NOT_ACTIVE" });
  });

  it("revoking through another system's path answers 404", async () => {
    const { keyId } = await keys.create(admin(), systemA, "db01 agent");

    await expect(keys.revoke(admin(), systemB, keyId)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("a token's claims are what the signing key vouches for", async () => {
    const { keyId, credential } = await keys.create(admin(), systemA, "db01 agent");
    const { token } = await identity.agentLogin(keyId, parseAgentCredential(credential)?.secret ?? "");

    expect((await verifySessionToken(token, testKey, clock)).amr).toEqual(["key"]);
  });
});

describe("snapshot catalogue", () => {
  it("records an agent's snapshot once; the same report again is answered with the stored record", async () => {
    const agent = await agentOf(systemA);

    const started = { startedAt: "2026-11-21T07:58:00.000Z" };
    const first = await snapshots.register(agent, systemA, "0123456789abcdef", report(started));
    clock = new Date(clock.getTime() + 60_000);
    const again = await snapshots.register(agent, systemA, "0123456789abcdef", report(started));

    expect(first.created).toBe(true);
    expect(again).toEqual({ created: false, record: first.record });
    expect(first.record).toMatchObject({ tenantId, systemId: systemA, registeredBy: agent.sub });
  });

  it("keeps the count of files that vanished before they were read", async () => {
    const agent = await agentOf(systemA);
    const stats = { ...report().stats, vanished: 2 };

    const { record } = await snapshots.register(agent, systemA, "0123456789abcdef", report({ stats }));

    expect(record.stats.vanished).toBe(2);
  });

  it("refuses another report under a recorded id (409), so nothing recorded is rewritten", async () => {
    const agent = await agentOf(systemA);
    await snapshots.register(agent, systemA, "0123456789abcdef", report());

    await expect(
      snapshots.register(agent, systemA, "0123456789abcdef", report({ merkleRoot: "c".repeat(64) })),
    ).rejects.toMatchObject({ code: "SNAPSHOT_CONFLICT" });
  });

  it("keeps an agent to its own system (404 elsewhere) and people from registering (403)", async () => {
    const agent = await agentOf(systemA);
    const register = (claims: SessionClaims, systemId: string) =>
      callRoute(snapshotRoutes, routeDeps(), "PUT /systems/{systemId}/snapshots/{snapshotId}", {
        path: { systemId, snapshotId: "0123456789abcdef" },
        body: report(),
        claims,
      });
    const list = await callRoute(snapshotRoutes, routeDeps(), "GET /systems/{systemId}/snapshots", {
      path: { systemId: systemB },
      claims: agent,
    });

    expect((await register(agent, systemB)).body).toMatchObject({ code: "NOT_FOUND" });
    expect(list.body).toMatchObject({ code: "NOT_FOUND" });
    expect((await register(admin(), systemA)).body).toMatchObject({ code: "FORBIDDEN" });
  });

  it("refuses a snapshot time from the future (the agent's clock is wrong) or a start after the end", async () => {
    const agent = await agentOf(systemA);

    await expect(
      snapshots.register(agent, systemA, "0123456789abcdef", report({ time: "2026-11-21T08:30:00.000Z" })),
    ).rejects.toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "time" }] });
    await expect(
      snapshots.register(
        agent,
        systemA,
        "0123456789abcdef",
        report({ startedAt: "2026-11-21T07:59:30.000Z" }),
      ),
    ).rejects.toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "startedAt" }] });
  });

  it("lists a system's snapshots newest first to the unit's users", async () => {
    const agent = await agentOf(systemA);
    await snapshots.register(
      agent,
      systemA,
      "000000000000000a",
      report({ time: "2026-11-20T01:00:00.000Z" }),
    );
    await snapshots.register(
      agent,
      systemA,
      "000000000000000b",
      report({ time: "2026-11-21T01:00:00.000Z" }),
    );

    const page = await snapshots.list(claimsFor(["tenant-auditor"], tenantId), systemA, { limit: 10 });

    expect(page.items.map((r) => r.snapshotId)).toEqual(["000000000000000b", "000000000000000a"]);
    await expect(
      snapshots.get(claimsFor(["tenant-auditor"], "t-other"), systemA, "000000000000000a"),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("backup plan (D-54)", () => {
  /** Sets `body` as system A's policy, stored as it is. */
  async function setPolicy(body: object) {
    const system = await stores.systems.get(tenantId, systemA);
    if (!system) throw new Error("no system A");
    await stores.systems.setPolicy(
      { ...system, policyVersion: system.policyVersion + 1, version: system.version + 1 },
      {
        tenantId,
        systemId: systemA,
        version: system.policyVersion + 1,
        policy: body as never,
        findings: [],
        createdAt: clock.toISOString(),
        createdBy: "u-1",
      },
    );
  }
  const planOf = (claims: SessionClaims, systemId: string) =>
    callRoute(snapshotRoutes, routeDeps(), "GET /systems/{systemId}/backup-plan", {
      path: { systemId },
      claims,
    });

  it("gives the system's agent the backup part of the policy in force, and nothing of its failover", async () => {
    const body = policy({ kind: "daily", at: "01:30", timezone: "Asia/Shanghai" });
    await setPolicy({
      ...body,
      backup: {
        ...body.backup,
        type: "differential",
        window: { start: "22:00", end: "06:00", timezone: "Asia/Shanghai" },
        sources: [
          { type: "directory", path: "/srv/app", excludes: ["cache/**"] },
          { type: "file", path: "/etc/app.conf" },
          { type: "stdin", name: "app.sql" },
          { type: "s3-prefix", bucket: "unit-data", prefix: "portal/" },
        ],
      },
      failover: {
        ...body.failover,
        adapter: "webhook",
        webhook: { url: "https://lb.example.gov.cn/switch" },
      },
    });

    const answer = await planOf(await agentOf(systemA), systemA);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      systemId: systemA,
      policyVersion: 1,
      type: "differential",
      window: { start: "22:00", end: "06:00", timezone: "Asia/Shanghai" },
      schedule: { kind: "daily", at: "01:30", timezone: "Asia/Shanghai" },
      sources: [
        { type: "directory", path: "/srv/app", excludes: ["cache/**"] },
        { type: "file", path: "/etc/app.conf" },
      ],
      stdinSources: ["app.sql"],
      retentionDays: 180,
      suite: "sm4-ctr+hmac-sm3",
    });
    expect(JSON.stringify(answer.body)).not.toMatch(/webhook|unit-data/);
  });

  it("keeps an agent to its own system's plan (404) and answers 409 NO_POLICY before a policy is set", async () => {
    const agentA = await agentOf(systemA);
    const agentB = await agentOf(systemB);
    await setPolicy(policy({ kind: "every", minutes: 60 }));

    expect((await planOf(agentB, systemA)).body).toMatchObject({ code: "NOT_FOUND" });
    expect((await planOf(agentB, systemB)).body).toMatchObject({ code: "NO_POLICY" });
    expect((await planOf(agentA, systemA)).status).toBe(200);
    expect((await planOf(claimsFor(["tenant-auditor"], tenantId), systemA)).status).toBe(200);
  });
});
