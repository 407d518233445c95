import type { RouteAdapter } from "./route.ts";

/**
 * The `record` adapter: the platform's routing table only. The caller writes the RouteRecord for
 * every adapter, so this one calls nothing outside; it says what the record now holds, for the
 * switchover's log. Routers that follow the platform read the record (RouteStore).
 */
export function recordAdapter(): RouteAdapter {
  return {
    async switchTo(target, to) {
      return {
        detail: `routing table: ${target.systemId} served by the ${to} site (switchover ${target.switchId}); no outside router is called`,
      };
    },
    async act(target, action, site) {
      return {
        detail: `routing table: ${action} of the ${site} site recorded for ${target.systemId}; the record adapter has no channel to the unit's hosts, so the unit carries it out itself`,
      };
    },
  };
}
