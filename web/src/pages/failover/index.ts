import type { PageDef } from "../page.ts";
import { FailoverDetailPage } from "./failover-detail.tsx";
import { FailoversPage } from "./failovers-page.tsx";

/** The unit's failovers and failbacks (issue #20); each system's own is its Failover tab (./tabs.ts). */
export const pages: PageDef[] = [
  {
    path: "/failovers",
    component: FailoversPage,
    title: { zh: "切换与回切", en: "Failovers" },
    operation: "GET /failovers",
    nav: 25,
    navFor: "unit",
  },
  {
    path: "/failovers/:failoverId",
    component: FailoverDetailPage,
    title: { zh: "切换", en: "Failover" },
    operation: "GET /failovers/{failoverId}",
  },
];
