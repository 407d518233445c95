import { readFile } from "node:fs/promises";
import path from "node:path";
import type { BackupPlan } from "../../shared/agents/backup-plan.ts";
import { insideWindow } from "../../shared/policies/achievable.ts";
import { clockTimeIn } from "../../shared/policies/wall-clock.ts";
import type { BackupSource } from "../../shared/vault/backup.ts";
import { CliError } from "../errors.ts";
import { out } from "../output.ts";
import { runBackup } from "../run-backup.ts";
import { ControlPlane } from "../vault/control-plane.ts";
import { type InstalledAgent, readInstalledAgent, writeWhole } from "./installed-agent.ts";
import { type AgentRun, recordRun } from "./run-log.ts";
import { systemctl, systemdRunning } from "./systemd.ts";
import { describeSchedule } from "./timer-schedule.ts";
import { timerUnit, unitName } from "./units.ts";

/**
 * `govdr agent run` (what the installed service starts, D-54): reads the policy in force, so a
 * changed one counts from this run on, and makes one backup as it says. Every run, whatever its
 * outcome, is logged for `agent status`; a failed one also fails the service, for systemd to show.
 */
export async function runInstalledAgent(configFile: string, now = () => new Date()): Promise<void> {
  const config = await readInstalledAgent(configFile);
  const startedAt = now().toISOString();
  const log = (run: Omit<AgentRun, "startedAt" | "endedAt">) =>
    recordRun(config.stateDir, { startedAt, endedAt: now().toISOString(), ...run });
  let plan: BackupPlan | undefined;
  try {
    const plane = await ControlPlane.connect({
      api: config.api,
      agentKeyFile: config.agentKeyFile,
      system: config.systemId,
    });
    plan = await (plane as ControlPlane).backupPlan();
    const rescheduled = await keepTimerToPolicy(config, plan);
    const window = plan.window;
    if (window && !insideWindow(clockTimeIn(now(), window.timezone), window)) {
      const detail = `outside the backup window ${window.start}–${window.end} (${window.timezone})`;
      out(`skipped: ${detail}`);
      await log({ outcome: "skipped", policyVersion: plan.policyVersion, detail });
      return;
    }
    if (plan.sources.length === 0) {
      throw new CliError(
        `The DR policy of system ${plan.systemId} (v${plan.policyVersion}) names no directory or file for its agent`,
        "add them to the policy's backup sources, or remove the agent with `govdr agent uninstall`",
        "AGENT_INPUT",
      );
    }
    const snapshot = await runBackup(
      {
        repo: config.repo,
        keyFile: config.keyFile,
        kmsKey: config.kmsKey,
        tenant: config.tenant,
        retainDays: String(plan.retentionDays),
      },
      {
        ...sourcesOf(plan),
        type: plan.type,
        suite: plan.suite,
        workers: config.workers,
        signIn: async () => plane,
      },
    );
    await log({
      outcome: "completed",
      policyVersion: plan.policyVersion,
      type: snapshot.type,
      snapshotId: snapshot.id,
      files: snapshot.stats.files,
      bytes: snapshot.stats.bytes,
      newBytes: snapshot.stats.newBytes,
      ...(rescheduled ? { detail: rescheduled } : {}),
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    await log({ outcome: "failed", ...(plan ? { policyVersion: plan.policyVersion } : {}), detail });
    throw error;
  }
}

/**
 * The plan's paths as the backup takes them. A directory's excludes are globs relative to it, and
 * the backup matches globs on snapshot paths, which start with the directory's name.
 */
export function sourcesOf(plan: Pick<BackupPlan, "sources">): {
  sources: BackupSource[];
  excludes: string[];
} {
  return {
    sources: plan.sources.map((source) => ({ kind: "path", path: source.path })),
    excludes: plan.sources.flatMap((source) =>
      source.type === "directory"
        ? source.excludes.map((glob) => `${path.basename(source.path)}/${glob.replace(/^\/+/, "")}`)
        : [],
    ),
  };
}

/**
 * Rewrites the timer when the policy's schedule is not the one it fires on; systemd takes the new one
 * after this run. Answers what changed, for the run's log line.
 */
async function keepTimerToPolicy(config: InstalledAgent, plan: BackupPlan): Promise<string | undefined> {
  const timerFile = path.join(config.unitDir, `${unitName(config.systemId)}.timer`);
  const wanted = timerUnit(config.systemId, plan.schedule);
  const current = await readFile(timerFile, "utf8").catch(() => undefined);
  if (current === wanted) return undefined;
  await writeWhole(timerFile, wanted, 0o644);
  const detail = `schedule changed to ${describeSchedule(plan.schedule)} (policy v${plan.policyVersion})`;
  out(detail);
  if (systemdRunning()) {
    systemctl(["daemon-reload"]);
    systemctl(["restart", "--no-block", `${unitName(config.systemId)}.timer`]);
  }
  return detail;
}
