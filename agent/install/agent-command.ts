import { realpathSync } from "node:fs";
import { isSea } from "node:sea";

/**
 * How systemd starts this same agent again: the single file by itself, else this Node.js with the
 * script it was started with (cli/bin/govdr.js, which runs the compiled agent).
 */
export function agentCommandLine(): string[] {
  if (isSea()) return [process.execPath];
  return [process.execPath, realpathSync(process.argv[1] as string)];
}
