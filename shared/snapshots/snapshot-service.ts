import { isDeepStrictEqual } from "node:util";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import type { SessionClaims } from "../identity/session-token.ts";
import type { SnapshotCatalog, SystemStore } from "../stores/stores.ts";
import { requireSystem } from "../systems/system-service.ts";
import { type SnapshotRecord, type SnapshotReport, snapshotReportSchema } from "./snapshot-record.ts";

/** How far ahead of the platform's clock an agent's snapshot time may be. */
const allowedClockSkewMs = 5 * 60_000;

export interface SnapshotDeps {
  catalog: SnapshotCatalog;
  systems: Pick<SystemStore, "get">;
  now: () => Date;
}

/** The catalogue of snapshots: agents report them, the unit's users read them. */
export class SnapshotService {
  constructor(private readonly deps: SnapshotDeps) {}

  /**
   * Records a snapshot once. Reporting the same snapshot again (an agent retrying) answers the stored
   * record; a different report under the same id is refused, so nothing recorded is ever rewritten.
   */
  async register(
    caller: Pick<SessionClaims, "tid" | "sub">,
    systemId: string,
    snapshotId: string,
    report: SnapshotReport,
  ): Promise<{ created: boolean; record: SnapshotRecord }> {
    requireSystem(await this.deps.systems.get(caller.tid, systemId), systemId);
    const now = this.deps.now();
    if (Date.parse(report.time) > now.getTime() + allowedClockSkewMs) {
      throw new ValidationError("The snapshot time is in the future; check the agent's clock", [
        { path: "time", message: `later than the platform's clock (${now.toISOString()})` },
      ]);
    }
    if (report.startedAt && Date.parse(report.startedAt) > Date.parse(report.time)) {
      throw new ValidationError("A backup cannot start after it finished", [
        { path: "startedAt", message: "later than time" },
      ]);
    }
    if (report.parent === snapshotId) {
      throw new ValidationError("A snapshot cannot be its own parent", [
        { path: "parent", message: "equals the snapshot id" },
      ]);
    }
    const record: SnapshotRecord = {
      ...report,
      tenantId: caller.tid,
      systemId,
      snapshotId,
      registeredAt: now.toISOString(),
      registeredBy: caller.sub,
    };
    const result = await this.deps.catalog.add(record);
    if (result.created) return { created: true, record };
    if (!isDeepStrictEqual(snapshotReportSchema.parse(result.existing), snapshotReportSchema.parse(report))) {
      throw new ConflictError(
        `Snapshot ${snapshotId} is already recorded with other contents`,
        "SNAPSHOT_CONFLICT",
      );
    }
    return { created: false, record: result.existing };
  }

  async list(caller: SessionClaims, systemId: string, page: { limit: number; cursor?: string }) {
    requireSystem(await this.deps.systems.get(caller.tid, systemId), systemId);
    return this.deps.catalog.list(caller.tid, systemId, page);
  }

  async get(caller: SessionClaims, systemId: string, snapshotId: string): Promise<SnapshotRecord> {
    const record = await this.deps.catalog.get(caller.tid, systemId, snapshotId);
    if (!record) throw new NotFoundError(`No snapshot ${snapshotId} of system ${systemId}`);
    return record;
  }
}
