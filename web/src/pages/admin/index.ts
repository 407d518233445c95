import type { PageDef } from "../page.ts";
import { IdentitySettingsPage } from "./identity-settings-page.tsx";
import { NotificationsPage } from "./notifications-page.tsx";
import { TenantsPage } from "./tenants-page.tsx";
import { UnitPage } from "./unit-page.tsx";
import { UsersPage } from "./users-page.tsx";

/** Administration: users and roles, identity settings, units, the unit's own settings, notifications. */
export const pages: PageDef[] = [
  {
    path: "/unit",
    component: UnitPage,
    title: { zh: "本单位", en: "My unit" },
    operation: "GET /tenants/{tenantId}",
    // Platform staff may read any unit, but have none of their own: opened by URL, it points them to Units.
    navFor: "unit",
    nav: 50,
  },
  {
    path: "/notifications",
    component: NotificationsPage,
    title: { zh: "通知订阅", en: "Notifications" },
    operation: "GET /notifications/subscriptions",
    nav: 55,
  },
  {
    path: "/users",
    component: UsersPage,
    title: { zh: "用户与角色", en: "Users and roles" },
    operation: "GET /users",
    nav: 60,
  },
  {
    path: "/identity-settings",
    component: IdentitySettingsPage,
    title: { zh: "身份安全设置", en: "Identity settings" },
    operation: "GET /identity/settings",
    nav: 70,
  },
  {
    path: "/platform/tenants",
    component: TenantsPage,
    title: { zh: "单位管理", en: "Units" },
    operation: "GET /tenants",
    // Before identity settings: the platform administrator's first page.
    nav: 65,
  },
];
