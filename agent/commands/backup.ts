import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { Option } from "commander";
import { NotFoundInRepositoryError, RepositoryAccessError } from "../../shared/vault/backend.ts";
import { type BackupSource, BackupSourceError, backup, backupWorkers } from "../../shared/vault/backup.ts";
import { generateRepositoryKey, WrongKeyError } from "../../shared/vault/key-wrapper.ts";
import {
  NoRepositoryError,
  Repository,
  RepositoryDamagedError,
  RepositoryExistsError,
} from "../../shared/vault/repository.ts";
import { RestoreTargetError, restoreToDirectory, restoreToStream } from "../../shared/vault/restore.ts";
import {
  backupTypes,
  findSnapshot,
  ManifestIntegrityError,
  NoSuchSnapshotError,
  readSnapshots,
  type Snapshot,
} from "../../shared/vault/snapshot.ts";
import { sourceSize } from "../../shared/vault/source-size.ts";
import { BlobIntegrityError, type SuiteName, suiteNames } from "../../shared/vault/suites.ts";
import { readTree } from "../../shared/vault/tree.ts";
import { verifyRepository } from "../../shared/vault/verify.ts";
import { RestoreOwnerError } from "../../shared/vault/workers/owner.ts";
import { WorkerPool } from "../../shared/vault/workers/pool.ts";
import { CliError } from "../errors.ts";
import { warn } from "../log.ts";
import {
  agentKeyVariable,
  apiVariable,
  ControlPlane,
  type ControlPlaneFlags,
  systemVariable,
} from "../vault/control-plane.ts";
import { exitCodes } from "../vault/exit-codes.ts";
import { formatBytes, ProgressLine } from "../vault/progress.ts";
import {
  backendFor,
  keyWrapperFor,
  kmsKeyVariable,
  openRepository,
  type RepositoryFlags,
  repoKeyVariable,
  retentionFor,
  tenantVariable,
} from "../vault/repository-access.ts";

const out = (line: string) => process.stdout.write(`${line}\n`);

/** Vault errors become one clear line and a documented exit code (docs/agent.md). */
async function vaultAction(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (error instanceof WrongKeyError) {
      const hint = `check --key-file or ${repoKeyVariable} (local), or --kms-key and --tenant (S3)`;
      throw new CliError(error.message, hint, exitCodes.repository);
    }
    if (error instanceof NoRepositoryError || error instanceof RepositoryExistsError) {
      throw new CliError(error.message, undefined, exitCodes.repository);
    }
    if (error instanceof RepositoryAccessError) {
      throw new CliError(
        error.message,
        "check --repo, and the AWS credentials, region and endpoint (AWS_* variables)",
        exitCodes.repository,
      );
    }
    if (error instanceof RepositoryDamagedError) {
      throw new CliError(
        error.message,
        "restore the file from a copy of the repository; govdr never rewrites it",
        exitCodes.integrity,
      );
    }
    if (
      error instanceof BlobIntegrityError ||
      error instanceof ManifestIntegrityError ||
      error instanceof NotFoundInRepositoryError
    ) {
      throw new CliError(
        `integrity check failed: ${error.message}`,
        "run `govdr verify --read-data` to see what is affected",
        exitCodes.integrity,
      );
    }
    if (error instanceof RestoreOwnerError) {
      throw new CliError(
        error.message,
        "restore as root to a file system that keeps owners, or pass --no-owners",
        exitCodes.input,
      );
    }
    if (
      error instanceof BackupSourceError ||
      error instanceof RestoreTargetError ||
      error instanceof NoSuchSnapshotError
    ) {
      throw new CliError(error.message, undefined, exitCodes.input);
    }
    throw error;
  }
}

/** A generated key in a new file, mode 0600; without it (or a copy) the repository cannot be opened. */
async function writeKeyFile(file: string): Promise<void> {
  try {
    await writeFile(file, `${generateRepositoryKey()}\n`, { flag: "wx", mode: 0o600 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    const why = code === "EEXIST" ? "it exists (a key is never overwritten)" : code;
    throw new CliError(`Cannot write the key file ${file}: ${why}`, undefined, exitCodes.input);
  }
  out(
    `wrote a new repository key to ${file}; keep a copy somewhere safe: without it, a repository made with it cannot be opened`,
  );
}

const repoOptions = (command: Command) =>
  command
    .requiredOption("--repo <location>", "repository: a local directory, or s3://bucket/prefix")
    .option("--key-file <file>", `local repositories: file holding the secret (else ${repoKeyVariable})`)
    .option("--kms-key <id>", `S3 repositories: the tenant's KMS key id or alias (else ${kmsKeyVariable})`)
    .option("--tenant <id>", `S3 repositories: the tenant the key belongs to (else ${tenantVariable})`)
    .option("--retain-days <days>", "Object Lock retention of what this run writes (S3 default: 180)");

const controlPlaneOptions = (command: Command) =>
  command
    .option("--api <url>", `control-plane API that records the snapshot (else ${apiVariable}; none: offline)`)
    .option("--system <id>", `the protected system, checked against the agent key (else ${systemVariable})`)
    .option("--agent-key-file <file>", `file holding the system's agent key (else ${agentKeyVariable})`);

/** Records a snapshot already safe in the vault; a failure says how to record it later. */
async function recordSnapshot(plane: ControlPlane, snapshot: Snapshot, repository: Repository) {
  try {
    const outcome = await plane.register(snapshot, repository);
    out(`${outcome} in the control plane for system ${plane.systemId}`);
  } catch (error) {
    if (error instanceof CliError) {
      throw new CliError(
        `snapshot ${snapshot.id} is saved in the vault but not recorded: ${error.message}`,
        `record it later with \`govdr register ${snapshot.id} --repo ${repository.backend.location}\``,
        error.exitCode,
      );
    }
    throw error;
  }
}

const workersOption = () =>
  new Option(
    "--workers <n>",
    "worker threads (default: one per core; fewer leave CPU to the server's own work)",
  ).argParser((value: string) => {
    if (!/^\d{1,3}$/.test(value) || Number(value) < 1) {
      throw new CliError(
        `--workers ${value} is not a number of threads`,
        "e.g. --workers 1",
        exitCodes.usage,
      );
    }
    return Number(value);
  });

const suiteOption = () =>
  new Option("--suite <suite>", "crypto suite").choices([...suiteNames]).default("aes-256-gcm");

function parseTime(value: string): Date {
  const time = new Date(value);
  if (Number.isNaN(time.getTime()))
    throw new CliError(`--at ${value} is not an ISO time`, "e.g. 2026-11-21T08:00:00+08:00", exitCodes.usage);
  return time;
}

export function registerVaultCommands(program: Command): void {
  program
    .command("key")
    .description("repository keys for local repositories")
    .command("generate")
    .description("write a new 256-bit repository key to a file (readable by its owner only)")
    .argument("<file>", "where to write it; an existing file is never replaced")
    .action((file: string) => writeKeyFile(file));

  repoOptions(program.command("init").description("create a repository").addOption(suiteOption())).action(
    (options: RepositoryFlags & { suite: SuiteName }) =>
      vaultAction(async () => {
        const repository = await Repository.init(
          await backendFor(options.repo),
          await keyWrapperFor(options),
          { suite: options.suite },
          { retainUntil: retentionFor(options) },
        );
        out(
          `created repository ${repository.config.id} at ${repository.backend.location} (${options.suite})`,
        );
      }),
  );

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
    (
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
    ) =>
      vaultAction(async () => {
        const sources: BackupSource[] = paths.map((p) => ({ kind: "path", path: p }));
        if (options.stdin)
          sources.push({ kind: "stream", name: options.stdinFilename, stream: process.stdin });
        if (sources.length === 0)
          throw new CliError("Nothing to back up", "name paths, or pass --stdin", exitCodes.usage);
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
      }),
  );

  controlPlaneOptions(
    repoOptions(
      program
        .command("register")
        .description("record a snapshot of the repository in the control plane (e.g. after exit code 6)")
        .argument("<snapshot>", "snapshot id (or prefix), or `latest`"),
    ),
  ).action((which: string, options: RepositoryFlags & ControlPlaneFlags) =>
    vaultAction(async () => {
      const plane = await ControlPlane.connect(options);
      if (!plane)
        throw new CliError(
          "Where is the control plane?",
          `pass --api <url> or set ${apiVariable}`,
          exitCodes.usage,
        );
      const { repository } = await openRepository(options);
      await recordSnapshot(plane, await findSnapshot(repository, which), repository);
    }),
  );

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
      .addOption(workersOption()),
  ).action(
    (
      which: string,
      options: RepositoryFlags & {
        target?: string;
        at?: string;
        path?: string;
        stdout?: boolean;
        overwrite?: boolean;
        owners: boolean;
        workers?: number;
      },
    ) =>
      vaultAction(async () => {
        if (!options.target && !options.stdout)
          throw new CliError("Where to?", "pass --target <dir> or --stdout --path <file>", exitCodes.usage);
        const pool = options.stdout ? undefined : new WorkerPool(options.workers);
        const { repository } = await openRepository(options);
        const snapshot = await findSnapshot(
          repository,
          which,
          options.at ? parseTime(options.at) : undefined,
        );
        if (options.stdout) {
          if (!options.path) throw new CliError("--stdout needs --path <file>", undefined, exitCodes.usage);
          await restoreToStream(repository, snapshot, options.path, process.stdout);
          return;
        }
        const progress = new ProgressLine("restore", snapshot.stats.bytes);
        const result = await restoreToDirectory(repository, snapshot, options.target as string, {
          subPath: options.path,
          overwrite: options.overwrite,
          // Without --no-owners: the default (recorded owners when running as root).
          owners: options.owners ? undefined : false,
          pool,
          onProgress: (p) => progress.update(p.bytes, p.files),
        });
        progress.done();
        out(
          `restored snapshot ${snapshot.id} (${snapshot.time}): ${result.files} files, ${formatBytes(result.bytes)} into ${options.target}`,
        );
        if (result.damaged.length > 0) {
          for (const { path, reason } of result.damaged)
            process.stderr.write(`govdr: not restored: ${path}: ${reason}\n`);
          throw new CliError(
            `integrity check failed: ${result.damaged.length} files could not be restored (their data in the repository is missing or damaged); every other file was`,
            "run `govdr verify --read-data` to see what else is affected",
            exitCodes.integrity,
          );
        }
      }),
  );

  repoOptions(
    program.command("snapshots").description("list snapshots").option("--json", "machine-readable output"),
  ).action((options: RepositoryFlags & { json?: boolean }) =>
    vaultAction(async () => {
      const { repository } = await openRepository(options);
      const records = await readSnapshots(repository);
      const snapshots = records.flatMap((r) => (r.snapshot ? [r.snapshot] : []));
      for (const { name, damage } of records.filter((r) => r.damage)) {
        warn(`${name} is damaged (${damage}); \`govdr verify\` tells what it affects`);
        process.exitCode = exitCodes.integrity;
      }
      if (options.json) {
        out(JSON.stringify(snapshots, null, 2));
        return;
      }
      for (const s of snapshots) {
        out(
          `${s.id}  ${s.time}  ${s.type.padEnd(12)}  ${formatBytes(s.stats.bytes).padStart(10)}  ${s.suite}  ${s.sources.join(" ")}`,
        );
      }
    }),
  );

  repoOptions(
    program
      .command("verify")
      .description("check the repository; --read-data reads every pack back")
      .option("--read-data", "authenticate every chunk, not just the structure")
      .option("--json", "machine-readable output"),
  ).action((options: RepositoryFlags & { readData?: boolean; json?: boolean }) =>
    vaultAction(async () => {
      const { repository } = await openRepository(options);
      const report = await verifyRepository(repository, options.readData ? "read-data" : "structure");
      if (options.json) out(JSON.stringify(report, null, 2));
      else {
        out(
          `${report.mode}: ${report.snapshots} snapshots, ${report.packs} packs, ${report.blobs} chunks — ${report.ok ? "no problems" : `${report.problems.length} problems`}`,
        );
        for (const p of report.problems) {
          out(`${p.kind} ${p.object}: ${p.detail}`);
          for (const f of p.files) out(`  affects ${f.snapshot} ${f.path}`);
        }
      }
      if (!report.ok) process.exitCode = exitCodes.integrity;
    }),
  );

  repoOptions(
    program
      .command("diff")
      .description("what changed between two snapshots")
      .argument("<from>", "snapshot id or prefix")
      .argument("<to>", "snapshot id, prefix or `latest`"),
  ).action((from: string, to: string, options: RepositoryFlags) =>
    vaultAction(async () => {
      const { repository } = await openRepository(options);
      const entries = async (which: string) => {
        const map = new Map<string, string>();
        for await (const e of readTree(repository, (await findSnapshot(repository, which)).tree)) {
          map.set(e.path, JSON.stringify([e.type, e.mode, e.uid, e.gid, e.size, e.target, e.chunks]));
        }
        return map;
      };
      const [before, after] = [await entries(from), await entries(to)];
      for (const [p, v] of after)
        if (!before.has(p)) out(`+ ${p}`);
        else if (before.get(p) !== v) out(`M ${p}`);
      for (const p of before.keys()) if (!after.has(p)) out(`- ${p}`);
    }),
  );
}
