import type { Command } from "commander";
import { Repository } from "../../shared/vault/repository.ts";
import type { SuiteName } from "../../shared/vault/suites.ts";
import { repoOptions, suiteOption } from "../options.ts";
import { out } from "../output.ts";
import { backendFor, keyWrapperFor, type RepositoryFlags, retentionFor } from "../vault/repository-access.ts";

export function registerInitCommand(program: Command): void {
  repoOptions(program.command("init").description("create a repository").addOption(suiteOption())).action(
    async (options: RepositoryFlags & { suite: SuiteName }) => {
      const repository = await Repository.init(
        await backendFor(options.repo),
        await keyWrapperFor(options),
        { suite: options.suite },
        { retainUntil: retentionFor(options) },
      );
      out(`created repository ${repository.config.id} at ${repository.backend.location} (${options.suite})`);
    },
  );
}
