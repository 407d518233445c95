import { ConflictError, errorClass } from "../errors.ts";
import type { TenantStore } from "../stores/stores.ts";
import { type ArchiveRun, type ArchiverDeps, type ArchiveSettings, archiveTrail } from "./archive.ts";
import { allTrails, eachTrail } from "./trails.ts";

/** Some trails could not be archived; the others were. Named so the scheduler's alarms can match it. */
export class AuditArchiveIncompleteError extends errorClass("AUDIT_ARCHIVE_INCOMPLETE") {}

/** One scheduled archive pass over every trail (or `only` these), each trail on its own (eachTrail). */
export async function archiveAllTrails(
  deps: ArchiverDeps & { tenants: TenantStore },
  settings: ArchiveSettings,
  /** Only these trails (an operator archiving one tenant now, e.g. before its exit); all by default. */
  only?: string[],
): Promise<ArchiveRun[]> {
  return eachTrail(only ?? allTrails(deps.tenants), "archived", AuditArchiveIncompleteError, (tenantId) =>
    archiveTrail(tenantId, deps, settings).catch((error) => {
      // Another pass moved this trail's cursor first: it archived these records, nothing is lost.
      if (error instanceof ConflictError) return undefined;
      throw error;
    }),
  );
}
