import { rm } from "node:fs/promises";
import { out } from "../output.ts";
import { type InstallRoots, installPaths, readInstalledAgent } from "./installed-agent.ts";
import { systemctl, systemdRunning } from "./systemd.ts";
import { unitName } from "./units.ts";

/**
 * `govdr agent uninstall`: stops and removes the system's timer and service and its key copies. The
 * repository and the run log stay: what was backed up is the vault's, not the installation's.
 */
export async function uninstallAgent(roots: InstallRoots, systemId: string): Promise<void> {
  const paths = installPaths(roots, systemId);
  const agent = await readInstalledAgent(paths.configFile);
  const timer = `${unitName(systemId)}.timer`;
  if (systemdRunning()) systemctl(["disable", "--now", timer]);
  await rm(paths.timerFile, { force: true });
  await rm(paths.serviceFile, { force: true });
  if (systemdRunning()) systemctl(["daemon-reload"]);
  await rm(paths.configDir, { recursive: true, force: true });
  out(
    `removed ${unitName(systemId)}; the repository ${agent.repo} and the run log in ${agent.stateDir} are kept`,
  );
}
