import { readFile } from "node:fs/promises";
import type { Backend } from "../../shared/vault/backend.ts";
import { LocalBackend } from "../../shared/vault/backends/local.ts";
import { type KeyWrapper, localKeyWrapper } from "../../shared/vault/key-wrapper.ts";
import { NoRepositoryError, Repository, type RepositoryOptions } from "../../shared/vault/repository.ts";
import type { SuiteName } from "../../shared/vault/suites.ts";
import { CliError } from "../errors.ts";
import { exitCodes } from "./exit-codes.ts";

export const repoKeyVariable = "GOVDR_REPO_KEY";

export interface RepositoryFlags {
  repo: string;
  keyFile?: string;
}

export function backendFor(repo: string): Backend {
  if (repo.startsWith("s3://")) {
    throw new CliError(
      "S3 repositories are not available in this build of the agent yet",
      "use a local directory with --repo <dir>",
      exitCodes.usage,
    );
  }
  return new LocalBackend(repo);
}

/** The repository secret: the key file's contents, or GOVDR_REPO_KEY; never a command-line argument. */
export async function keyWrapperFor(flags: RepositoryFlags): Promise<KeyWrapper> {
  const secret = flags.keyFile
    ? (await readFile(flags.keyFile, "utf8")).trim()
    : process.env[repoKeyVariable];
  if (!secret) {
    throw new CliError(
      "No repository key",
      `pass --key-file <file> or set ${repoKeyVariable} (at least 16 characters)`,
      exitCodes.repository,
    );
  }
  return localKeyWrapper(secret);
}

/** Opens the repository, or creates it when `create` names a suite and the location holds none. */
export async function openRepository(
  flags: RepositoryFlags,
  options: RepositoryOptions & { create?: SuiteName } = {},
): Promise<{ repository: Repository; created: boolean }> {
  const backend = backendFor(flags.repo);
  const wrapper = await keyWrapperFor(flags);
  try {
    return { repository: await Repository.open(backend, wrapper, options), created: false };
  } catch (error) {
    if (!(error instanceof NoRepositoryError) || !options.create) throw error;
    await Repository.init(backend, wrapper, { suite: options.create });
    return { repository: await Repository.open(backend, wrapper, options), created: true };
  }
}
