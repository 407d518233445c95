import { Command } from "commander";
import { registerAgentCommands } from "../agent/commands/index.ts";
import { runProgram } from "../agent/main.ts";
import { registerDemoCommands } from "./commands/demo.ts";
import { registerDeployCommand } from "./commands/deploy.ts";
import { registerEmulatorCommands } from "./commands/emulator.ts";
import { registerTestCommand } from "./commands/test.ts";
import { registerUpCommand } from "./commands/up.ts";

export async function main(argv: string[]): Promise<number> {
  const program = new Command("govdr")
    .description("govdr — disaster recovery as a service for e-government clouds")
    .exitOverride()
    .showHelpAfterError();
  registerUpCommand(program);
  registerEmulatorCommands(program);
  registerDeployCommand(program);
  registerTestCommand(program);
  registerDemoCommands(program);
  registerAgentCommands(program);
  return runProgram(program, argv);
}
