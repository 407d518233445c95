import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { CliError } from "../errors.ts";
import { unitName } from "./units.ts";

/** Where `agent install` puts things by default: systemd's and the FHS's places for them. */
export const defaultRoots = {
  config: "/etc/govdr/agents",
  state: "/var/lib/govdr/agents",
  units: "/etc/systemd/system",
};
export type InstallRoots = typeof defaultRoots;

/**
 * What `agent install` wrote for one system, read by every `agent run` (D-54). No secret is in it:
 * the keys are files beside it, readable by root only. The policy is not kept either: each run
 * reads the one in force.
 */
export const installedAgentSchema = z.object({
  systemId: z.string(),
  api: z.string(),
  agentKeyFile: z.string(),
  repo: z.string(),
  keyFile: z.string().optional(),
  kmsKey: z.string().optional(),
  tenant: z.string().optional(),
  workers: z.number().int().min(1).optional(),
  stateDir: z.string(),
  unitDir: z.string(),
  installedAt: z.string(),
  agentVersion: z.string(),
});
export type InstalledAgent = z.infer<typeof installedAgentSchema>;

/** The files of one system's installation. */
export function installPaths(roots: InstallRoots, systemId: string) {
  const configDir = path.join(roots.config, systemId);
  const unit = unitName(systemId);
  return {
    configDir,
    configFile: path.join(configDir, "agent.json"),
    agentKeyFile: path.join(configDir, "agent.key"),
    repoKeyFile: path.join(configDir, "repo.key"),
    environmentFile: path.join(configDir, "agent.env"),
    stateDir: path.join(roots.state, systemId),
    serviceFile: path.join(roots.units, `${unit}.service`),
    timerFile: path.join(roots.units, `${unit}.timer`),
  };
}

/**
 * Writes `contents` whole or not at all (a temporary file renamed into place), with `mode` from its
 * first byte: a key file is never readable by others, not even for a moment.
 */
export async function writeWhole(file: string, contents: string, mode: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, contents, { mode });
  await chmod(temporary, mode); // the umask may have taken bits writeFile asked for
  await rename(temporary, file);
}

export async function readInstalledAgent(configFile: string): Promise<InstalledAgent> {
  let raw: string;
  try {
    raw = await readFile(configFile, "utf8");
  } catch (error) {
    throw new CliError(
      `Cannot read the installed agent's configuration ${configFile} (${(error as NodeJS.ErrnoException).code})`,
      "install it with `govdr agent install`",
      "USAGE",
    );
  }
  const parsed = installedAgentSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) {
    throw new CliError(
      `${configFile} is not an installed agent's configuration (${parsed.error.issues[0]?.message})`,
      "install it again with `govdr agent install`",
      "USAGE",
    );
  }
  return parsed.data;
}
