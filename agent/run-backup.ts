import { type BackupSource, backup, backupWorkers } from "../shared/vault/backup.ts";
import type { BackupType, Snapshot } from "../shared/vault/snapshot.ts";
import { sourceSize } from "../shared/vault/source-size.ts";
import type { SuiteName } from "../shared/vault/suites.ts";
import { out } from "./output.ts";
import { recordSnapshot } from "./record-snapshot.ts";
import type { ControlPlane } from "./vault/control-plane.ts";
import { formatBytes, ProgressLine } from "./vault/progress.ts";
import { openRepository, type RepositoryFlags } from "./vault/repository-access.ts";
import { warn } from "./warn.ts";

export interface BackupRun {
  sources: BackupSource[];
  type: BackupType;
  excludes?: string[];
  suite: SuiteName;
  workers?: number;
  /** Signs in to the control plane before anything is read (a wrong key fails at once); records the snapshot after. */
  signIn?: () => Promise<ControlPlane | undefined>;
}

/**
 * One backup as `govdr backup` and the installed agent's `agent run` make it: into the repository
 * (created on first use), with progress on a terminal, the result on stdout, recorded in the control
 * plane when signed in.
 */
export async function runBackup(flags: RepositoryFlags, run: BackupRun): Promise<Snapshot> {
  // The worker threads start while the repository key is unwrapped (scrypt or KMS).
  const pool = backupWorkers(run.workers);
  const plane = await run.signIn?.();
  const { repository, created } = await openRepository(flags, { create: run.suite });
  if (created) out(`created repository ${repository.config.id} at ${repository.backend.location}`);
  repository.useSuite(run.suite);
  const progress = new ProgressLine("backup");
  // The ETA needs the total: scanned alongside the backup, and only when a person watches.
  // A scan that fails costs only the ETA; the backup reports unreadable sources itself.
  if (progress.shown) {
    void sourceSize(run.sources, run.excludes).then(
      (total) => progress.setTotal(total),
      () => undefined,
    );
  }
  const snapshot = await backup(repository, run.sources, {
    type: run.type,
    excludes: run.excludes,
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
    out(`${stats.vanished} files vanished (or stopped being regular files) before they were read: left out`);
  }
  if (plane) await recordSnapshot(plane, snapshot, repository);
  return snapshot;
}
