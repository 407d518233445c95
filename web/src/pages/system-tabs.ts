import { systemTabs as drTabs } from "./dr/tabs.ts";
import { systemTabs as failoverTabs } from "./failover/tabs.ts";
import type { SystemTab } from "./page.ts";
import { systemTabs as systemsTabs } from "./systems/tabs.ts";

/** The tabs of a system's page (/systems/:systemId/:tab), in order: each group declares its own. */
export const allSystemTabs: readonly SystemTab[] = [...systemsTabs, ...drTabs, ...failoverTabs].sort(
  (a, b) => a.order - b.order,
);
