import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localCredentials } from "../../cli/emulator/settings.ts";
import { pollUntil } from "../../cli/poll.ts";
import { runAgent } from "../support/agent-cli.ts";
import { writeSampleTree } from "../support/file-trees.ts";
import { makeTenant, makeUser } from "../support/identity-fixtures.ts";
import { call, signIn } from "./support/api.ts";
import { policy, system } from "./support/bodies.ts";
import { clientConfig, localStack, uniqueName } from "./support/emulator.ts";
import { agentOf, deployedStores } from "./support/seed.ts";

const password = "Drill-Admin-2026!";
let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-drills-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** An active unit with its vault key (as approval creates it), a class-3 system and its policy. */
async function unitWithSystem() {
  const kms = new KMSClient(clientConfig());
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: "drill test tenant key" }));
  const tenant = { ...makeTenant(new Date(), "active"), vaultKeyId: KeyMetadata?.KeyId as string };
  const admin = await makeUser({
    tenantId: tenant.tenantId,
    userName: uniqueName("drill").replace("-", "."),
    password,
    roles: ["tenant-admin"],
    at: new Date(),
  });
  await deployedStores().tenants.register(tenant, admin);
  const { token } = await signIn(admin.userName, password);
  const created = await call("POST", "/systems", { token, body: system("社保经办系统") });
  const systemId = created.body.systemId as string;
  const set = await call("PUT", `/systems/${systemId}/policy`, {
    token,
    body: policy({ kind: "every", minutes: 30 }, "database-replication-or-cdp"),
  });
  if (set.status !== 200) throw new Error(`policy: ${JSON.stringify(set)}`);
  return { tenant, token, systemId };
}

/** Backs a sample tree up into the unit's prefix of the primary vault, as a unit's agent does, and records it. */
async function backUp(unit: Awaited<ReturnType<typeof unitWithSystem>>) {
  const stack = localStack();
  const agent = await agentOf(unit.token, unit.systemId);
  const source = path.join(work, uniqueName("app"));
  await writeSampleTree(source);
  const repo = `s3://${stack.vaultBucket}/tenants/${unit.tenant.tenantId}/`;
  const run = await runAgent(
    [
      "backup",
      source,
      "--repo",
      repo,
      "--kms-key",
      unit.tenant.vaultKeyId,
      "--tenant",
      unit.tenant.tenantId,
      "--retain-days",
      "1",
    ],
    {
      ...process.env,
      AWS_ENDPOINT_URL: stack.endpoint,
      AWS_REGION: stack.regions.primary,
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      GOVDR_API_URL: stack.apiUrl,
      GOVDR_AGENT_KEY: agent.credential,
    },
  );
  if (run.code !== 0) throw new Error(`backup: ${run.stderr}`);
  const snapshotId = /snapshot ([0-9a-f]{16})/.exec(run.stdout)?.[1] as string;
  return { snapshotId, prefix: `tenants/${unit.tenant.tenantId}/` };
}

/** Waits until S3 replication has put the snapshot's manifest into the DR vault. */
async function replicated(prefix: string, snapshotId: string) {
  const stack = localStack();
  const dr = new S3Client(clientConfig(stack.regions.dr));
  await pollUntil(
    async () => {
      const { Contents = [] } = await dr.send(
        new ListObjectsV2Command({ Bucket: stack.drVaultBucket, Prefix: `${prefix}snapshots/` }),
      );
      const manifest = Contents.find((o) => o.Key?.endsWith(`-${snapshotId}`));
      if (!manifest?.Key) return undefined;
      await dr.send(new HeadObjectCommand({ Bucket: stack.drVaultBucket, Key: manifest.Key }));
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: `snapshot ${snapshotId} in the DR vault` },
  );
}

const finished = (token: string, systemId: string, drillId: string) =>
  pollUntil(
    async () => {
      const answer = await call("GET", `/systems/${systemId}/drills/${drillId}`, { token });
      return answer.body.status === "running" ? undefined : answer.body;
    },
    { timeoutMs: 120_000, intervalMs: 1000, what: `drill ${drillId} to finish` },
  );

async function sandboxObjects(prefix: string) {
  const stack = localStack();
  const dr = new S3Client(clientConfig(stack.regions.dr));
  const { KeyCount = 0 } = await dr.send(
    new ListObjectsV2Command({ Bucket: stack.sandboxBucket, Prefix: prefix }),
  );
  return KeyCount;
}

describe("restore drills on the local stack (issue #18, R-DRL-01)", () => {
  it("runs a drill of the latest replicated snapshot to a PASS with numeric RTO/RPO, a report, and no sandbox left", async () => {
    const unit = await unitWithSystem();
    const { snapshotId, prefix } = await backUp(unit);
    await replicated(prefix, snapshotId);

    const started = await call("POST", `/systems/${unit.systemId}/drills`, { token: unit.token, body: {} });
    const second = await call("POST", `/systems/${unit.systemId}/drills`, { token: unit.token, body: {} });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const drillId = started.body.drillId as string;
    expect(second).toMatchObject({ status: 409, body: { code: "DRILL_RUNNING" } });
    expect(second.body.message).toContain(drillId);

    const drill = await finished(unit.token, unit.systemId, drillId);
    expect(drill, JSON.stringify(drill)).toMatchObject({
      status: "completed",
      verdict: "PASS",
      type: "simulated",
      recoveryPoint: { snapshotId },
      verification: { damagedCount: 0 },
    });
    const achieved = drill.achieved as { rtoSeconds: number; rpoSeconds: number };
    expect(achieved.rtoSeconds).toBeGreaterThan(0);
    expect(achieved.rpoSeconds).toBeGreaterThan(0);
    expect((drill.verification as { verifiedFiles: number }).verifiedFiles).toBeGreaterThan(0);
    expect((drill.steps as { name: string }[]).map((s) => s.name)).toEqual([
      "plan",
      "restore",
      "verify",
      "evaluate",
      "report",
      "cleanup",
      "notify",
    ]);
    expect(await sandboxObjects(`sandboxes/${unit.tenant.tenantId}/`)).toBe(0);

    const html = await fetch(`${localStack().apiUrl}/systems/${unit.systemId}/drills/${drillId}/report`, {
      headers: { authorization: `Bearer ${unit.token}` },
    });
    expect(html.status).toBe(200);
    expect(html.headers.get("content-type")).toContain("text/html");
    const page = await html.text();
    expect(page).toContain("PASS");
    expect(page).toContain("<svg");
    const json = await call("GET", `/systems/${unit.systemId}/drills/${drillId}/report?format=json`, {
      token: unit.token,
    });
    expect(json.body).toMatchObject({ kind: "govdr.drill-report", drill: { drillId, verdict: "PASS" } });
    const listed = await call("GET", `/systems/${unit.systemId}/drills`, { token: unit.token });
    expect((listed.body.items as { drillId: string }[]).map((d) => d.drillId)).toEqual([drillId]);
  });

  it("refuses a point in time before any snapshot (404 NO_RECOVERY_POINT), a future one and a bad type (400), and starts nothing", async () => {
    const unit = await unitWithSystem();

    const none = await call("POST", `/systems/${unit.systemId}/drills`, { token: unit.token, body: {} });
    const future = await call("POST", `/systems/${unit.systemId}/drills`, {
      token: unit.token,
      body: { pointInTime: new Date(Date.now() + 3_600_000).toISOString() },
    });
    const badType = await call("POST", `/systems/${unit.systemId}/drills`, {
      token: unit.token,
      body: { type: "chaos" },
    });

    expect(none).toMatchObject({ status: 404, body: { code: "NO_RECOVERY_POINT" } });
    expect(future).toMatchObject({ status: 400, body: { code: "VALIDATION_FAILED" } });
    expect(badType).toMatchObject({ status: 400, body: { code: "VALIDATION_FAILED" } });
    expect(JSON.stringify(badType.body)).toContain("type");
    const listed = await call("GET", `/systems/${unit.systemId}/drills`, { token: unit.token });
    expect(listed.body.items).toEqual([]);
  });
});
