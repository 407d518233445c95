import { ConflictError } from "../errors.ts";
import type { TenantStore } from "../stores/stores.ts";
import { type ArchiveRun, type ArchiverDeps, type ArchiveSettings, archiveTrail } from "./archive.ts";
import { allTrails } from "./trails.ts";

/** Some trails could not be archived; the others were. Named so the scheduler's alarms can match it. */
export class AuditArchiveIncompleteError extends Error {
  override readonly name = "AuditArchiveIncompleteError";
}

/**
 * One scheduled archive pass. A trail that fails does not stop the others; the pass then fails as a
 * whole, naming each trail and why, so nothing is silently left unarchived.
 */
export async function archiveAllTrails(
  deps: ArchiverDeps & { tenants: TenantStore },
  settings: ArchiveSettings,
  /** Only these trails (an operator archiving one tenant now, e.g. before its exit); all by default. */
  only?: string[],
): Promise<ArchiveRun[]> {
  const runs: ArchiveRun[] = [];
  const failures: string[] = [];
  for await (const tenantId of only ?? allTrails(deps.tenants)) {
    try {
      runs.push(await archiveTrail(tenantId, deps, settings));
    } catch (error) {
      // Another pass moved this trail's cursor first: it archived these records, nothing is lost.
      if (error instanceof ConflictError) continue;
      failures.push(`${tenantId}: ${(error as Error).name}: ${(error as Error).message}`);
    }
  }
  if (failures.length > 0) {
    throw new AuditArchiveIncompleteError(
      `${failures.length} audit trail(s) not archived (${runs.length} archived): ${failures.join("; ")}`,
    );
  }
  return runs;
}
