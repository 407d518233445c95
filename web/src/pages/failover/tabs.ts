import type { SystemTab } from "../page.ts";
import { FailoverTab } from "./failover-tab.tsx";

/** This group's tab of a system's page: which site serves it, its heartbeat, fail over and back. */
export const systemTabs: SystemTab[] = [
  {
    id: "failover",
    title: { zh: "切换", en: "Failover" },
    operation: "GET /systems/{systemId}/route",
    order: 55,
    component: FailoverTab,
  },
];
