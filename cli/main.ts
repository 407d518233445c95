import { Command, CommanderError } from "commander";
import { registerDeployCommand } from "./commands/deploy.ts";
import { registerEmulatorCommands } from "./commands/emulator.ts";
import { registerTestCommand } from "./commands/test.ts";
import { registerUpCommand } from "./commands/up.ts";
import { registerVaultCommands } from "./commands/vault.ts";
import { CliError } from "./errors.ts";

export async function main(argv: string[]): Promise<number> {
  // `govdr snapshots | head -1` closes stdout early; that is the reader's choice, not a failure.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  const program = new Command("govdr")
    .description("govdr — disaster recovery as a service for e-government clouds")
    .exitOverride()
    .showHelpAfterError();
  registerUpCommand(program);
  registerEmulatorCommands(program);
  registerDeployCommand(program);
  registerTestCommand(program);
  registerVaultCommands(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      process.stderr.write(`govdr: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ""}`);
      return error.exitCode;
    }
    const detail =
      error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    process.stderr.write(`govdr: unexpected error\n${detail}\n`);
    return 1;
  }
}
