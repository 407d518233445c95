import type { TenantStatus } from "../../../../shared/tenants/tenant.ts";
import { defineMessages } from "../../i18n/messages.ts";

/** A unit's status, as the console names it. */
export const tenantStatusTexts = defineMessages({
  zh: {
    pending: "待审核",
    active: "服务中",
    suspended: "已暂停",
    rejected: "已驳回",
    exiting: "退出中",
  } satisfies Record<TenantStatus, string>,
  en: {
    pending: "Pending approval",
    active: "Active",
    suspended: "Suspended",
    rejected: "Rejected",
    exiting: "Exiting",
  },
});

export const tenantStatusTone = (status: TenantStatus) =>
  status === "active" ? "ok" : status === "pending" ? "info" : status === "suspended" ? "warn" : "bad";

/** The allow-list's own texts, the same on the platform's units page and a unit's own page. */
export const ipTexts = defineMessages({
  zh: {
    ipAllowList: "IP 白名单",
    ipAny: "未设置：不限制来源地址",
    ipCount: (n: number) => `${n} 个网段`,
    ipExplain:
      "设置后，本单位用户只能从这些网段执行管理操作（新增、修改、删除等）；查询不受限制，平台工作人员不受单位白名单限制。",
  },
  en: {
    ipAllowList: "IP allow-list",
    ipAny: "Not set: any source address",
    ipCount: (n: number) => `${n} network${n === 1 ? "" : "s"}`,
    ipExplain:
      "When set, the unit's users can run management actions (create, change, delete…) only from these networks; reading stays open, and platform staff are not bound by a unit's list.",
  },
});
