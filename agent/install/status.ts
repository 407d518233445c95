import { readdir } from "node:fs/promises";
import { CliError } from "../errors.ts";
import { out } from "../output.ts";
import { formatBytes } from "../vault/progress.ts";
import {
  type InstalledAgent,
  type InstallRoots,
  installPaths,
  readInstalledAgent,
} from "./installed-agent.ts";
import { type AgentRun, readRuns } from "./run-log.ts";
import { timerState } from "./systemd.ts";
import { unitName } from "./units.ts";

export interface AgentStatus {
  agent: InstalledAgent;
  /** systemd's view of the timer; undefined where systemd does not run. */
  timer?: Record<string, string>;
  /** Newest first. */
  runs: AgentRun[];
}

/** The installed agents (one, with `systemId`) with their timers and last `runs` runs. */
export async function agentStatuses(
  roots: InstallRoots,
  options: { systemId?: string; runs: number },
): Promise<AgentStatus[]> {
  const systems = options.systemId ? [options.systemId] : await installedSystems(roots);
  if (systems.length === 0) {
    throw new CliError(
      `No agent is installed under ${roots.config}`,
      "install one with `govdr agent install`",
      "USAGE",
    );
  }
  return Promise.all(
    systems.map(async (systemId) => {
      const agent = await readInstalledAgent(installPaths(roots, systemId).configFile);
      const runs = (await readRuns(agent.stateDir)).slice(-options.runs).reverse();
      return { agent, timer: timerState(`${unitName(systemId)}.timer`), runs };
    }),
  );
}

async function installedSystems(roots: InstallRoots): Promise<string[]> {
  const entries = await readdir(roots.config, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && /^s-[0-9a-z]{12}$/.test(e.name))
    .map((e) => e.name)
    .sort();
}

export function printStatus({ agent, timer, runs }: AgentStatus): void {
  const unit = unitName(agent.systemId);
  out(
    `system ${agent.systemId}: ${unit}.timer ${timer ? timerLine(timer) : "(systemd does not run on this host)"}`,
  );
  out(`  repository ${agent.repo}, control plane ${agent.api}, agent ${agent.agentVersion}`);
  if (runs.length === 0) {
    out("  no runs yet");
    return;
  }
  out("  last runs, newest first:");
  for (const run of runs) out(`  ${runLine(run)}`);
}

function timerLine(timer: Record<string, string>): string {
  const next = timer.NextElapseUSecRealtime ? `, next ${timer.NextElapseUSecRealtime}` : "";
  const last = timer.LastTriggerUSec ? `, last ${timer.LastTriggerUSec}` : "";
  return `${timer.ActiveState ?? "unknown"} (${timer.UnitFileState ?? "unknown"})${next}${last}`;
}

function runLine(run: AgentRun): string {
  const seconds = ((Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1);
  const what =
    run.outcome === "completed"
      ? `${run.type} snapshot ${run.snapshotId}, ${run.files} files, ${formatBytes(run.bytes ?? 0)} (added ${formatBytes(run.newBytes ?? 0)})`
      : "";
  const policy = run.policyVersion ? `policy v${run.policyVersion}` : "";
  return [run.startedAt, run.outcome.padEnd(9), `${seconds} s`, what, policy, run.detail ?? ""]
    .filter(Boolean)
    .join("  ");
}
