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
