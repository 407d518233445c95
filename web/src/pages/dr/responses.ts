import type { describeAgentKey } from "../../../../shared/agents/agent-key.ts";
import type { BackupJob } from "../../../../shared/backups/backup-job.ts";
import type { DrillRecord } from "../../../../shared/drills/drill.ts";
import type { ReplicationCheck } from "../../../../shared/replication/replication-check.ts";
import type { SnapshotRecord } from "../../../../shared/snapshots/snapshot-record.ts";
import type { Page } from "../../api/client.ts";

/** An agent key as the API shows it (never its secret or hash), with `status` active/revoked. */
export type AgentKeyView = ReturnType<typeof describeAgentKey>;
/** The answer of creating a key: the key and its credential `<keyId>.<secret>`, shown once. */
export type CreatedAgentKey = AgentKeyView & { credential: string };
/** A backup job as the API shows it (without its internal checkpoint). */
export type BackupJobView = Omit<BackupJob, "checkpoint">;

export type { DrillRecord, ReplicationCheck, SnapshotRecord };

/** What the routes this page group calls answer (see web/src/api/responses.ts). */
export type DrResponses = {
  "GET /systems/{systemId}/agent-keys": Page<AgentKeyView>;
  "POST /systems/{systemId}/agent-keys": CreatedAgentKey;
  "POST /systems/{systemId}/agent-keys/{keyId}/revoke": AgentKeyView;
  "GET /systems/{systemId}/snapshots": Page<SnapshotRecord>;
  "GET /systems/{systemId}/snapshots/{snapshotId}": SnapshotRecord;
  "GET /systems/{systemId}/replication": ReplicationCheck;
  "GET /systems/{systemId}/replication/history": Page<ReplicationCheck>;
  "GET /systems/{systemId}/drills": Page<DrillRecord>;
  "POST /systems/{systemId}/drills": DrillRecord;
  "GET /systems/{systemId}/drills/{drillId}": DrillRecord;
  "GET /systems/{systemId}/backups": Page<BackupJobView>;
  "POST /systems/{systemId}/backups": BackupJobView;
  "GET /systems/{systemId}/backups/{jobId}": BackupJobView;
};
