/**
 * The backup agent's exit codes, documented in docs/agent.md; scripts and schedulers branch on them.
 */
export const agentExitCodes = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  /** No repository, the key does not open it, or the storage refuses the agent or cannot be reached. */
  repository: 3,
  /**
   * Damage: verify found some; a restore left out files whose data is missing or damaged, or met a
   * damaged listing or manifest; `snapshots` met a damaged manifest; the config or key file is damaged.
   */
  integrity: 4,
  /** A source cannot be read, a target would be overwritten (a restored file, a key file), or no such snapshot. */
  input: 5,
  /**
   * The control-plane API refused or could not be reached. After a backup this means the snapshot
   * is safe in the vault but not yet recorded: `govdr register <id>` records it.
   */
  controlPlane: 6,
} as const;
export type ExitReason = keyof typeof agentExitCodes;

interface ErrorEntry {
  /**
   * The error's `name`: the class that throws it, and what Step Functions Retry/Catch and alarms match
   * (statemachines/*.asl.json may name only these, or `States.*`).
   */
  name: string;
  /** The API's answer when a request meets it. */
  httpStatus: number;
  /** The agent's exit code when a command meets it. */
  exit: ExitReason;
  /** What the agent prints after the message: what to do next. */
  hint?: string;
  /** The agent's words before the message, for a family of errors people should read alike. */
  lead?: string;
}

/** A refusal of the control plane: the API answers it; the agent exits with `controlPlane`. */
const unauthenticated = { name: "UnauthenticatedError", httpStatus: 401, exit: "controlPlane" } as const;
const forbidden = { name: "ForbiddenError", httpStatus: 403, exit: "controlPlane" } as const;
const conflict = { name: "ConflictError", httpStatus: 409, exit: "controlPlane" } as const;
/** A failure of the platform's own: never the caller's fault, not retried by the agent. */
const internal = <Name extends string>(name: Name) =>
  ({ name, httpStatus: 500, exit: "unexpected" }) as const;
/** What the command line reports for itself, by the exit code it ends with. */
const cli = <Exit extends ExitReason>(httpStatus: number, exit: Exit) =>
  ({ name: "CliError", httpStatus, exit }) as const;

/** What the agent prints after the message for failures people can fix themselves. */
const hints = {
  key: "check --key-file or GOVDR_REPO_KEY (local), or --kms-key and --tenant (S3)",
  storage: "check --repo, and the AWS credentials, region and endpoint (AWS_* variables)",
  damagedRepository: "restore the file from a copy of the repository; govdr never rewrites it",
  owners: "restore as root to a file system that keeps owners, or pass --no-owners",
};

/** A failure the agent reports with what to do about it. */
const hinted = <Name extends string, Exit extends ExitReason>(
  name: Name,
  httpStatus: number,
  exit: Exit,
  hint: string,
) => ({ name, httpStatus, exit, hint }) as const;

const integrity = {
  httpStatus: 500,
  exit: "integrity",
  lead: "integrity check failed",
  hint: "run `govdr verify --read-data` to see what is affected",
} as const;

/**
 * Every error govdr throws on purpose, once, by its stable `code`: the API's error code, the class
 * name it is thrown as, its HTTP status, and for the backup agent its exit code and hint. A class
 * may carry several codes (UnauthenticatedError has five); a code has exactly one class.
 */
export const errorCatalogue = {
  // Requests
  VALIDATION_FAILED: { name: "ValidationError", httpStatus: 400, exit: "usage" },
  POLICY_REJECTED: { name: "PolicyRejectedError", httpStatus: 400, exit: "input" },
  NOT_FOUND: { name: "NotFoundError", httpStatus: 404, exit: "input" },
  UNAUTHENTICATED: unauthenticated,
  INVALID_CREDENTIALS: unauthenticated,
  ACCOUNT_LOCKED: unauthenticated,
  INVALID_MFA_CODE: unauthenticated,
  SESSION_ENDED: unauthenticated,
  REAUTHENTICATION_REQUIRED: {
    name: "ReauthenticationRequiredError",
    httpStatus: 401,
    exit: "controlPlane",
  },
  FORBIDDEN: forbidden,
  IP_NOT_ALLOWED: forbidden,
  TENANT_NOT_ACTIVE: forbidden,
  ACCOUNT_NOT_ACTIVE: forbidden,
  MFA_NOT_ENROLLED: forbidden,
  ROLE_OUT_OF_SCOPE: forbidden,
  SELF_ADMINISTRATION: forbidden,
  SESSION_STEP_REQUIRED: forbidden,
  CONFLICT: conflict,
  ALREADY_REGISTERED: conflict,
  USER_NAME_TAKEN: conflict,
  INVALID_TENANT_STATE: conflict,
  STALE_VERSION: conflict,
  QUOTA_EXCEEDED: conflict,
  SNAPSHOT_CONFLICT: conflict,
  DRILL_RUNNING: conflict,
  /** A server-side backup of the system is still running (D-43). */
  BACKUP_RUNNING: conflict,
  /** The system's policy names no S3 prefix or DynamoDB table for the platform to back up. */
  NO_SERVER_SOURCES: conflict,
  NO_POLICY: conflict,
  /** A failover or failback of the system is under way (one at a time per system). */
  FAILOVER_RUNNING: conflict,
  /** The system's policy or record lacks what a switchover needs (a DR endpoint, a health endpoint). */
  FAILOVER_NOT_CONFIGURED: conflict,
  /** A failover of a system the DR site already serves, or a failback of one the primary serves. */
  WRONG_ACTIVE_SITE: conflict,
  /** An approval or rejection of a switchover that is not (or no longer) waiting for one. */
  NOT_AWAITING_APPROVAL: conflict,
  IDEMPOTENCY_IN_PROGRESS: conflict,
  IDEMPOTENCY_KEY_REUSED: conflict,

  // The platform itself
  INTERNAL: internal("InternalError"),
  /** A stored item does not match its schema: corrupted or written by other code; never the caller's fault. */
  STORED_ITEM_INVALID: internal("StoredItemInvalidError"),
  DEPENDENCY_UNAVAILABLE: { name: "DependencyUnavailableError", httpStatus: 503, exit: "unexpected" },
  MISCONFIGURED: internal("MisconfigurationError"),
  SELF_CHECK_FAILED: internal("SelfCheckFailed"),

  // Disaster recovery tasks (statemachines/drill.asl.json matches these names)
  NO_RECOVERY_POINT: { name: "NoRecoveryPointError", httpStatus: 404, exit: "input" },
  DRILL_NOT_RUNNABLE: { name: "DrillNotRunnableError", httpStatus: 409, exit: "unexpected" },
  /** What a drill record says when its execution stopped without finishing (the sweep ends it). */
  DRILL_ABORTED: internal("DrillAbortedError"),
  // Switchover tasks (statemachines/failover.asl.json and failback.asl.json match these names)
  PRECHECK_FAILED: { name: "PrecheckFailedError", httpStatus: 409, exit: "unexpected" },
  FENCE_FAILED: internal("FenceFailedError"),
  RECOVERY_FAILED: internal("RecoveryFailedError"),
  RESYNC_FAILED: internal("ResyncFailedError"),
  ROUTE_SWITCH_FAILED: internal("RouteSwitchFailedError"),
  HEALTH_CHECK_FAILED: internal("HealthCheckFailedError"),
  SWITCHOVER_REJECTED: { name: "SwitchoverRejectedError", httpStatus: 409, exit: "unexpected" },
  /** The approval gate was not decided in time: the switchover stops, switching nothing. */
  APPROVAL_EXPIRED: { name: "ApprovalExpiredError", httpStatus: 409, exit: "unexpected" },
  /** How a switchover's execution ends when it did not complete (its record says how it ended). */
  SWITCHOVER_NOT_COMPLETED: internal("SwitchoverNotCompletedError"),
  SWITCHOVER_NOT_RUNNABLE: { name: "SwitchoverNotRunnableError", httpStatus: 409, exit: "unexpected" },
  /** How a switchover record reads when its execution stopped without finishing (the sweep ends it). */
  SWITCHOVER_ABORTED: internal("SwitchoverAbortedError"),
  /** How statemachines/backup.asl.json ends a job that failed (its record says why). */
  BACKUP_FAILED: internal("BackupFailedError"),
  /** A server-side backup's source refused the unit's role, or the role could not be assumed (D-43). */
  SOURCE_ACCESS_DENIED: { name: "SourceAccessDeniedError", httpStatus: 403, exit: "input" },
  // The managed replicator: a message that ends in the dead-letter queue names one of these
  REPLICATION_SOURCE_MISSING: internal("ReplicationSourceMissingError"),
  NOT_A_VAULT_OBJECT: internal("NotAVaultObjectError"),
  REPLICATION_MESSAGE_UNREADABLE: internal("UnreadableReplicationMessageError"),

  // Audit trail tasks
  AUDIT_CHAIN_BROKEN: { name: "AuditChainBrokenError", httpStatus: 500, exit: "integrity" },
  AUDIT_CHAIN_MOVED: { name: "ChainMovedError", httpStatus: 409, exit: "unexpected" },
  AUDIT_CONTENTION: { name: "AuditContentionError", httpStatus: 503, exit: "unexpected" },
  AUDIT_ARCHIVE_INCOMPLETE: internal("AuditArchiveIncompleteError"),
  AUDIT_SEQUENCING_INCOMPLETE: internal("AuditSequencingIncompleteError"),

  // The vault engine
  WRONG_KEY: hinted("WrongKeyError", 500, "repository", hints.key),
  NO_REPOSITORY: { name: "NoRepositoryError", httpStatus: 500, exit: "repository" },
  REPOSITORY_EXISTS: { name: "RepositoryExistsError", httpStatus: 409, exit: "repository" },
  REPOSITORY_UNREACHABLE: hinted("RepositoryAccessError", 503, "repository", hints.storage),
  REPOSITORY_DAMAGED: hinted("RepositoryDamagedError", 500, "integrity", hints.damagedRepository),
  BLOB_DAMAGED: { name: "BlobIntegrityError", ...integrity },
  MANIFEST_DAMAGED: { name: "ManifestIntegrityError", ...integrity },
  MISSING_FROM_REPOSITORY: { name: "NotFoundInRepositoryError", ...integrity },
  OWNER_REFUSED: hinted("RestoreOwnerError", 500, "input", hints.owners),
  BACKUP_SOURCE_UNREADABLE: { name: "BackupSourceError", httpStatus: 400, exit: "input" },
  RESTORE_TARGET_REFUSED: { name: "RestoreTargetError", httpStatus: 400, exit: "input" },
  NO_SUCH_SNAPSHOT: { name: "NoSuchSnapshotError", httpStatus: 404, exit: "input" },
  SM4_SELF_TEST_FAILED: internal("Sm4SelfTestError"),
  VAULT_WORKER_FAILED: internal("VaultWorkerError"),
  /**
   * A restore worker's read of a pack range was cut off or answered "try again": retried, and after
   * the last try reported as REPOSITORY_UNREACHABLE (D-59).
   */
  STORAGE_READ_INTERRUPTED: internal("StorageReadInterruptedError"),
  /** A restore worker's read of a pack range got an answer that is not HTTP/1.1 (reported as REPOSITORY_UNREACHABLE). */
  STORAGE_ANSWER_MALFORMED: internal("StorageAnswerMalformedError"),

  // The command line (agent and local tooling): the exit says which kind of failure it was
  COMMAND_FAILED: internal("CliError"),
  USAGE: cli(400, "usage"),
  AGENT_REPOSITORY: cli(500, "repository"),
  AGENT_INTEGRITY: cli(500, "integrity"),
  AGENT_INPUT: cli(400, "input"),
  CONTROL_PLANE: cli(502, "controlPlane"),
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof errorCatalogue;
type Catalogue = typeof errorCatalogue;
/** The codes thrown as the class named `Name`, e.g. `CodeOf<"ConflictError">`. */
export type CodeOf<Name extends string> = {
  [C in ErrorCode]: Catalogue[C]["name"] extends Name ? C : never;
}[ErrorCode];

/** The names Step Functions Retry/Catch may match: every entry's class name. */
export const errorNames: ReadonlySet<string> = new Set(Object.values(errorCatalogue).map((e) => e.name));
