import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAgent } from "../support/agent-cli.ts";
import { writeSampleTree } from "../support/file-trees.ts";
import { call } from "./support/api.ts";
import { snapshotReport, system } from "./support/bodies.ts";
import { localStack } from "./support/emulator.ts";
import { agentOf, tenantWithAuditor } from "./support/seed.ts";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-agent-api-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function unitWithSystem() {
  const unit = await tenantWithAuditor();
  const created = await call("POST", "/systems", { token: unit.admin.token, body: system("不动产登记") });
  return { ...unit, systemId: created.body.systemId as string };
}

describe("backup agent and the control plane", () => {
  it("an agent signed in with its system's key records each snapshot; the unit's auditor sees it", async () => {
    const unit = await unitWithSystem();
    const agent = await agentOf(unit.admin.token, unit.systemId);
    const source = path.join(work, "tree");
    const repo = path.join(work, "vault");
    await writeSampleTree(source);
    const env = {
      ...process.env,
      GOVDR_REPO_KEY: "agent-api-test-secret-2026",
      GOVDR_API_URL: localStack().apiUrl,
      GOVDR_AGENT_KEY: agent.credential,
    };

    const backedUp = await runAgent(["backup", source, "--repo", repo, "--system", unit.systemId], env);
    const snapshotId = /snapshot ([0-9a-f]{16})/.exec(backedUp.stdout)?.[1];
    const listed = await call("GET", `/systems/${unit.systemId}/snapshots`, { token: unit.auditor.token });
    const again = await runAgent(["register", "latest", "--repo", repo], env);

    expect(backedUp.code, backedUp.stderr).toBe(0);
    expect(backedUp.stdout).toContain(`recorded in the control plane for system ${unit.systemId}`);
    expect(listed.body.items).toEqual([
      expect.objectContaining({
        snapshotId,
        systemId: unit.systemId,
        type: "full",
        repository: path.resolve(repo),
        registeredBy: agent.keyId,
      }),
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("already recorded");
  });

  it("refuses, before reading anything, an agent whose key was revoked or names another system", async () => {
    const unit = await unitWithSystem();
    const other = await call("POST", "/systems", { token: unit.admin.token, body: system("档案管理") });
    const agent = await agentOf(unit.admin.token, unit.systemId);
    const env = {
      ...process.env,
      GOVDR_REPO_KEY: "agent-api-test-secret-2026",
      GOVDR_API_URL: localStack().apiUrl,
      GOVDR_AGENT_KEY: agent.credential,
    };
    const repo = path.join(work, "refused");

    const wrongSystem = await runAgent(
      ["backup", work, "--repo", repo, "--system", String(other.body.systemId)],
      env,
    );
    await call("POST", `/systems/${unit.systemId}/agent-keys/${agent.keyId}/revoke`, {
      token: unit.admin.token,
    });
    const revoked = await runAgent(["backup", work, "--repo", repo], env);
    const liveSession = await call("GET", `/systems/${unit.systemId}/snapshots`, { token: agent.token });

    expect(wrongSystem.code).toBe(2);
    expect(wrongSystem.stderr).toContain(`belongs to system ${unit.systemId}`);
    expect(revoked.code).toBe(6);
    expect(revoked.stderr).toMatch(/INVALID_CREDENTIALS/);
    expect(liveSession.status).toBe(401);
  });

  it("keeps an agent session to its own system's snapshot routes", async () => {
    const unit = await unitWithSystem();
    const other = await call("POST", "/systems", { token: unit.admin.token, body: system("档案管理") });
    const agent = await agentOf(unit.admin.token, unit.systemId);

    const elsewhere = await call("PUT", `/systems/${other.body.systemId}/snapshots/00000000000000bb`, {
      token: agent.token,
      body: snapshotReport(),
    });
    const systems = await call("GET", "/systems", { token: agent.token });
    const keys = await call("POST", `/systems/${unit.systemId}/agent-keys`, {
      token: agent.token,
      body: { name: "self-made" },
    });

    expect(elsewhere.status).toBe(404);
    expect(systems.status).toBe(403);
    expect(keys.status).toBe(403);
  });

  it("answers a repeated report with the stored record and a different one with 409 SNAPSHOT_CONFLICT", async () => {
    const unit = await unitWithSystem();
    const agent = await agentOf(unit.admin.token, unit.systemId);
    const at = `/systems/${unit.systemId}/snapshots/00000000000000cc`;
    const report = snapshotReport();

    const first = await call("PUT", at, { token: agent.token, body: report });
    const repeated = await call("PUT", at, { token: agent.token, body: report });
    const different = await call("PUT", at, {
      token: agent.token,
      body: { ...report, merkleRoot: "e".repeat(64) },
    });

    expect(first.status).toBe(201);
    expect(repeated.status).toBe(200);
    expect(repeated.body).toEqual(first.body);
    expect(different).toMatchObject({ status: 409, body: { code: "SNAPSHOT_CONFLICT" } });
  });
});
