import { Command } from "commander";
import { runProgram } from "./agent.ts";
import { registerDeployCommand } from "./commands/deploy.ts";
import { registerEmulatorCommands } from "./commands/emulator.ts";
import { registerTestCommand } from "./commands/test.ts";
import { registerUpCommand } from "./commands/up.ts";
import { registerVaultCommands } from "./commands/vault.ts";

export async function main(argv: string[]): Promise<number> {
  const program = new Command("govdr")
    .description("govdr — disaster recovery as a service for e-government clouds")
    .exitOverride()
    .showHelpAfterError();
  registerUpCommand(program);
  registerEmulatorCommands(program);
  registerDeployCommand(program);
  registerTestCommand(program);
  registerVaultCommands(program);
  return runProgram(program, argv);
}
