import { agentExitCodes, type CodeOf, errorCatalogue } from "../shared/error-codes.ts";
import { GovdrError } from "../shared/errors.ts";

/**
 * A failure of the command line itself (a usage error, a refused control plane, a key file that
 * exists): one clear line, its own hint, and the exit code its `code` has in the error catalogue.
 */
export class CliError extends GovdrError {
  declare readonly code: CodeOf<"CliError">;

  constructor(
    message: string,
    readonly hint?: string,
    code: CodeOf<"CliError"> = "COMMAND_FAILED",
  ) {
    super(code, message);
  }
}

/** What the command line prints for a named error, and its exit code: all from the error catalogue. */
export function reportOf(error: GovdrError): { lines: string; exitCode: number } {
  const entry = errorCatalogue[error.code];
  const hint =
    (error instanceof CliError ? error.hint : undefined) ?? ("hint" in entry ? entry.hint : undefined);
  const message = "lead" in entry ? `${entry.lead}: ${error.message}` : error.message;
  return {
    lines: `govdr: ${message}\n${hint ? `hint: ${hint}\n` : ""}`,
    exitCode: agentExitCodes[entry.exit],
  };
}
