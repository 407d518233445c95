/** An error the CLI reports as one clear line (plus a hint) and a non-zero exit, without a stack trace. */
export class CliError extends Error {
  override readonly name = "CliError";

  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
