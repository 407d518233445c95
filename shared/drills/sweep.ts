import type { AuditLog } from "../audit/audit-log.ts";
import { allItems } from "../stores/page.ts";
import type { DrillStore, SystemStore, TenantStore } from "../stores/stores.ts";
import type { DrillRecord } from "./drill.ts";
import { drillSlotMs } from "./drill-service.ts";
import { type DrillReportStore, writeDrillReport } from "./drill-steps.ts";
import { type DrillKey, drillOfSandboxKey, sandboxesRoot, sandboxPrefix } from "./locations.ts";
import type { Sandbox } from "./sandbox.ts";

/** Whether a drill's Step Functions execution is still going. */
export interface DrillExecutions {
  isRunning(executionArn: string): Promise<boolean>;
}

export interface SweepDeps {
  tenants: Pick<TenantStore, "listByStatus">;
  systems: Pick<SystemStore, "list">;
  drills: DrillStore;
  sandbox: Sandbox;
  executions: DrillExecutions;
  reports: DrillReportStore;
  audit: Pick<AuditLog, "record">;
  now: () => Date;
  reportRetentionDays: number;
}

/** A drill whose execution ended without its last step (aborted, timed out, a task killed for good). */
async function isStranded(deps: SweepDeps, drill: DrillRecord): Promise<boolean> {
  if (drill.status !== "running") return false;
  if (drill.executionArn) return !(await deps.executions.isRunning(drill.executionArn));
  return deps.now().getTime() - Date.parse(drill.startedAt) > drillSlotMs;
}

/** Ends a stranded drill as failed: its sandbox removed, its running step failed, a report written. */
async function endStranded(deps: SweepDeps, drill: DrillRecord): Promise<void> {
  const at = deps.now().toISOString();
  await deps.sandbox.removeAll(sandboxPrefix(drill));
  const steps = drill.steps.map((step) =>
    step.status === "running" ? { ...step, status: "failed" as const, finishedAt: at } : step,
  );
  // A drill that reached its verdict keeps it: only its last steps did not run.
  const ended: DrillRecord =
    drill.verdict && !drill.error
      ? { ...drill, status: "completed", finishedAt: at, sandboxRemovedAt: at, steps }
      : {
          ...drill,
          status: "failed",
          finishedAt: at,
          sandboxRemovedAt: at,
          steps,
          error: {
            code: "DRILL_ABORTED",
            message: `The drill's execution ended at step ${drill.currentStep ?? "start"} without finishing (aborted, timed out or its task stopped); the sweep removed its sandbox`,
          },
        };
  const reported = await writeDrillReport(deps, ended);
  await deps.drills.update({ ...reported, version: drill.version + 1 });
}

/**
 * The sweep (every 15 minutes): ends the drills whose execution stopped without finishing, and
 * removes every sandbox whose drill is no longer running — what a stopped drill left behind.
 */
export async function sweepDrills(deps: SweepDeps): Promise<{ ended: string[]; sandboxesRemoved: string[] }> {
  const ended: string[] = [];
  for await (const tenant of allItems((page) => deps.tenants.listByStatus("active", page))) {
    for await (const system of allItems((page) => deps.systems.list(tenant.tenantId, page))) {
      const [newest] = (await deps.drills.list(tenant.tenantId, system.systemId, { limit: 1 })).items;
      if (newest && (await isStranded(deps, newest))) {
        await endStranded(deps, newest);
        ended.push(newest.drillId);
      }
    }
  }
  const sandboxes = new Map<string, DrillKey>();
  for await (const object of deps.sandbox.list(sandboxesRoot)) {
    const key = drillOfSandboxKey(object.key);
    if (key) sandboxes.set(key.drillId, key);
  }
  const sandboxesRemoved: string[] = [];
  for (const key of sandboxes.values()) {
    const drill = await deps.drills.get(key.tenantId, key.systemId, key.drillId);
    if (drill && drill.status === "running" && !(await isStranded(deps, drill))) continue;
    await deps.sandbox.removeAll(sandboxPrefix(key));
    sandboxesRemoved.push(key.drillId);
  }
  return { ended, sandboxesRemoved };
}
