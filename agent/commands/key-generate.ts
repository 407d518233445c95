import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { generateRepositoryKey } from "../../shared/vault/key-wrapper.ts";
import { CliError } from "../errors.ts";
import { out } from "../output.ts";

/** A generated key in a new file, mode 0600; without it (or a copy) the repository cannot be opened. */
async function writeKeyFile(file: string): Promise<void> {
  try {
    await writeFile(file, `${generateRepositoryKey()}\n`, { flag: "wx", mode: 0o600 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    const why = code === "EEXIST" ? "it exists (a key is never overwritten)" : code;
    throw new CliError(`Cannot write the key file ${file}: ${why}`, undefined, "AGENT_INPUT");
  }
  out(
    `wrote a new repository key to ${file}; keep a copy somewhere safe: without it, a repository made with it cannot be opened`,
  );
}

export function registerKeyGenerateCommand(program: Command): void {
  program
    .command("key")
    .description("repository keys for local repositories")
    .command("generate")
    .description("write a new 256-bit repository key to a file (readable by its owner only)")
    .argument("<file>", "where to write it; an existing file is never replaced")
    .action((file: string) => writeKeyFile(file));
}
