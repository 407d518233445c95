import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { CliError } from "../errors.ts";

/** Whether this host's init is systemd (sd_booted(3)): only then do `systemctl` calls mean anything. */
export const systemdRunning = () => existsSync("/run/systemd/system");

/** Runs systemctl; a refusal is the command's failure, with what systemctl said. */
export function systemctl(args: string[]): string {
  const result = spawnSync("systemctl", args, { encoding: "utf8" });
  if (result.error || result.status !== 0) {
    throw new CliError(
      `systemctl ${args.join(" ")} failed: ${(result.stderr || result.error?.message || "").trim()}`,
      undefined,
      "COMMAND_FAILED",
    );
  }
  return result.stdout;
}

/** The timer's state as systemd reports it, or undefined where systemd does not run. */
export function timerState(timer: string): Record<string, string> | undefined {
  if (!systemdRunning()) return undefined;
  const shown = systemctl([
    "show",
    timer,
    "--property=ActiveState,UnitFileState,NextElapseUSecRealtime,LastTriggerUSec",
  ]);
  return Object.fromEntries(
    shown
      .split("\n")
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}
