import type { BackupJob } from "../backups/backup-job.ts";
import { emptyProgress } from "../backups/backup-job.ts";
import { abandonExpiredJob, backupSlotMs } from "../backups/backup-service.ts";
import { failBackup, runBackupSlice } from "../backups/backup-steps.ts";
import { serverSourceLabel } from "../backups/server-sources.ts";
import { DependencyUnavailableError, GovdrError, MisconfigurationError } from "../errors.ts";
import { ResyncFailedError } from "../routing/errors.ts";
import type { RouteTarget } from "../routing/route.ts";
import { newId } from "../stores/ids.ts";
import { loadSnapshot } from "../vault/snapshot.ts";
import { dataLocationUrl, describeRestore, restoreDataLocation } from "./data-restore.ts";
import type { DataLocation } from "./restore-recovery.ts";
import { asRetryable } from "./retryable.ts";
import { type SwitchSystem, systemsOf, withSystem } from "./switchover.ts";
import {
  type memberOf,
  mutate,
  recordStep,
  type SwitchKey,
  type SwitchoverStepDeps,
} from "./switchover-context.ts";
import { changeRoute } from "./switchover-steps.ts";

type ResyncState = NonNullable<SwitchSystem["resync"]>;

/**
 * The DR data location must be the one the failover restored into: a policy changed since then
 * names another place, and restoring that into the primary would replace its data with the wrong one.
 */
async function checkRestoredInto(
  deps: SwitchoverStepDeps,
  key: SwitchKey,
  failoverId: string | undefined,
  systemId: string,
  dr: DataLocation,
) {
  if (!failoverId) return;
  const failover = await deps.switchovers.get(key.tenantId, failoverId);
  const restored = failover && systemsOf(failover).find((m) => m.systemId === systemId)?.restored;
  if (restored?.into === dataLocationUrl(dr)) return;
  throw new ResyncFailedError(
    `Failover ${failoverId} restored ${systemId} into ${restored?.into ?? "no data location (it promoted the DR site)"}, but the policy now names ${dataLocationUrl(dr)}; set failover.drData back, or fail back by the unit's own resync`,
  );
}

/** What a resync's restore is given of an invocation before it must begin in the next one. */
const restoreNeedsMs = 5 * 60_000;
/** How long a resync waits for another backup of the system to give its slot back. */
const slotWaitMs = 2 * 3_600_000;
/** How long a resync may run in all, as a backup's state machine does (23 h). */
const resyncLimitMs = 23 * 3_600_000;
type Member = Awaited<ReturnType<typeof memberOf>>;

async function saveResync(
  deps: SwitchoverStepDeps,
  key: SwitchKey,
  systemId: string,
  state: ResyncState,
): Promise<ResyncState> {
  await mutate(deps, key, (s) => withSystem(s, systemId, (m) => ({ ...m, resync: state })));
  return state;
}

/**
 * The platform's resync of a system recovered by restore (D-51), one step further each call:
 * 1. fence the DR site, so it takes no writes the resync would miss (it serves again if the
 *    failback stops before its switch: finish.ts);
 * 2. back up the primary's data as it stands, so nothing it alone held is lost;
 * 3. back up the DR site's data into the primary vault (the copy back across regions);
 * 4. restore that snapshot into the primary's data location, checked file by file.
 * Backups run one slice at a time until `deadline`; `done: false` means call again.
 */
export async function platformResync(
  deps: SwitchoverStepDeps,
  key: SwitchKey,
  member: SwitchSystem,
  context: Member & { target: RouteTarget; failoverId?: string },
  locations: { primary: DataLocation; dr: DataLocation },
  deadline: Date,
): Promise<{ done: false } | { done: true; detail: string }> {
  const systemId = member.systemId;
  let state: ResyncState = member.resync ?? {};
  if (state.restoredAt && state.snapshotId) {
    // A retry after the restore: the primary holds the DR side's data; it is not emptied again.
    return {
      done: true,
      detail: `snapshot ${state.snapshotId} restored into ${dataLocationUrl(locations.primary)}`,
    };
  }
  if (!state.fencedAt) await checkRestoredInto(deps, key, context.failoverId, systemId, locations.dr);
  if (state.fencedAt && deps.now().getTime() - Date.parse(state.fencedAt) > resyncLimitMs) {
    throw new ResyncFailedError(
      `The resync of ${systemId} has run for ${resyncLimitMs / 3_600_000} h without ending; the DR site serves on once the failback ends`,
    );
  }
  if (!state.fencedAt) {
    const fenced = await deps.adapterFor(context.policy, key.tenantId).act(context.target, "fence", "dr");
    await changeRoute(deps, { ...key, systemId }, context.policy.adapter, (route) => ({
      ...route,
      fencedSite: "dr",
    }));
    state = await saveResync(deps, key, systemId, { ...state, fencedAt: deps.now().toISOString() });
    await recordStep(deps, { ...key, kind: "failback" }, "resync-fence", {
      systemId,
      detail: `the DR site takes no writes until the switch back: ${fenced.detail}`,
    });
  }
  const backup = (slot: "primaryJobId" | "drJobId", source: DataLocation) =>
    resyncBackup(deps, key, context, { state, slot, source, deadline }).then((outcome) => {
      state = outcome.state;
      return outcome.job;
    });
  const kept = await backup("primaryJobId", locations.primary);
  if (!kept) return { done: false };
  const fromDr = await backup("drJobId", locations.dr);
  if (!fromDr?.manifest || !fromDr.snapshotId) return { done: false };
  if (fromDr.progress.files === 0 && kept.progress.files > 0) {
    throw new ResyncFailedError(
      `${dataLocationUrl(locations.dr)} holds nothing: restoring it would empty ${dataLocationUrl(locations.primary)} (${kept.progress.files} files, kept as snapshot ${kept.snapshotId}); check failover.drData`,
    );
  }
  // A restore takes its own invocation unless this one has the time left for it.
  if (deadline.getTime() - deps.now().getTime() < restoreNeedsMs) return { done: false };

  const tenant = await deps.recoveryData.backups.tenants.get(key.tenantId);
  if (!tenant) throw new MisconfigurationError(`No tenant ${key.tenantId}`);
  const repository = await deps.recoveryData.backups.vault.open(tenant, {
    suite: context.drPolicy.crypto.suite,
    retainUntil: new Date(deps.now().getTime() + context.drPolicy.retention.days * 86_400_000),
  });
  const restore = await restoreDataLocation(
    repository,
    await loadSnapshot(repository, fromDr.manifest),
    locations.dr,
    {
      location: locations.primary,
      objects: deps.recoveryData.locations.at(key.tenantId, locations.primary, "primary"),
    },
  );
  await saveResync(deps, key, systemId, {
    ...state,
    snapshotId: fromDr.snapshotId,
    restoredAt: deps.now().toISOString(),
  });
  return {
    done: true,
    detail: `the primary's data as it stood kept as snapshot ${kept.snapshotId} (backup ${kept.jobId}); the DR site's data backed up as snapshot ${fromDr.snapshotId} (backup ${fromDr.jobId}); ${describeRestore(restore, fromDr.snapshotId, locations.primary)}`,
  };
}

/**
 * One of the resync's backups, as far as it goes before `deadline`: started on the first call (it
 * waits while another backup of the system runs), a slice per call, its snapshot in the catalogue
 * like any. A backup that fails ends as failed and the resync with it; the state machine's retry
 * starts a new one.
 */
async function resyncBackup(
  deps: SwitchoverStepDeps,
  key: SwitchKey,
  context: Member,
  request: {
    state: ResyncState;
    slot: "primaryJobId" | "drJobId";
    source: DataLocation;
    deadline: Date;
  },
): Promise<{ state: ResyncState; job?: BackupJob }> {
  const { backups } = deps.recoveryData;
  const systemId = context.system.systemId;
  let state = request.state;
  let jobId = state[request.slot];
  if (!jobId) {
    jobId = newId("b");
    state = await saveResync(deps, key, systemId, { ...state, [request.slot]: jobId });
  }
  let job = await backups.jobs.get(key.tenantId, systemId, jobId);
  if (!job) {
    job = resyncJob(deps, key, context, jobId, request.source);
    try {
      const { expired } = await backups.jobs.start(job, new Date(deps.now().getTime() + backupSlotMs));
      if (expired) await abandonExpiredJob(backups, key.tenantId, systemId, expired);
      if (state.waitingSince)
        state = await saveResync(deps, key, systemId, { ...state, waitingSince: undefined });
    } catch (error) {
      if (!(error instanceof GovdrError && error.code === "BACKUP_RUNNING")) throw error;
      // Another backup of the system holds its slot: the resync waits for it to end, for a while.
      const waitingSince = state.waitingSince ?? deps.now().toISOString();
      if (deps.now().getTime() - Date.parse(waitingSince) > slotWaitMs) {
        throw new ResyncFailedError(
          `Another backup of ${systemId} has held its slot for ${slotWaitMs / 3_600_000} h (${error.message}); fail back again once it ends`,
        );
      }
      if (!state.waitingSince) state = await saveResync(deps, key, systemId, { ...state, waitingSince });
      return { state };
    }
  }
  const jobKey = { tenantId: key.tenantId, systemId, jobId };
  if (job.status === "running") {
    try {
      const { done } = await runBackupSlice(backups, jobKey, request.deadline);
      if (!done) return { state };
    } catch (error) {
      // Throttled or unreachable: the state machine retries the slice from its checkpoint.
      const retryable = asRetryable(error);
      if (retryable instanceof DependencyUnavailableError) throw retryable;
      await failBackup({ ...backups, notifier: deps.notifier }, jobKey, {
        Error: error instanceof GovdrError ? error.code : (error as Error).name,
        Cause: (error as Error).message,
      });
    }
    job = await backups.jobs.get(key.tenantId, systemId, jobId);
  }
  if (job?.status !== "completed") {
    await saveResync(deps, key, systemId, { ...state, [request.slot]: undefined });
    throw new ResyncFailedError(
      `The resync's backup ${jobId} of ${serverSourceLabel(request.source)} failed: ${job?.error?.message ?? "it did not complete"}`,
    );
  }
  return { state, job };
}

function resyncJob(
  deps: SwitchoverStepDeps,
  key: SwitchKey,
  context: Member,
  jobId: string,
  source: DataLocation,
): BackupJob {
  const now = deps.now();
  return {
    tenantId: key.tenantId,
    systemId: context.system.systemId,
    jobId,
    trigger: "failback",
    requestedBy: `govdr-failback:${key.switchId}`,
    status: "running",
    policyVersion: context.policyVersion,
    type: "incremental",
    sources: [source],
    repository: deps.recoveryData.repositoryOf(key.tenantId),
    startedAt: now.toISOString(),
    progress: emptyProgress(now),
    warnings: [],
    version: 1,
  };
}
