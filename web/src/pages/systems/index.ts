import type { PageDef } from "../page.ts";
import { OnboardingPage } from "./onboarding-page.tsx";
import { SystemPage } from "./system-page.tsx";
import { SystemsListPage } from "./systems-list-page.tsx";

export const pages: PageDef[] = [
  {
    path: "/onboarding",
    component: OnboardingPage,
    title: { zh: "接入向导", en: "Onboarding" },
    operation: "POST /systems",
    nav: 15,
  },
  {
    path: "/systems",
    component: SystemsListPage,
    title: { zh: "业务系统", en: "Systems" },
    operation: "GET /systems",
    nav: 20,
  },
  {
    path: "/systems/:systemId",
    component: SystemPage,
    title: { zh: "业务系统", en: "System" },
    operation: "GET /systems/{systemId}",
  },
  {
    path: "/systems/:systemId/:tab",
    component: SystemPage,
    title: { zh: "业务系统", en: "System" },
    operation: "GET /systems/{systemId}",
  },
];
