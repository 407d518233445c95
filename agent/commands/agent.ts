import type { Command } from "commander";
import { type InstallFlags, installAgent } from "../install/install.ts";
import { defaultRoots, type InstallRoots } from "../install/installed-agent.ts";
import { runInstalledAgent } from "../install/run.ts";
import { agentStatuses, printStatus } from "../install/status.ts";
import { uninstallAgent } from "../install/uninstall.ts";
import { workersOption } from "../options.ts";
import { out } from "../output.ts";
import { apiVariable } from "../vault/control-plane.ts";
import { kmsKeyVariable, tenantVariable } from "../vault/repository-access.ts";

type RootFlags = { configRoot: string; stateRoot: string; unitDir: string };
const rootsOf = (flags: RootFlags): InstallRoots => ({
  config: flags.configRoot,
  state: flags.stateRoot,
  units: flags.unitDir,
});

/** Where the installation lives; the defaults are systemd's and the FHS's places. */
const rootOptions = (command: Command) =>
  command
    .option(
      "--config-root <dir>",
      "configuration and root-only key copies, a directory per system",
      defaultRoots.config,
    )
    .option("--state-root <dir>", "run logs, a directory per system", defaultRoots.state)
    .option("--unit-dir <dir>", "where the systemd units go", defaultRoots.units);

/** `govdr agent install|run|status|uninstall`: the agent on its policy's schedule (D-54, docs/agent.md). */
export function registerAgentInstallCommands(program: Command): void {
  const agent = program
    .command("agent")
    .description("install the agent on this host as a systemd timer that runs its system's DR policy");

  rootOptions(
    agent
      .command("install")
      .description(
        "sign in, read the system's backup plan, and install a systemd service and timer that run it",
      )
      .option("--api <url>", `control-plane API (else ${apiVariable})`)
      .requiredOption("--agent-key-file <file>", "file holding the system's agent key (copied, root-only)")
      .requiredOption("--repo <location>", "repository: a local directory, or s3://bucket/prefix")
      .option("--key-file <file>", "local repositories: file holding the secret (copied, root-only)")
      .option("--kms-key <id>", `S3 repositories: the tenant's KMS key id or alias (else ${kmsKeyVariable})`)
      .option("--tenant <id>", `S3 repositories: the tenant the key belongs to (else ${tenantVariable})`)
      .option("--no-start", "write the units without enabling the timer")
      .addOption(workersOption()),
  ).action(async (flags: InstallFlags & RootFlags) => installAgent(flags, rootsOf(flags)));

  agent
    .command("run")
    .description("one backup as the system's policy says (what the installed service starts)")
    .requiredOption("--config <file>", "the installed agent's configuration (agent.json)")
    .action(async (flags: { config: string }) => runInstalledAgent(flags.config));

  rootOptions(
    agent
      .command("status")
      .description("the installed agents, their timers and their last runs")
      .option("--system <id>", "only this system's agent")
      .option("--runs <n>", "how many runs to show", "10")
      .option("--json", "machine-readable output"),
  ).action(async (flags: RootFlags & { system?: string; runs: string; json?: boolean }) => {
    const statuses = await agentStatuses(rootsOf(flags), {
      systemId: flags.system,
      runs: Math.max(1, Number(flags.runs) || 10),
    });
    if (flags.json) out(JSON.stringify(statuses, null, 2));
    else statuses.forEach(printStatus);
  });

  rootOptions(
    agent
      .command("uninstall")
      .description("stop and remove a system's timer, service and key copies (the repository stays)")
      .requiredOption("--system <id>", "the system whose agent goes"),
  ).action(async (flags: RootFlags & { system: string }) => uninstallAgent(rootsOf(flags), flags.system));
}
