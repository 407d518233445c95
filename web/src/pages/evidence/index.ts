import type { PageDef } from "../page.ts";
import { AuditPage } from "./audit-page.tsx";
import { DashboardPage } from "./dashboard-page.tsx";

export const pages: PageDef[] = [
  {
    path: "/dashboard",
    component: DashboardPage,
    title: { zh: "概览", en: "Dashboard" },
    operation: "GET /systems",
    nav: 10,
  },
  {
    path: "/audit",
    component: AuditPage,
    title: { zh: "审计", en: "Audit" },
    operation: "GET /audit/events",
    nav: 90,
  },
];
