import { ConflictError, errorClass, GovdrError, NotFoundError, ValidationError } from "../errors.ts";
import type { SessionClaims } from "../identity/session-token.ts";
import type { SnapshotRecord } from "../snapshots/snapshot-record.ts";
import { newId } from "../stores/ids.ts";
import { allItems } from "../stores/page.ts";
import type { DrillStore, SnapshotCatalog, SystemStore } from "../stores/stores.ts";
import { requireSystem } from "../systems/system-service.ts";
import type { DrillRecord, DrillType } from "./drill.ts";
import { drillTargets } from "./evaluate.ts";

/** No snapshot of the system can serve as the drill's recovery point. */
export class NoRecoveryPointError extends errorClass("NO_RECOVERY_POINT") {}

/** The longest a drill may hold its system's slot: a drill that died frees it after this. */
export const drillSlotMs = 2 * 3600_000;

export interface DrillRequest {
  type?: DrillType;
  /** Recover the data as it was at this time (the latest snapshot at or before it). */
  pointInTime?: string;
}

/** Runs statemachines/drill.asl.json, one execution per drill, named after it. */
export interface DrillRunner {
  /** The ARN the drill's execution has (known before it starts: it is named after the drill). */
  executionArnOf(drillId: string): string;
  start(drill: DrillRecord): Promise<void>;
}

/** Reads a drill's report from the reports bucket. */
export interface DrillReports {
  read(key: string): Promise<string>;
}

export interface DrillDeps {
  drills: DrillStore;
  systems: Pick<SystemStore, "get" | "getPolicy">;
  catalog: Pick<SnapshotCatalog, "list">;
  runner: DrillRunner;
  reports: DrillReports;
  now: () => Date;
}

/** The newest catalogued snapshot taken at or before `at` (the whole catalogue when `at` is absent). */
export async function latestSnapshotAt(
  catalog: Pick<SnapshotCatalog, "list">,
  tenantId: string,
  systemId: string,
  at?: string,
  accept: (record: SnapshotRecord) => Promise<boolean> | boolean = () => true,
): Promise<SnapshotRecord | undefined> {
  for await (const record of allItems((page) => catalog.list(tenantId, systemId, page), 50)) {
    if (at && Date.parse(record.time) > Date.parse(at)) continue;
    if (await accept(record)) return record;
  }
  return undefined;
}

/** Drills as the unit's users run and read them (R-DRL-01, R-DRL-13). */
export class DrillService {
  constructor(private readonly deps: DrillDeps) {}

  async start(
    caller: Pick<SessionClaims, "tid" | "sub">,
    systemId: string,
    request: DrillRequest,
    trigger: DrillRecord["trigger"] = "on-demand",
  ): Promise<DrillRecord> {
    const system = requireSystem(await this.deps.systems.get(caller.tid, systemId), systemId);
    const now = this.deps.now();
    // Stored in UTC, whatever offset the caller wrote it with.
    const pointInTime = request.pointInTime ? new Date(request.pointInTime).toISOString() : undefined;
    if (system.policyVersion === 0) {
      throw new ConflictError(
        `System ${systemId} has no DR policy yet; set one before drilling`,
        "NO_POLICY",
      );
    }
    const policy = await this.deps.systems.getPolicy(caller.tid, systemId, system.policyVersion);
    if (!policy)
      throw new GovdrError("INTERNAL", `Policy v${system.policyVersion} of ${systemId} is missing`);
    if (pointInTime && Date.parse(pointInTime) > now.getTime()) {
      throw new ValidationError("A drill cannot recover a point in the future", [
        { path: "pointInTime", message: `later than the platform's clock (${now.toISOString()})` },
      ]);
    }
    const point = await latestSnapshotAt(this.deps.catalog, caller.tid, systemId, pointInTime);
    if (!point) {
      throw new NoRecoveryPointError(
        pointInTime
          ? `System ${systemId} has no snapshot at or before ${pointInTime}`
          : `System ${systemId} has no snapshot yet; back it up first`,
      );
    }
    const drillId = newId("d");
    const drill: DrillRecord = {
      tenantId: caller.tid,
      systemId,
      drillId,
      type: request.type ?? policy.policy.drill?.type ?? "simulated",
      trigger,
      requestedBy: caller.sub,
      status: "running",
      incidentAt: pointInTime ?? now.toISOString(),
      ...(pointInTime ? { pointInTime } : {}),
      startedAt: now.toISOString(),
      policyVersion: system.policyVersion,
      targets: drillTargets(system),
      steps: [],
      findings: [],
      // Stored with the drill: its first step may write the next version before start() returns.
      executionArn: this.deps.runner.executionArnOf(drillId),
      version: 1,
    };
    await this.deps.drills.start(drill, new Date(now.getTime() + drillSlotMs));
    try {
      await this.deps.runner.start(drill);
    } catch (error) {
      await this.deps.drills.update({
        ...drill,
        status: "failed",
        finishedAt: this.deps.now().toISOString(),
        error: {
          code: "DEPENDENCY_UNAVAILABLE",
          message: `The drill could not be started: ${(error as Error).message}`,
        },
        version: 2,
      });
      throw new GovdrError("DEPENDENCY_UNAVAILABLE", "The drill could not be started; try again", {
        cause: error,
      });
    }
    return drill;
  }

  async list(caller: Pick<SessionClaims, "tid">, systemId: string, page: { limit: number; cursor?: string }) {
    requireSystem(await this.deps.systems.get(caller.tid, systemId), systemId);
    return this.deps.drills.list(caller.tid, systemId, page);
  }

  async get(caller: Pick<SessionClaims, "tid">, systemId: string, drillId: string): Promise<DrillRecord> {
    const drill = await this.deps.drills.get(caller.tid, systemId, drillId);
    if (!drill) throw new NotFoundError(`No drill ${drillId} of system ${systemId}`);
    return drill;
  }

  /** The drill's report as JSON or as the self-contained HTML page; a running drill has none yet. */
  async report(
    caller: Pick<SessionClaims, "tid">,
    systemId: string,
    drillId: string,
    format: "json" | "html",
  ) {
    const drill = await this.get(caller, systemId, drillId);
    if (!drill.report) {
      throw new NotFoundError(
        drill.status === "running"
          ? `Drill ${drillId} is still running; its report is written when it ends`
          : `Drill ${drillId} has no report`,
      );
    }
    return this.deps.reports.read(drill.report[format]);
  }
}
