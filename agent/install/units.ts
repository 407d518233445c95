import type { BackupSchedule } from "../../shared/policies/policy-schema.ts";
import { timerLines } from "./timer-schedule.ts";

/** systemd's name of a system's agent units: govdr-agent-<systemId>.service and .timer. */
export const unitName = (systemId: string) => `govdr-agent-${systemId}`;

/** One word of a unit's command line, quoted as systemd reads it (systemd.syntax(7)). */
export function systemdWord(word: string): string {
  if (/^[\w/.:=+@,-]+$/.test(word)) return word;
  return `"${word.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/%/g, "%%").replace(/\$/g, "$$$$")}"`;
}

export interface ServiceUnit {
  systemId: string;
  /** The agent's own command line: the single file, or Node.js and cli/bin/govdr.js. */
  agent: readonly string[];
  configFile: string;
  environmentFile: string;
}

/**
 * The oneshot service a timer starts: `agent run` reads the policy and makes one backup. It runs as
 * root (it reads every file it backs up) with lowered CPU and I/O priority, so the server's own work
 * comes first, and nothing it starts may gain privileges.
 */
export function serviceUnit(unit: ServiceUnit): string {
  const command = [...unit.agent, "agent", "run", "--config", unit.configFile].map(systemdWord).join(" ");
  return [
    "[Unit]",
    `Description=govdr backup agent: one backup of system ${unit.systemId} as its DR policy says`,
    "Wants=network-online.target",
    "After=network-online.target",
    "",
    "[Service]",
    "Type=oneshot",
    `ExecStart=${command}`,
    `EnvironmentFile=-${unit.environmentFile}`,
    "Nice=10",
    "IOSchedulingClass=best-effort",
    "IOSchedulingPriority=7",
    "NoNewPrivileges=yes",
    "PrivateTmp=yes",
    "UMask=0077",
    "",
  ].join("\n");
}

/** The timer that runs the service on the policy's schedule (rewritten by `agent run` when it changes). */
export function timerUnit(systemId: string, schedule: BackupSchedule): string {
  return [
    "[Unit]",
    `Description=govdr backup agent: system ${systemId} on its DR policy's schedule`,
    "",
    "[Timer]",
    ...timerLines(schedule),
    `Unit=${unitName(systemId)}.service`,
    "",
    "[Install]",
    "WantedBy=timers.target",
    "",
  ].join("\n");
}
