import { Command, CommanderError } from "commander";
import { registerVaultCommands } from "./commands/vault.ts";
import { CliError } from "./errors.ts";

/**
 * The backup agent on its own: only the vault commands, so a bundled agent (tests/bench builds one
 * with esbuild) starts fast and carries no deployment tooling.
 */
export async function agentMain(argv: string[]): Promise<number> {
  const program = new Command("govdr").exitOverride().showHelpAfterError();
  registerVaultCommands(program);
  return runProgram(program, argv);
}

/** Parses and runs; CLI errors become one line and their exit code, anything else a stack trace. */
export async function runProgram(program: Command, argv: string[]): Promise<number> {
  // `govdr snapshots | head -1` closes stdout early; that is the reader's choice, not a failure.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
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
