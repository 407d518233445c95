import { readFile } from "node:fs/promises";
import type { Backend } from "../../shared/vault/backend.ts";
import { LocalBackend } from "../../shared/vault/backends/local.ts";
import { type KeyWrapper, localKeyWrapper } from "../../shared/vault/key-wrapper.ts";
import { NoRepositoryError, Repository, type RepositoryOptions } from "../../shared/vault/repository.ts";
import type { SuiteName } from "../../shared/vault/suites.ts";
import { CliError } from "../errors.ts";
import { warn } from "../warn.ts";

export const repoKeyVariable = "GOVDR_REPO_KEY";

export const kmsKeyVariable = "GOVDR_KMS_KEY";
export const tenantVariable = "GOVDR_TENANT_ID";

export interface RepositoryFlags {
  repo: string;
  keyFile?: string;
  kmsKey?: string;
  tenant?: string;
  retainDays?: string;
}

const s3Location = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/?(.*)$/;

/**
 * `s3://bucket/prefix` (credentials, region and endpoint from the environment, as every AWS tool
 * reads them; throttling and 5xx retried with adaptive backoff) or a local directory.
 */
export async function backendFor(repo: string): Promise<Backend> {
  if (!repo.startsWith("s3://")) return new LocalBackend(repo);
  const match = s3Location.exec(repo);
  if (!match) throw new CliError(`${repo} is not an S3 location`, "use s3://bucket/prefix", "USAGE");
  // Loaded only for S3 repositories: compiling the SDK would cost every local run ~100 ms at start.
  const { s3Backend } = await import("./cloud-access.ts");
  return s3Backend(match[1] as string, match[2] ?? "");
}

/**
 * S3 repositories: the tenant's KMS key (--kms-key or GOVDR_KMS_KEY) wraps the master key under the
 * tenant's encryption context. Local ones: the key file's contents, or GOVDR_REPO_KEY; a secret is
 * never a command-line argument.
 */
export async function keyWrapperFor(flags: RepositoryFlags): Promise<KeyWrapper> {
  const kmsKey = flags.kmsKey ?? process.env[kmsKeyVariable];
  if (flags.repo.startsWith("s3://") || kmsKey) {
    const tenant = flags.tenant ?? process.env[tenantVariable];
    if (!kmsKey || !tenant) {
      throw new CliError(
        "An S3 repository is opened with the tenant's KMS key",
        `pass --kms-key <key id or alias> and --tenant <tenant id> (or set ${kmsKeyVariable} and ${tenantVariable})`,
        "AGENT_REPOSITORY",
      );
    }
    const { kmsWrapper } = await import("./cloud-access.ts");
    return kmsWrapper(kmsKey, tenant);
  }
  const secret = flags.keyFile ? await readKeyFile(flags.keyFile) : process.env[repoKeyVariable];
  if (!secret) {
    throw new CliError(
      "No repository key",
      `pass --key-file <file> (\`govdr key generate <file>\` makes one) or set ${repoKeyVariable}`,
      "AGENT_REPOSITORY",
    );
  }
  return localKeyWrapper(secret);
}

async function readKeyFile(file: string): Promise<string> {
  try {
    return (await readFile(file, "utf8")).trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new CliError(
      `Cannot read the key file ${file} (${code})`,
      `pass --key-file <file> or set ${repoKeyVariable} (at least 16 characters)`,
      "AGENT_REPOSITORY",
    );
  }
}

/** Object Lock retention for what this run writes: --retain-days, by default 180 days on S3. */
export function retentionFor(flags: RepositoryFlags, now = new Date()): Date | undefined {
  const days = flags.retainDays ?? (flags.repo.startsWith("s3://") ? "180" : undefined);
  if (days === undefined) return undefined;
  if (!/^\d{1,5}$/.test(days) || Number(days) < 1) {
    throw new CliError(`--retain-days ${days} is not a number of days`, "e.g. --retain-days 180", "USAGE");
  }
  return new Date(now.getTime() + Number(days) * 86_400_000);
}

/** Opens the repository, or creates it when `create` names a suite and the location holds none. */
export async function openRepository(
  flags: RepositoryFlags,
  settings: RepositoryOptions & { create?: SuiteName } = {},
): Promise<{ repository: Repository; created: boolean }> {
  const backend = await backendFor(flags.repo);
  const wrapper = await keyWrapperFor(flags);
  const options = { ...settings, retainUntil: settings.retainUntil ?? retentionFor(flags) };
  try {
    const repository = await Repository.open(backend, wrapper, options);
    for (const { name, damage } of repository.damagedIndexes) {
      warn(
        `${name} is damaged (${damage}); its packs were read directly, nothing is lost (\`govdr verify\` reports it)`,
      );
    }
    return { repository, created: false };
  } catch (error) {
    if (!(error instanceof NoRepositoryError) || !options.create) throw error;
    await Repository.init(backend, wrapper, { suite: options.create }, options);
    return { repository: await Repository.open(backend, wrapper, options), created: true };
  }
}
