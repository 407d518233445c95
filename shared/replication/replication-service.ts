import type { SessionClaims } from "../identity/session-token.ts";
import type { Page } from "../stores/page.ts";
import type { SystemStore } from "../stores/stores.ts";
import { requireSystem } from "../systems/system-service.ts";
import type { ReplicationCheck } from "./replication-check.ts";
import {
  checkReplication,
  policyOf,
  type ReplicationCheckStore,
  type ReplicationDeps,
} from "./replication-monitor.ts";

/** How current a system's DR copy is: measured on request, and as the monitor measured it over time. */
export class ReplicationService {
  constructor(
    private readonly deps: ReplicationDeps & {
      systems: Pick<SystemStore, "get" | "getPolicy">;
      checks: ReplicationCheckStore;
    },
  ) {}

  async current(caller: Pick<SessionClaims, "tid">, systemId: string): Promise<ReplicationCheck> {
    const system = requireSystem(await this.deps.systems.get(caller.tid, systemId), systemId);
    return checkReplication(this.deps, system, await policyOf(this.deps.systems, system));
  }

  async history(
    caller: Pick<SessionClaims, "tid">,
    systemId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<ReplicationCheck>> {
    requireSystem(await this.deps.systems.get(caller.tid, systemId), systemId);
    return this.deps.checks.history(caller.tid, systemId, page);
  }
}
