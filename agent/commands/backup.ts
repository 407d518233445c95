import type { Command } from "commander";
import { Option } from "commander";
import type { BackupSource } from "../../shared/vault/backup.ts";
import { backupTypes } from "../../shared/vault/snapshot.ts";
import type { SuiteName } from "../../shared/vault/suites.ts";
import { CliError } from "../errors.ts";
import { controlPlaneOptions, repoOptions, suiteOption, workersOption } from "../options.ts";
import { runBackup } from "../run-backup.ts";
import { ControlPlane, type ControlPlaneFlags } from "../vault/control-plane.ts";
import type { RepositoryFlags } from "../vault/repository-access.ts";

export function registerBackupCommand(program: Command): void {
  controlPlaneOptions(
    repoOptions(
      program
        .command("backup")
        .description(
          "back up files, directories or stdin into a new snapshot (creates the repository if needed)",
        )
        .argument("[paths...]", "files and directories")
        .addOption(
          new Option("--type <type>", "backup type").choices([...backupTypes]).default("incremental"),
        )
        .option(
          "--exclude <glob...>",
          "skip paths matching these globs (snapshot paths, e.g. 'src/**/*.tmp')",
        )
        .option("--stdin", "back up standard input (e.g. a database dump)")
        .option("--stdin-filename <name>", "name of the stdin file in the snapshot", "stdin")
        .addOption(suiteOption())
        .addOption(workersOption()),
    ),
  ).action(
    async (
      paths: string[],
      options: RepositoryFlags &
        ControlPlaneFlags & {
          type: (typeof backupTypes)[number];
          exclude?: string[];
          stdin?: boolean;
          stdinFilename: string;
          suite: SuiteName;
          workers?: number;
        },
    ) => {
      const sources: BackupSource[] = paths.map((p) => ({ kind: "path", path: p }));
      if (options.stdin) sources.push({ kind: "stream", name: options.stdinFilename, stream: process.stdin });
      if (sources.length === 0)
        throw new CliError("Nothing to back up", "name paths, or pass --stdin", "USAGE");
      await runBackup(options, {
        sources,
        type: options.type,
        excludes: options.exclude,
        suite: options.suite,
        workers: options.workers,
        signIn: () => ControlPlane.connect(options),
      });
    },
  );
}
