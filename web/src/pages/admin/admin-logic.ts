import {
  roles as allRoles,
  isPlatformRole,
  type Role,
  type RoleConflict,
  roleConflicts,
} from "../../../../shared/identity/roles.ts";
import type { IdentitySettings } from "../../../../shared/identity/settings.ts";
import type { Subscription } from "../../../../shared/notifications/subscription.ts";
import type { TenantStatus } from "../../../../shared/tenants/tenant.ts";
import type { Locale } from "../../i18n/locale.ts";
import { roleLabels } from "../../i18n/roles.ts";

// ── Users and roles ──

/**
 * The roles an administrator may grant (shared/identity/user-service.ts, ROLE_OUT_OF_SCOPE): a unit's
 * administrator its unit's roles, the platform's security administrator the platform's.
 */
export function rolesOfScope(tenantId: string): Role[] {
  const platform = tenantId === "platform";
  return allRoles.filter((role) => isPlatformRole(role) === platform);
}

/** Why these roles cannot go to one user (separation of duties, R-IA-10); empty when they can. */
export const roleProblems = (roles: readonly Role[]): RoleConflict[] => roleConflicts(roles);

/**
 * The API's refusal of a set of roles (400 VALIDATION_FAILED, `fieldErrors[].path` "roles", in
 * English) as the same bilingual conflicts the form shows while ticking: the API words each field
 * error as `roleConflicts` does, so the conflict with that English text is the one it means.
 */
export function refusedRoles(
  roles: readonly Role[],
  fieldErrors: readonly { path: string; message: string }[],
): { conflicts: RoleConflict[]; other: string[] } {
  const known = roleConflicts(roles);
  const conflicts: RoleConflict[] = [];
  const other: string[] = [];
  for (const error of fieldErrors.filter((e) => e.path === "roles" || e.path.startsWith("roles."))) {
    const match = known.find((c) => c.message.en === error.message);
    if (match) conflicts.push(match);
    else other.push(error.message);
  }
  return { conflicts, other };
}

export const roleName = (role: Role | string, locale: Locale) => roleLabels[role as Role]?.[locale] ?? role;

export const roleList = (roles: readonly string[], locale: Locale) =>
  roles.map((role) => roleName(role, locale)).join(locale === "zh" ? "、" : ", ");

/** A conflict's own bilingual message, with the role ids it names replaced by the roles' names. */
export function conflictText(conflict: RoleConflict, locale: Locale): string {
  let text = conflict.message[locale];
  for (const role of [...conflict.roles].sort((a, b) => b.length - a.length)) {
    text = text.replaceAll(role, `“${roleName(role, locale)}”`);
  }
  return locale === "zh" ? text.replace(/\s*“/g, "「").replace(/”\s*/g, "」") : text;
}

/** Same roles, in any order? (A change that changes nothing is not sent.) */
export const sameRoles = (a: readonly Role[], b: readonly Role[]) =>
  new Set(a).size === new Set(b).size && a.every((role) => b.includes(role));

/** Ticks and unticks a role, keeping the catalogue's order. */
export function toggleRole(current: readonly Role[], role: Role, on: boolean): Role[] {
  const set = new Set(current);
  if (on) set.add(role);
  else set.delete(role);
  return allRoles.filter((r) => set.has(r));
}

// ── Identity settings ──

export type SettingName = keyof IdentitySettings;

/**
 * Each setting's bounds and default, as shared/identity/settings.ts declares them (a unit test checks
 * they are the same). Not read from the zod schema here: that module parses its defaults when it is
 * imported, and zod's parser probes for `new Function`, which the console's CSP refuses (and logs).
 */
const settingLimits: Record<SettingName, { min: number; max: number; default: number }> = {
  passwordMinLength: { min: 14, max: 128, default: 14 },
  passwordMaxAgeDays: { min: 1, max: 90, default: 90 },
  lockoutThreshold: { min: 3, max: 20, default: 5 },
  lockoutMinutes: { min: 5, max: 24 * 60, default: 30 },
  sessionMinutes: { min: 5, max: 60, default: 15 },
  idleMinutes: { min: 5, max: 60, default: 15 },
  sessionAbsoluteHours: { min: 1, max: 24, default: 12 },
  reauthenticationMinutes: { min: 1, max: 30, default: 5 },
};
export const settingNames = Object.keys(settingLimits) as SettingName[];

export type SettingUnit = "characters" | "days" | "attempts" | "minutes" | "hours";
export const settingUnits: Record<SettingName, SettingUnit> = {
  passwordMinLength: "characters",
  passwordMaxAgeDays: "days",
  lockoutThreshold: "attempts",
  lockoutMinutes: "minutes",
  sessionMinutes: "minutes",
  idleMinutes: "minutes",
  sessionAbsoluteHours: "hours",
  reauthenticationMinutes: "minutes",
};

/** A setting's bounds and default, as the API checks them. */
export const settingBounds = (name: SettingName) => settingLimits[name];

export type SettingsDraft = Record<SettingName, string>;

export const draftOf = (settings: IdentitySettings): SettingsDraft =>
  Object.fromEntries(settingNames.map((name) => [name, String(settings[name])])) as SettingsDraft;

/**
 * What the administrator changed, ready for PUT /identity/settings (only the changed settings), and
 * which typed values are not whole numbers within their bounds (those are not sent).
 */
export function changedSettings(
  current: IdentitySettings,
  draft: SettingsDraft,
): { changes: Partial<IdentitySettings>; invalid: SettingName[] } {
  const changes: Partial<IdentitySettings> = {};
  const invalid: SettingName[] = [];
  for (const name of settingNames) {
    const text = draft[name].trim();
    const value = Number(text);
    const { min, max } = settingBounds(name);
    if (text === "" || !Number.isInteger(value) || value < min || value > max) {
      invalid.push(name);
      continue;
    }
    if (value !== current[name]) changes[name] = value;
  }
  return { changes, invalid };
}

// ── Units ──

/**
 * A unit's statuses, in the order the units page offers them (shared/tenants/tenant.ts; a unit test
 * checks they are the same). Not imported as a value: that module builds zod schemas when imported,
 * and zod probes for `new Function`, which the console's CSP refuses (and logs).
 */
export const tenantStatuses = [
  "pending",
  "active",
  "suspended",
  "rejected",
  "exiting",
] as const satisfies readonly TenantStatus[];

export type TenantAction = "approve" | "reject" | "suspend" | "resume" | "exit";

/** What a platform administrator can do with a unit in each status (shared/tenants/tenant.ts). */
export function tenantActions(status: TenantStatus): TenantAction[] {
  switch (status) {
    case "pending":
      return ["approve", "reject"];
    case "active":
      return ["suspend", "exit"];
    case "suspended":
      return ["resume", "exit"];
    default:
      return [];
  }
}

/** The allow-list as typed, one CIDR a line: blank lines and surrounding spaces dropped. */
export const ipListOf = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");

/**
 * The API's field errors about the allow-list (`ipAllowList.3`: the fourth entry) as "line N: what
 * is wrong", numbered as the user sees the list (blank lines not counted away from what they typed).
 */
export function ipListErrors(
  text: string,
  fieldErrors: readonly { path: string; message: string }[],
): { line: number; entry: string; message: string }[] {
  const lineNumbers: number[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() !== "") lineNumbers.push(index + 1);
  });
  const entries = ipListOf(text);
  const errors: { line: number; entry: string; message: string }[] = [];
  for (const error of fieldErrors) {
    const match = /^ipAllowList\.(\d+)$/.exec(error.path);
    if (!match) continue;
    const index = Number(match[1]);
    errors.push({
      line: lineNumbers[index] ?? index + 1,
      entry: entries[index] ?? "",
      message: error.message,
    });
  }
  return errors;
}

// ── Notifications ──

/**
 * What a unit can be notified about (shared/notifications/subscription.ts; a unit test checks they
 * are the same). Not imported as a value: that module's zod schemas probe for `new Function` when
 * built, which the console's CSP refuses (and logs).
 */
export const notificationKinds = [
  "drill-result",
  "rpo-breach",
  "rpo-restored",
  "job-failed",
] as const satisfies readonly Subscription["kinds"][number][];

/** Every kind ticked is the API's default (no `kinds`); otherwise the ones ticked. */
export function kindsToSend<K extends string>(all: readonly K[], ticked: readonly K[]): K[] | undefined {
  return all.every((kind) => ticked.includes(kind)) ? undefined : all.filter((kind) => ticked.includes(kind));
}

/**
 * The form after loading newer settings (a 409 STALE_VERSION): what the user edited stays, every
 * setting they did not touch shows its newest value.
 */
export function rebaseDraft(
  draft: SettingsDraft,
  before: IdentitySettings,
  after: IdentitySettings,
): SettingsDraft {
  const next = draftOf(after);
  for (const name of settingNames) {
    if (draft[name].trim() !== String(before[name])) next[name] = draft[name];
  }
  return next;
}
