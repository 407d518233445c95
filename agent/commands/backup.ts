import type { Command } from "commander";
import { Option } from "commander";
import { type BackupSource, backup, backupWorkers } from "../../shared/vault/backup.ts";
import { backupTypes } from "../../shared/vault/snapshot.ts";
import { sourceSize } from "../../shared/vault/source-size.ts";
import type { SuiteName } from "../../shared/vault/suites.ts";
import { CliError } from "../errors.ts";
import { controlPlaneOptions, repoOptions, suiteOption, workersOption } from "../options.ts";
import { out } from "../output.ts";
import { recordSnapshot } from "../record-snapshot.ts";
import { ControlPlane, type ControlPlaneFlags } from "../vault/control-plane.ts";
import { formatBytes, ProgressLine } from "../vault/progress.ts";
import { openRepository, type RepositoryFlags } from "../vault/repository-access.ts";
import { warn } from "../warn.ts";

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
      // The worker threads start while the repository key is unwrapped (scrypt or KMS).
      const pool = backupWorkers(options.workers);
      const plane = await ControlPlane.connect(options);
      const { repository, created } = await openRepository(options, { create: options.suite });
      if (created) out(`created repository ${repository.config.id} at ${repository.backend.location}`);
      repository.useSuite(options.suite);
      const progress = new ProgressLine("backup");
      // The ETA needs the total: scanned alongside the backup, and only when a person watches.
      // A scan that fails costs only the ETA; the backup reports unreadable sources itself.
      if (progress.shown) {
        void sourceSize(sources, options.exclude).then(
          (total) => progress.setTotal(total),
          () => undefined,
        );
      }
      const snapshot = await backup(repository, sources, {
        type: options.type,
        excludes: options.exclude,
        pool,
        onProgress: (p) => progress.update(p.bytes, p.files),
        onWarning: warn,
      });
      progress.done();
      const { stats } = snapshot;
      out(
        `snapshot ${snapshot.id} (${snapshot.type}${snapshot.parent ? `, parent ${snapshot.parent}` : ""}) saved at ${snapshot.time}`,
      );
      out(
        `${stats.files} files, ${stats.dirs} directories, ${formatBytes(stats.bytes)}; read ${formatBytes(stats.readBytes)}, added ${formatBytes(stats.newBytes)} in ${stats.newBlobs} new chunks`,
      );
      if (stats.vanished) {
        out(
          `${stats.vanished} files vanished (or stopped being regular files) before they were read: left out`,
        );
      }
      if (plane) await recordSnapshot(plane, snapshot, repository);
    },
  );
}
