import type { Command } from "commander";
import { registerAgentInstallCommands } from "./agent.ts";
import { registerBackupCommand } from "./backup.ts";
import { registerDiffCommand } from "./diff.ts";
import { registerInitCommand } from "./init.ts";
import { registerKeyGenerateCommand } from "./key-generate.ts";
import { registerRegisterCommand } from "./register.ts";
import { registerRestoreCommand } from "./restore.ts";
import { registerSnapshotsCommand } from "./snapshots.ts";
import { registerVerifyCommand } from "./verify.ts";

/** Every command of the backup agent (docs/agent.md), in the order `govdr --help` lists them. */
export function registerAgentCommands(program: Command): void {
  registerKeyGenerateCommand(program);
  registerInitCommand(program);
  registerBackupCommand(program);
  registerRegisterCommand(program);
  registerRestoreCommand(program);
  registerSnapshotsCommand(program);
  registerVerifyCommand(program);
  registerDiffCommand(program);
  registerAgentInstallCommands(program);
}
