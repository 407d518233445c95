import { type Bilingual, ForbiddenError, NotFoundError } from "../errors.ts";
import { agentRole, isPlatformRole, type PrincipalRole, roles } from "./roles.ts";
import type { SessionClaims } from "./session-token.ts";

interface Permission {
  roles: readonly PrincipalRole[];
  /** What the permission lets one do, as it completes "Only … may …". */
  what: Bilingual;
}

/**
 * Every action the API performs, which roles may perform it (R-IA-11, R-IA-15), and how a refusal
 * names it. Routes declare theirs in shared/api/routes.ts.
 */
export const permissions = {
  "tenant:list": {
    roles: ["platform-admin", "security-admin", "platform-auditor"],
    what: { zh: "查看平台上的单位列表", en: "list the units on the platform" },
  },
  "tenant:read": { roles, what: { zh: "查看该单位", en: "see this unit" } },
  "tenant:approve": {
    roles: ["platform-admin"],
    what: { zh: "审批单位的注册申请", en: "approve or reject a unit's registration" },
  },
  "tenant:suspend": {
    roles: ["platform-admin"],
    what: { zh: "暂停或恢复单位", en: "suspend or resume a unit" },
  },
  "tenant:exit": {
    roles: ["platform-admin", "tenant-admin"],
    what: { zh: "申请单位退出服务", en: "request a unit's service exit" },
  },
  /** The unit's own policy settings, e.g. which DR-site distance rules apply (R-CL-10). */
  "tenant:configure": {
    roles: ["tenant-admin"],
    what: { zh: "选择单位的灾备中心距离规则", en: "choose the unit's DR-site distance rules" },
  },
  /** Network access rules are security policy: the security administrator's alone (R-IA-04, R-IA-10). */
  "tenant:network": {
    roles: ["security-admin"],
    what: { zh: "设置单位的 IP 白名单", en: "set a unit's IP allow-list" },
  },
  "system:read": {
    roles: ["tenant-admin", "tenant-operator", "tenant-auditor"],
    what: {
      zh: "查看本单位的受保护系统及其灾备策略",
      en: "see the unit's protected systems and their policies",
    },
  },
  "system:write": {
    roles: ["tenant-admin"],
    what: { zh: "登记或修改受保护系统", en: "register or change protected systems" },
  },
  "policy:write": { roles: ["tenant-admin"], what: { zh: "设置灾备策略", en: "set DR policies" } },
  /** Read-only evidence for auditors; nobody can change or delete it through any API (R-IA-10, R-AU). */
  "audit:read": {
    roles: ["tenant-auditor", "platform-auditor"],
    what: { zh: "查阅审计记录", en: "read audit trails" },
  },
  /** Users of the caller's own scope: a unit's tenant-admin, or the platform's security-admin. */
  "user:manage": {
    roles: ["tenant-admin", "security-admin"],
    what: { zh: "查看、添加或修改用户", en: "see, add or change users" },
  },
  /** Lockout, idle timeout, re-authentication and password ageing (R-IA-05, R-IA-06). */
  "identity-settings:read": {
    roles: ["security-admin", "platform-admin", "platform-auditor"],
    what: { zh: "查看身份安全设置", en: "see the identity security settings" },
  },
  "identity-settings:write": {
    roles: ["security-admin"],
    what: { zh: "修改身份安全设置", en: "change the identity security settings" },
  },
  /** Keys with which a system's backup agents sign in (docs/decisions.md D-23). */
  "agent-key:manage": {
    roles: ["tenant-admin"],
    what: { zh: "创建或吊销备份代理密钥", en: "create or revoke backup-agent keys" },
  },
  "agent-key:read": {
    roles: ["tenant-admin", "tenant-auditor"],
    what: { zh: "查看备份代理密钥", en: "see backup-agent keys" },
  },
  /** Only an agent signed in with the system's key records that system's snapshots. */
  "snapshot:register": {
    roles: [agentRole],
    what: { zh: "登记快照", en: "record snapshots" },
  },
  "snapshot:read": {
    roles: ["tenant-admin", "tenant-operator", "tenant-auditor", agentRole],
    what: { zh: "查看快照", en: "see snapshots" },
  },
  /** The backup part of the policy, as the system's installed agent runs it (D-54). */
  "backup-plan:read": {
    roles: ["tenant-admin", "tenant-operator", "tenant-auditor", agentRole],
    what: { zh: "查看备份计划", en: "see the backup plan" },
  },
  /** Restore drills (R-DRL-01, R-DRL-13): the unit's administrators and its O&M staff run them. */
  "drill:run": {
    roles: ["tenant-admin", "tenant-operator"],
    what: { zh: "发起灾备演练", en: "run disaster-recovery drills" },
  },
  /** Failovers and failbacks: the unit's administrators and O&M staff start them (R-FO-08). */
  "failover:run": {
    roles: ["tenant-admin", "tenant-operator"],
    what: { zh: "发起灾备切换或回切", en: "start failovers and failbacks" },
  },
  /** The approval gate: the unit's administrator decides whether production moves (R-FO-02). */
  "failover:approve": {
    roles: ["tenant-admin"],
    what: { zh: "批准或驳回灾备切换", en: "approve or reject failovers and failbacks" },
  },
  "failover:read": {
    roles: ["tenant-admin", "tenant-operator", "tenant-auditor"],
    what: {
      zh: "查看灾备切换、心跳记录和访问路由",
      en: "see failovers, heartbeats and routes",
    },
  },
  /** The secret the platform signs webhook calls with: shown once, to the unit's administrator. */
  "webhook-secret:rotate": {
    roles: ["tenant-admin"],
    what: { zh: "生成切换接口的签名密钥", en: "issue the switching endpoint's signing secret" },
  },
  "drill:read": {
    roles: ["tenant-admin", "tenant-operator", "tenant-auditor"],
    what: { zh: "查看灾备演练及其报告", en: "see drills and their reports" },
  },
  /** Server-side backups of the unit's S3 prefixes and DynamoDB tables (D-43): its O&M staff run them. */
  "backup:run": {
    roles: ["tenant-admin", "tenant-operator"],
    what: { zh: "发起服务端备份", en: "run server-side backups" },
  },
  "backup:read": {
    roles: ["tenant-admin", "tenant-operator", "tenant-auditor"],
    what: { zh: "查看服务端备份任务", en: "see server-side backup jobs" },
  },
  /** Where the unit's drill results and RPO breaches go (000 §7.5.3(5)). */
  "notification:manage": {
    roles: ["tenant-admin"],
    what: { zh: "添加或删除通知订阅", en: "add or remove notification subscriptions" },
  },
  "notification:read": {
    roles: ["tenant-admin", "tenant-operator", "tenant-auditor"],
    what: { zh: "查看通知订阅", en: "see notification subscriptions" },
  },
} as const satisfies Record<string, Permission>;
export type Action = keyof typeof permissions;

/** How a refusal names a role. */
export const roleNames: Record<PrincipalRole, Bilingual> = {
  "platform-admin": { zh: "平台管理员", en: "a platform administrator" },
  "security-admin": { zh: "安全管理员", en: "a security administrator" },
  "platform-auditor": { zh: "平台审计员", en: "a platform auditor" },
  "tenant-admin": { zh: "单位管理员", en: "a unit administrator" },
  "tenant-operator": { zh: "单位运维人员", en: "a unit operator" },
  "tenant-auditor": { zh: "单位审计员", en: "a unit auditor" },
  [agentRole]: { zh: "该系统的备份代理", en: "the system's backup agent" },
};

/** "a, b or c" in English, "a、b或c" in Chinese. */
const listed = (names: string[], separator: string, last: string) =>
  names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(separator)}${last}${names.at(-1)}`;

/** The refusal people read: who may, and who they are signed in as, in both languages. */
export function refusal(action: Action, callerRoles: readonly PrincipalRole[]): Bilingual {
  const { roles: allowed, what } = permissions[action];
  const names = (list: readonly PrincipalRole[], language: keyof Bilingual) =>
    list.map((role) => roleNames[role][language]);
  return {
    en: `Only ${listed(names(allowed, "en"), ", ", " or ")} may ${what.en}; you are signed in as ${listed(names(callerRoles, "en"), ", ", " and ")}.`,
    zh: `只有${listed(names(allowed, "zh"), "、", "或")}可以${what.zh}；您当前的身份是${listed(names(callerRoles, "zh"), "、", "和")}。`,
  };
}

/**
 * Throws unless the caller may perform `action` on `tenantId`. A tenant user asking about another
 * tenant gets a 404, as if it did not exist (no existence leak); a role without the permission a 403.
 */
export function authorize(claims: SessionClaims, action: Action, tenantId?: string): void {
  const isPlatform = claims.roles.some(isPlatformRole);
  if (tenantId !== undefined && !isPlatform && claims.tid !== tenantId) {
    throw new NotFoundError(`No tenant ${tenantId}`);
  }
  const allowed: readonly PrincipalRole[] = permissions[action].roles;
  if (!claims.roles.some((r) => allowed.includes(r))) {
    throw new ForbiddenError(refusal(action, claims.roles));
  }
}
