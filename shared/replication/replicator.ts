import { errorClass } from "../errors.ts";
import { secondsUntilWindowOpens, type UnitTransport } from "./transport.ts";

/** One new object version in the primary vault. */
export interface VaultVersion {
  key: string;
  versionId: string;
  /** Put back by the replicator for a transfer window: it is its own to copy, whatever comes. */
  deferred?: boolean;
}

export interface ObjectLock {
  mode: "COMPLIANCE" | "GOVERNANCE";
  retainUntil: Date;
}

/** The primary vault's version, as the replicator needs it. */
export interface SourceVersion {
  lastModified: Date;
  /** S3 replication's progress on it: absent when no replication rule covers it. */
  replicationStatus?: "PENDING" | "COMPLETED" | "FAILED" | "REPLICA";
  lock?: ObjectLock;
  contentType?: string;
}

/** The DR vault's current version of a key, stamped by the replicator with what it copied. */
export interface DrCopy {
  versionId: string;
  sourceVersionId?: string;
  sourceLastModified?: Date;
  lock?: ObjectLock;
}

export interface ReplicaVaults {
  /** undefined when the version is not in the primary vault. */
  source(version: VaultVersion): Promise<SourceVersion | undefined>;
  drCopy(key: string): Promise<DrCopy | undefined>;
  /** Copies the version into the DR vault with its lock and stamps it; answers the new version's id. */
  copy(version: VaultVersion, source: SourceVersion): Promise<string>;
  /** Sets a DR version's retention (only ever lengthened: COMPLIANCE refuses shortening). */
  lock(key: string, drVersionId: string, lock: ObjectLock): Promise<void>;
  /** Whether S3 replication was meant to carry the key (see meantForS3Replication). */
  meantForS3Replication(key: string): Promise<boolean>;
}

export interface ReplicatorDeps {
  vaults: ReplicaVaults;
  /** How the unit's repository replicates; undefined for a unit the platform does not know. */
  transportOf(tenantId: string): Promise<UnitTransport | undefined>;
  /** Puts the version back on the queue, to be seen again after `delaySeconds` (at most 900). */
  defer(version: VaultVersion, delaySeconds: number): Promise<void>;
  now: () => Date;
}

export type ReplicationOutcome =
  /** Copied to the DR vault now. */
  | "copied"
  /** Already there from an earlier delivery; its lock was made good if it had to be. */
  | "already-copied"
  /** A newer version of the key is in the DR vault: this one would hide it. */
  | "superseded"
  /** S3 replication has it (or is on it). */
  | "replicated-natively"
  /** A native unit's version: S3 replication's to carry (when it is stopped, the RPO shows it). */
  | "left-to-native"
  /** Outside the unit's transfer window: put back until it opens. */
  | "deferred";

/** The version is gone from the primary vault before it could be copied: an operator must look. */
export class ReplicationSourceMissingError extends errorClass("REPLICATION_SOURCE_MISSING") {}
/** The key is not a unit's vault object: nothing the replicator may copy. */
export class NotAVaultObjectError extends errorClass("NOT_A_VAULT_OBJECT") {}

/** Longest SQS delay for a message. */
export const maxDeferSeconds = 900;

const tenantOf = (key: string) => /^tenants\/([^/]+)\//.exec(key)?.[1];

/**
 * The lock a DR copy must have to be held at least as long and as firmly as its source; undefined
 * when it has that already. COMPLIANCE outranks GOVERNANCE, and a COMPLIANCE lock cannot be turned
 * into a GOVERNANCE one, so a copy under COMPLIANCE keeps its mode.
 */
function lockToSet(copy: ObjectLock | undefined, wanted: ObjectLock): ObjectLock | undefined {
  if (!copy) return wanted;
  const mode = copy.mode === "COMPLIANCE" ? "COMPLIANCE" : wanted.mode;
  const retainUntil =
    copy.retainUntil.getTime() >= wanted.retainUntil.getTime() ? copy.retainUntil : wanted.retainUntil;
  return mode === copy.mode && retainUntil === copy.retainUntil ? undefined : { mode, retainUntil };
}

/**
 * Copies one new version of the primary vault into the DR vault (DESIGN.md §Replication, managed
 * mode, D-42), with its Object Lock, once: a repeated delivery finds the stamped copy and only
 * makes its lock good. It copies a managed unit's versions, those S3 replication failed, and, so
 * that a unit moving between transports never drops one, a version it held for a transfer window
 * and one S3 was meant to carry but did not take (written before the unit's rule existed). A
 * native unit's other versions are S3's: when S3 replication is stopped, the RPO shows it. Only
 * the transfer window may hold a copy back.
 */
export async function replicateVersion(
  deps: ReplicatorDeps,
  version: VaultVersion,
): Promise<ReplicationOutcome> {
  const tenantId = tenantOf(version.key);
  if (!tenantId) throw new NotAVaultObjectError(`${version.key} is not under tenants/<tenantId>/`);
  const source = await deps.vaults.source(version);
  if (!source) {
    throw new ReplicationSourceMissingError(
      `Version ${version.versionId} of ${version.key} is not in the primary vault`,
    );
  }
  const status = source.replicationStatus;
  if (status === "COMPLETED" || status === "PENDING" || status === "REPLICA") return "replicated-natively";
  const plan = await deps.transportOf(tenantId);
  const managed = plan?.transport === "managed";
  const ours =
    managed ||
    status === "FAILED" ||
    version.deferred ||
    (await deps.vaults.meantForS3Replication(version.key));
  if (!ours) return "left-to-native";
  const wait = managed ? secondsUntilWindowOpens(plan?.windows, deps.now()) : 0;
  if (wait > 0) {
    await deps.defer(version, Math.min(wait, maxDeferSeconds));
    return "deferred";
  }
  const existing = await deps.vaults.drCopy(version.key);
  if (existing?.sourceVersionId === version.versionId) {
    const lock = source.lock && lockToSet(existing.lock, source.lock);
    if (lock) await deps.vaults.lock(version.key, existing.versionId, lock);
    return "already-copied";
  }
  if (existing?.sourceLastModified && existing.sourceLastModified.getTime() > source.lastModified.getTime()) {
    return "superseded";
  }
  const copied = await deps.vaults.copy(version, source);
  if (source.lock) {
    const copy = await deps.vaults.drCopy(version.key);
    const lock = lockToSet(copy?.versionId === copied ? copy.lock : undefined, source.lock);
    if (lock) await deps.vaults.lock(version.key, copied, lock);
  }
  return "copied";
}
