import { ConflictError } from "../../shared/errors.ts";
import { type RouteRecord, type RouteStore, routeRecordSchema } from "../../shared/routing/route.ts";

/** RouteStore in memory, with the DynamoDB store's optimistic versions (STALE_VERSION). */
export class MemoryRouteStore implements RouteStore {
  readonly records = new Map<string, RouteRecord>();

  async get(tenantId: string, systemId: string): Promise<RouteRecord | undefined> {
    const record = this.records.get(`${tenantId}/${systemId}`);
    return record ? structuredClone(record) : undefined;
  }

  async put(record: RouteRecord): Promise<void> {
    const valid = routeRecordSchema.parse(record);
    const key = `${valid.tenantId}/${valid.systemId}`;
    if ((this.records.get(key)?.version ?? 0) !== valid.version - 1) {
      throw new ConflictError(
        `The route of ${valid.systemId} was changed meanwhile; reload and try again`,
        "STALE_VERSION",
      );
    }
    this.records.set(key, structuredClone(valid));
  }
}
