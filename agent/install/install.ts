import { readFile } from "node:fs/promises";
import path from "node:path";
import { agentCredential } from "../../shared/agents/agent-key.ts";
import { CliError } from "../errors.ts";
import { agentVersion } from "../main.ts";
import { out } from "../output.ts";
import { ControlPlane } from "../vault/control-plane.ts";
import {
  kmsKeyVariable,
  openRepository,
  repoKeyVariable,
  tenantVariable,
} from "../vault/repository-access.ts";
import { agentCommandLine } from "./agent-command.ts";
import { type InstalledAgent, type InstallRoots, installPaths, writeWhole } from "./installed-agent.ts";
import { systemctl, systemdRunning } from "./systemd.ts";
import { describeSchedule } from "./timer-schedule.ts";
import { serviceUnit, timerUnit, unitName } from "./units.ts";

export interface InstallFlags {
  api?: string;
  agentKeyFile: string;
  repo: string;
  keyFile?: string;
  kmsKey?: string;
  tenant?: string;
  workers?: number;
  start: boolean;
}

/** What of the installer's environment the service needs too: where AWS is, never a credential. */
const passedOnVariables = ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_PROFILE"];

/**
 * `govdr agent install` (D-54): signs in with the system's agent key, reads its backup plan, opens
 * (or creates) the repository, then writes root-only copies of the keys, the configuration and a
 * systemd service and timer that run the plan; enables the timer where systemd runs. Installing
 * again replaces all of it.
 */
export async function installAgent(flags: InstallFlags, roots: InstallRoots): Promise<void> {
  if (process.geteuid?.() !== 0) {
    throw new CliError(
      "`govdr agent install` writes system units and root-only key files",
      "run it as root (sudo)",
      "USAGE",
    );
  }
  const plane = await ControlPlane.connect({ api: flags.api, agentKeyFile: flags.agentKeyFile });
  if (!plane) {
    throw new CliError("The installed agent needs the control plane's address", "pass --api <url>", "USAGE");
  }
  const plan = await plane.backupPlan();
  if (plan.sources.length === 0) {
    throw new CliError(
      `The DR policy of system ${plan.systemId} (v${plan.policyVersion}) names no directory or file for its agent`,
      "add the directories and files this host holds to the policy's backup sources",
      "AGENT_INPUT",
    );
  }
  const paths = installPaths(roots, plan.systemId);
  // The keys are checked before anything is written: the repository must open with them.
  const { repository, created } = await openRepository(
    { ...flags, retainDays: String(plan.retentionDays) },
    { create: plan.suite },
  );
  if (created) out(`created repository ${repository.config.id} at ${repository.backend.location}`);

  const { keyId, secret } = plane.credential;
  await writeWhole(paths.agentKeyFile, `${agentCredential(keyId, secret)}\n`, 0o600);
  // What opened the repository from the environment is written down too: the service has none of it.
  const repoSecret = flags.keyFile ? await readFile(flags.keyFile, "utf8") : process.env[repoKeyVariable];
  const kmsKey = flags.kmsKey ?? process.env[kmsKeyVariable];
  const tenant = flags.tenant ?? process.env[tenantVariable];
  const local = !flags.repo.startsWith("s3://") && !kmsKey;
  if (local && repoSecret) await writeWhole(paths.repoKeyFile, `${repoSecret.trim()}\n`, 0o600);
  const config: InstalledAgent = {
    systemId: plan.systemId,
    api: plane.api,
    agentKeyFile: paths.agentKeyFile,
    repo: flags.repo.startsWith("s3://") ? flags.repo : path.resolve(flags.repo),
    ...(local ? { keyFile: paths.repoKeyFile } : { kmsKey, tenant }),
    ...(flags.workers ? { workers: flags.workers } : {}),
    stateDir: paths.stateDir,
    unitDir: roots.units,
    installedAt: new Date().toISOString(),
    agentVersion,
  };
  await writeWhole(paths.configFile, `${JSON.stringify(config, null, 2)}\n`, 0o600);
  const environment = passedOnVariables.flatMap((name) =>
    process.env[name] ? [`${name}=${process.env[name]}`] : [],
  );
  await writeWhole(paths.environmentFile, environment.map((line) => `${line}\n`).join(""), 0o600);
  await writeWhole(
    paths.serviceFile,
    serviceUnit({
      systemId: plan.systemId,
      agent: agentCommandLine(),
      configFile: paths.configFile,
      environmentFile: paths.environmentFile,
    }),
    0o644,
  );
  await writeWhole(paths.timerFile, timerUnit(plan.systemId, plan.schedule), 0o644);

  const timer = `${unitName(plan.systemId)}.timer`;
  out(
    `installed ${unitName(plan.systemId)}: ${plan.type} backups of ${plan.sources.map((s) => s.path).join(", ")} ${describeSchedule(plan.schedule)} (policy v${plan.policyVersion})`,
  );
  if (plan.stdinSources.length > 0) {
    out(
      `not run by the timer: ${plan.stdinSources.join(", ")} (standard input; pipe it to \`govdr backup --stdin\` from the job that makes it)`,
    );
  }
  if (!flags.start) {
    out(`start it with: systemctl daemon-reload && systemctl enable --now ${timer}`);
  } else if (!systemdRunning()) {
    out(`systemd does not run on this host; the units are in ${roots.units}`);
    out(`start it with: systemctl daemon-reload && systemctl enable --now ${timer}`);
  } else {
    systemctl(["daemon-reload"]);
    systemctl(["enable", "--now", timer]);
    out(`enabled ${timer}; \`govdr agent status\` shows its runs`);
  }
}
