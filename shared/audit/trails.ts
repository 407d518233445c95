import type { TenantStore } from "../stores/stores.ts";
import { tenantStatuses } from "../tenants/tenant.ts";
import { platformTenant } from "./api-event.ts";

/** Every audit trail: the platform's own and each tenant's, whatever its status (exited ones included). */
export async function* allTrails(tenants: TenantStore): AsyncIterable<string> {
  yield platformTenant;
  for (const status of tenantStatuses) {
    let cursor: string | undefined;
    do {
      const page = await tenants.listByStatus(status, { limit: 100, cursor });
      for (const tenant of page.items) yield tenant.tenantId;
      cursor = page.nextCursor;
    } while (cursor);
  }
}

/**
 * Runs `pass` over each trail in turn. A trail that fails does not stop the others; the whole pass
 * then fails with `Incomplete`, naming each trail and why, so nothing is silently left undone.
 * `pass` answers undefined for a trail another run has just done.
 */
export async function eachTrail<Run>(
  trails: AsyncIterable<string> | Iterable<string>,
  done: "archived" | "chained",
  Incomplete: new (message: string) => Error,
  pass: (tenantId: string) => Promise<Run | undefined>,
): Promise<Run[]> {
  const runs: Run[] = [];
  const failures: string[] = [];
  for await (const tenantId of trails) {
    try {
      const run = await pass(tenantId);
      if (run !== undefined) runs.push(run);
    } catch (error) {
      failures.push(`${tenantId}: ${(error as Error).name}: ${(error as Error).message}`);
    }
  }
  if (failures.length > 0) {
    throw new Incomplete(
      `${failures.length} audit trail(s) not ${done} (${runs.length} ${done}): ${failures.join("; ")}`,
    );
  }
  return runs;
}
