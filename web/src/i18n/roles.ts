import type { Role } from "../../../shared/identity/roles.ts";
import type { Bilingual } from "./messages.ts";

/** Every role's name, as the standards call it (R-IA-10: three separate duties). */
export const roleLabels: Record<Role, Bilingual> = {
  "platform-admin": { zh: "平台管理员", en: "Platform administrator" },
  "security-admin": { zh: "安全管理员", en: "Security administrator" },
  "platform-auditor": { zh: "平台审计员", en: "Platform auditor" },
  "tenant-admin": { zh: "单位管理员", en: "Unit administrator" },
  "tenant-operator": { zh: "单位运维员", en: "Unit operator" },
  "tenant-auditor": { zh: "单位审计员", en: "Unit auditor" },
};
