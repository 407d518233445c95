import { Command, CommanderError } from "commander";
import { GovdrError } from "../shared/errors.ts";
import { registerAgentCommands } from "./commands/index.ts";
import { reportOf } from "./errors.ts";

/**
 * The backup agent on its own: only the vault commands, so a bundled agent (tests/bench builds one
 * with esbuild) starts fast and carries no deployment tooling.
 */
/** Set by the bundles (agent/bundle.ts, agent/single-file.ts): the package version and commit. */
declare const GOVDR_AGENT_VERSION: string | undefined;
export const agentVersion = typeof GOVDR_AGENT_VERSION === "string" ? GOVDR_AGENT_VERSION : "source";

export async function agentMain(argv: string[]): Promise<number> {
  const program = new Command("govdr")
    .version(agentVersion, "-V, --version", "the agent's version (package version+commit)")
    .exitOverride()
    .showHelpAfterError();
  registerAgentCommands(program);
  return runProgram(program, argv);
}

/**
 * Parses and runs. A named error (GovdrError) becomes one line, its hint and its exit code from the
 * error catalogue (docs/agent.md); anything else is a bug and prints its stack trace.
 */
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
    if (error instanceof GovdrError) {
      const { lines, exitCode } = reportOf(error);
      process.stderr.write(lines);
      return exitCode;
    }
    const detail =
      error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    process.stderr.write(`govdr: unexpected error\n${detail}\n`);
    return 1;
  }
}
