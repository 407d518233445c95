import type { Command } from "commander";
import { restoreToDirectory, restoreToStream } from "../../shared/vault/restore.ts";
import { findSnapshot } from "../../shared/vault/snapshot.ts";
import { WorkerPool } from "../../shared/vault/workers/pool.ts";
import { describeRefusal } from "../../shared/vault/xattrs.ts";
import { CliError } from "../errors.ts";
import { repoOptions, workersOption } from "../options.ts";
import { out } from "../output.ts";
import { formatBytes, ProgressLine } from "../vault/progress.ts";
import { openRepository, type RepositoryFlags } from "../vault/repository-access.ts";

function parseTime(value: string): Date {
  const time = new Date(value);
  if (Number.isNaN(time.getTime()))
    throw new CliError(`--at ${value} is not an ISO time`, "e.g. 2026-11-21T08:00:00+08:00", "USAGE");
  return time;
}

export function registerRestoreCommand(program: Command): void {
  repoOptions(
    program
      .command("restore")
      .description("restore a snapshot (or the latest at a time) to a directory or stdout")
      .argument("<snapshot>", "snapshot id (or prefix), or `latest`")
      .option("--target <dir>", "directory to restore into")
      .option("--at <time>", "the latest snapshot at or before this ISO time")
      .option("--path <path>", "only this path of the snapshot (e.g. source/docs)")
      .option("--stdout", "write the file named by --path to standard output")
      .option("--overwrite", "replace files that already exist in the target")
      .option("--no-owners", "as root: leave restored files owned by root, not by their recorded owners")
      .option("--no-xattrs", "leave out the recorded extended attributes and ACLs")
      .addOption(workersOption()),
  ).action(
    async (
      which: string,
      options: RepositoryFlags & {
        target?: string;
        at?: string;
        path?: string;
        stdout?: boolean;
        overwrite?: boolean;
        owners: boolean;
        xattrs: boolean;
        workers?: number;
      },
    ) => {
      if (!options.target && !options.stdout)
        throw new CliError("Where to?", "pass --target <dir> or --stdout --path <file>", "USAGE");
      const pool = options.stdout ? undefined : new WorkerPool(options.workers);
      const { repository } = await openRepository(options);
      const snapshot = await findSnapshot(repository, which, options.at ? parseTime(options.at) : undefined);
      if (options.stdout) {
        if (!options.path) throw new CliError("--stdout needs --path <file>", undefined, "USAGE");
        await restoreToStream(repository, snapshot, options.path, process.stdout);
        return;
      }
      const progress = new ProgressLine("restore", snapshot.stats.bytes);
      const result = await restoreToDirectory(repository, snapshot, options.target as string, {
        subPath: options.path,
        overwrite: options.overwrite,
        // Without --no-owners: the default (recorded owners when running as root).
        owners: options.owners ? undefined : false,
        xattrs: options.xattrs,
        pool,
        onProgress: (p) => progress.update(p.bytes, p.files),
      });
      progress.done();
      out(
        `restored snapshot ${snapshot.id} (${snapshot.time}): ${result.files} files, ${formatBytes(result.bytes)} into ${options.target}`,
      );
      for (const refused of result.xattrsRefused)
        process.stderr.write(`govdr: ${describeRefusal(refused.path, refused)}\n`);
      if (result.damaged.length > 0) {
        for (const { path, reason } of result.damaged)
          process.stderr.write(`govdr: not restored: ${path}: ${reason}\n`);
        throw new CliError(
          `integrity check failed: ${result.damaged.length} files could not be restored (their data in the repository is missing or damaged); every other file was`,
          "run `govdr verify --read-data` to see what else is affected",
          "AGENT_INTEGRITY",
        );
      }
      // Like a refused owner (D-29): a file without its ACL may be open to more than it was (D-55).
      if (result.xattrsRefused.length > 0) {
        throw new CliError(
          `${result.xattrsRefused.length} entries were restored without some of their extended attributes or ACLs (the target refused them); everything else was restored`,
          "restore to a file system that keeps them (ext4, XFS, Btrfs, tmpfs), or pass --no-xattrs",
          "AGENT_INPUT",
        );
      }
    },
  );
}
