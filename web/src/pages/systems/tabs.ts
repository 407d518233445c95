import type { SystemTab } from "../page.ts";
import { OverviewTab } from "./overview-tab.tsx";
import { PolicyTab } from "./policy-tab.tsx";

/** This group's tabs of a system's page: what the system is, and its DR policy. */
export const systemTabs: SystemTab[] = [
  {
    id: "overview",
    title: { zh: "概况", en: "Overview" },
    operation: "GET /systems/{systemId}",
    order: 10,
    component: OverviewTab,
  },
  {
    id: "policy",
    title: { zh: "灾备策略", en: "DR policy" },
    operation: "GET /systems/{systemId}/policy",
    order: 20,
    component: PolicyTab,
  },
];
