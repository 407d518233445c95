import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSingleFileAgent, type SingleFileAgent } from "../../agent/single-file.ts";
import { runAgent } from "../support/agent-cli.ts";
import { writeSampleTree } from "../support/file-trees.ts";
import { call } from "./support/api.ts";
import { policy, system } from "./support/bodies.ts";
import { localStack } from "./support/emulator.ts";
import { agentOf, tenantWithAuditor } from "./support/seed.ts";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-agent-install-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A unit with one system whose policy backs up `source` on `schedule`; its admin and auditor signed in. */
async function unitBackingUp(source: string) {
  const unit = await tenantWithAuditor();
  const created = await call("POST", "/systems", { token: unit.admin.token, body: system("社保经办") });
  const systemId = created.body.systemId as string;
  const setPolicy = async (changes: {
    schedule: object;
    type?: string;
    window?: object;
    excludes?: string[];
  }) => {
    // Replicated continuously, so that a daily backup meets the class's RPO (R-CL-02).
    const body = policy(changes.schedule, "database-replication-or-cdp");
    const answer = await call("PUT", `/systems/${systemId}/policy`, {
      token: unit.admin.token,
      body: {
        ...body,
        backup: {
          ...body.backup,
          type: changes.type ?? "incremental",
          sources: [{ type: "directory", path: source, excludes: changes.excludes ?? [] }],
          ...(changes.window ? { window: changes.window } : {}),
        },
      },
    });
    if (answer.status !== 200) throw new Error(`policy: ${JSON.stringify(answer.body)}`);
  };
  return { ...unit, systemId, setPolicy };
}

/** Runs the installed service's ExecStart as systemd would: its own environment, not the test's. */
async function runService(serviceFile: string) {
  const unit = await readFile(serviceFile, "utf8");
  const [command, ...args] = (/^ExecStart=(.+)$/m.exec(unit)?.[1] ?? "").split(" ") as [string, ...string[]];
  const environmentFile = /^EnvironmentFile=-(.+)$/m.exec(unit)?.[1] ?? "";
  const environment = Object.fromEntries(
    (await readFile(environmentFile, "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  const ran = spawnSync(command, args, {
    encoding: "utf8",
    env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ...environment },
  });
  return { code: ran.status, stdout: ran.stdout, stderr: ran.stderr };
}

/** `govdr agent install` against the local stack, into a local repository, with `flags` after. */
function installAgent(
  keys: { agentKey: string; repo: string; repoKey: string },
  flags: string[],
  env: NodeJS.ProcessEnv,
  script?: string,
) {
  return runAgent(
    [
      "agent",
      "install",
      "--api",
      localStack().apiUrl,
      "--agent-key-file",
      keys.agentKey,
      "--repo",
      keys.repo,
      "--key-file",
      keys.repoKey,
      ...flags,
    ],
    env,
    script,
  );
}

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

describe("the agent as units install it (issue #21 item 3, D-54)", () => {
  it("installs a timer on the policy's schedule, runs the policy's backups, follows a changed policy, and shows its runs", async () => {
    const source = path.join(work, "app");
    await writeSampleTree(source);
    await writeFile(path.join(source, "cache.tmp"), "not wanted");
    const unit = await unitBackingUp(source);
    await unit.setPolicy({ schedule: { kind: "daily", at: "01:30", timezone: "Asia/Shanghai" } });
    const agent = await agentOf(unit.admin.token, unit.systemId);
    const agentKey = path.join(work, "agent.key");
    await writeFile(agentKey, `${agent.credential}\n`);
    const repoKey = path.join(work, "repo.key");
    const roots = {
      config: path.join(work, "etc"),
      state: path.join(work, "var"),
      units: path.join(work, "systemd"),
    };
    const rootFlags = ["--config-root", roots.config, "--state-root", roots.state, "--unit-dir", roots.units];
    const env = { ...process.env, GOVDR_API_URL: undefined, GOVDR_AGENT_KEY: undefined };
    expect((await runAgent(["key", "generate", repoKey], env)).code).toBe(0);

    const installed = await installAgent(
      { agentKey, repo: path.join(work, "vault"), repoKey },
      ["--no-start", ...rootFlags],
      env,
    );
    const unitName = `govdr-agent-${unit.systemId}`;
    const serviceFile = path.join(roots.units, `${unitName}.service`);
    const timerFile = path.join(roots.units, `${unitName}.timer`);
    const configDir = path.join(roots.config, unit.systemId);

    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toContain(
      `installed ${unitName}: incremental backups of ${source} daily at 01:30`,
    );
    expect(await readFile(timerFile, "utf8")).toContain("OnCalendar=*-*-* 01:30:00 Asia/Shanghai");
    expect(await modeOf(path.join(configDir, "agent.key"))).toBe(0o600);
    expect(await modeOf(path.join(configDir, "repo.key"))).toBe(0o600);
    expect((await stat(path.join(configDir, "agent.key"))).uid).toBe(0);
    const verified = spawnSync("systemd-analyze", ["verify", serviceFile, timerFile], { encoding: "utf8" });
    expect(verified.status, verified.stderr).toBe(0);

    const first = await runService(serviceFile);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`recorded in the control plane for system ${unit.systemId}`);

    await unit.setPolicy({
      schedule: { kind: "every", minutes: 15 },
      type: "differential",
      excludes: ["*.tmp"],
    });
    const second = await runService(serviceFile);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("schedule changed to every 15 minutes (policy v2)");
    expect(await readFile(timerFile, "utf8")).toContain("OnCalendar=*-*-* *:00/15:00");

    // A window the clock is not in (it opens an hour from now): the run is skipped and says why.
    const hour = (offset: number) =>
      `${String((new Date().getUTCHours() + offset) % 24).padStart(2, "0")}:00`;
    await unit.setPolicy({
      schedule: { kind: "every", minutes: 15 },
      window: { start: hour(1), end: hour(2), timezone: "UTC" },
    });
    const third = await runService(serviceFile);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toContain("skipped: outside the backup window");

    const listed = await call("GET", `/systems/${unit.systemId}/snapshots`, { token: unit.auditor.token });
    const status = await runAgent(["agent", "status", "--json", ...rootFlags], env);
    const [shown] = JSON.parse(status.stdout) as [{ runs: Record<string, unknown>[] }];
    const restored = path.join(work, "restored");
    const restore = await runAgent(
      ["restore", "latest", "--repo", path.join(work, "vault"), "--key-file", repoKey, "--target", restored],
      env,
    );

    expect(listed.body.items).toEqual([
      expect.objectContaining({ type: "differential", registeredBy: agent.keyId }),
      expect.objectContaining({ type: "full", registeredBy: agent.keyId }),
    ]);
    expect(status.code, status.stderr).toBe(0);
    expect(shown.runs).toEqual([
      expect.objectContaining({ outcome: "skipped", policyVersion: 3 }),
      expect.objectContaining({ outcome: "completed", policyVersion: 2, type: "differential" }),
      expect.objectContaining({ outcome: "completed", policyVersion: 1, type: "full" }),
    ]);
    expect(restore.code, restore.stderr).toBe(0);
    expect(existsSync(path.join(restored, "app", "cache.tmp"))).toBe(false);
    expect(existsSync(path.join(restored, "app"))).toBe(true);

    // A revoked key: the run fails (exit 6, so systemd marks the service failed) and the log says so.
    await call("POST", `/systems/${unit.systemId}/agent-keys/${agent.keyId}/revoke`, {
      token: unit.admin.token,
    });
    const revoked = await runService(serviceFile);
    const afterRevoke = await runAgent(["agent", "status", ...rootFlags], env);
    expect(revoked.code).toBe(6);
    expect(afterRevoke.stdout).toMatch(/failed .*refused POST \/auth\/agent-token/);

    const removed = await runAgent(["agent", "uninstall", "--system", unit.systemId, ...rootFlags], env);
    expect(removed.code, removed.stderr).toBe(0);
    expect(existsSync(serviceFile) || existsSync(timerFile) || existsSync(configDir)).toBe(false);
    expect(existsSync(path.join(roots.state, unit.systemId, "runs.jsonl"))).toBe(true);
  });

  it("writes nothing when the agent key is refused or the policy names nothing for the agent", async () => {
    const unit = await unitBackingUp(path.join(work, "absent"));
    const agentKey = path.join(work, "wrong.key");
    await writeFile(agentKey, `ak-000000000000.${"x".repeat(43)}\n`);
    const configRoot = path.join(work, "etc-refused");
    const install = (keyFile: string) =>
      installAgent(
        { agentKey: keyFile, repo: path.join(work, "vault-refused"), repoKey: path.join(work, "repo.key") },
        ["--config-root", configRoot, "--unit-dir", path.join(work, "systemd-refused")],
        { ...process.env, GOVDR_API_URL: undefined },
      );

    const refused = await install(agentKey);
    const agent = await agentOf(unit.admin.token, unit.systemId);
    const ownKey = path.join(work, "own.key");
    await writeFile(ownKey, agent.credential);
    const noPolicy = await install(ownKey);

    expect(refused.code, refused.stderr).toBe(6);
    expect(noPolicy.code).toBe(6);
    expect(noPolicy.stderr).toContain("NO_POLICY");
    expect(existsSync(configRoot)).toBe(false);
    expect(existsSync(path.join(work, "systemd-refused"))).toBe(false);
  });

  it("installed by the single file, its service starts the file itself and records the policy's backup", async () => {
    const [single] = (await buildSingleFileAgent(path.join(work, "dist"), ["x64"])) as [SingleFileAgent];
    const source = path.join(work, "single-app");
    await writeSampleTree(source);
    const unit = await unitBackingUp(source);
    await unit.setPolicy({ schedule: { kind: "daily", at: "02:00", timezone: "Asia/Shanghai" } });
    const agent = await agentOf(unit.admin.token, unit.systemId);
    const agentKey = path.join(work, "single-agent.key");
    await writeFile(agentKey, `${agent.credential}\n`);
    const repoKey = path.join(work, "single-repo.key");
    const rootFlags = [
      "--config-root",
      path.join(work, "single-etc"),
      "--state-root",
      path.join(work, "single-var"),
    ];
    const unitDir = path.join(work, "single-systemd");
    const env = { ...process.env, GOVDR_API_URL: undefined, GOVDR_AGENT_KEY: undefined };
    expect((await runAgent(["key", "generate", repoKey], env, single.file)).code).toBe(0);

    const installed = await installAgent(
      { agentKey, repo: path.join(work, "single-vault"), repoKey },
      ["--no-start", "--unit-dir", unitDir, ...rootFlags],
      env,
      single.file,
    );
    const serviceFile = path.join(unitDir, `govdr-agent-${unit.systemId}.service`);
    expect(installed.code, installed.stderr).toBe(0);
    expect(await readFile(serviceFile, "utf8")).toMatch(
      new RegExp(`^ExecStart=${single.file} agent run --config \\S+/agent\\.json$`, "m"),
    );

    const ran = await runService(serviceFile);
    const listed = await call("GET", `/systems/${unit.systemId}/snapshots`, { token: unit.auditor.token });

    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain(`recorded in the control plane for system ${unit.systemId}`);
    expect(listed.body.items).toEqual([expect.objectContaining({ type: "full", registeredBy: agent.keyId })]);
  }, 180_000);
});
