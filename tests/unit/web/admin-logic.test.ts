import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../../cli/paths.ts";
import { roleConflicts } from "../../../shared/identity/roles.ts";
import { defaultIdentitySettings, identitySettingsSchema } from "../../../shared/identity/settings.ts";
import { UserService } from "../../../shared/identity/user-service.ts";
import { notificationKinds as apiKinds } from "../../../shared/notifications/subscription.ts";
import { tenantStatuses as apiStatuses, tenantSchema } from "../../../shared/tenants/tenant.ts";
import {
  changedSettings,
  conflictText,
  draftOf,
  ipListErrors,
  ipListOf,
  kindsToSend,
  notificationKinds,
  rebaseDraft,
  refusedRoles,
  rolesOfScope,
  sameRoles,
  settingBounds,
  settingNames,
  tenantActions,
  tenantStatuses,
  toggleRole,
} from "../../../web/src/pages/admin/admin-logic.ts";

describe("users and roles: scope and separation of duties as the console explains them (R-IA-10)", () => {
  it("offers a unit's administrator the unit's roles and the security administrator the platform's", () => {
    expect(rolesOfScope("t-abcdefabcdef")).toEqual(["tenant-admin", "tenant-operator", "tenant-auditor"]);
    expect(rolesOfScope("platform")).toEqual(["platform-admin", "security-admin", "platform-auditor"]);
  });

  it("names the roles of a conflict by their titles, in both languages, without the role ids", () => {
    const [conflict] = roleConflicts(["tenant-admin", "tenant-auditor"]);
    expect(conflict).toBeDefined();
    if (!conflict) return;
    expect(conflictText(conflict, "zh")).toBe(
      "根据三权分立要求，同一用户不能同时担任「单位管理员」与「单位审计员」。",
    );
    expect(conflictText(conflict, "en")).toBe(
      "Separation of duties: one user cannot hold both “Unit administrator” and “Unit auditor”.",
    );
  });

  it("explains the API's refusal of roles with the same bilingual conflicts the form shows, and keeps unknown ones", async () => {
    // The API's own refusal, from the service that makes it.
    const service = new UserService({
      users: {} as never,
      settings: async () => defaultIdentitySettings,
      now: () => new Date(),
    });
    const caller = { sub: "u-aaaaaaaaaaaa", tid: "t-abcdefabcdef" } as never;
    const refusal = await service
      .create(caller, {
        userName: "op.one",
        displayName: "运维",
        roles: ["tenant-operator", "tenant-auditor"],
      })
      .catch((error: { fieldErrors: { path: string; message: string }[] }) => error);
    const fieldErrors = (refusal as { fieldErrors: { path: string; message: string }[] }).fieldErrors;
    const explained = refusedRoles(
      ["tenant-operator", "tenant-auditor"],
      [...fieldErrors, { path: "roles", message: "something else" }, { path: "userName", message: "taken" }],
    );
    expect(explained.conflicts.map((c) => c.roles)).toEqual([["tenant-operator", "tenant-auditor"]]);
    expect(explained.other).toEqual(["something else"]);
  });

  it("toggles roles in the catalogue's order and compares sets regardless of order", () => {
    expect(toggleRole(["tenant-auditor"], "tenant-admin", true)).toEqual(["tenant-admin", "tenant-auditor"]);
    expect(toggleRole(["tenant-admin", "tenant-auditor"], "tenant-admin", false)).toEqual(["tenant-auditor"]);
    expect(sameRoles(["tenant-admin", "tenant-operator"], ["tenant-operator", "tenant-admin"])).toBe(true);
    expect(sameRoles(["tenant-admin"], ["tenant-admin", "tenant-operator"])).toBe(false);
  });
});

describe("identity settings: bounds, the change sent, and a reload after a conflict", () => {
  it("shows every setting with the bounds and default the API checks", () => {
    expect([...settingNames].sort()).toEqual(Object.keys(identitySettingsSchema.shape).sort());
    for (const name of settingNames) {
      const schema = identitySettingsSchema.shape[name].unwrap();
      expect(settingBounds(name), name).toEqual({
        min: schema.minValue,
        max: schema.maxValue,
        default: defaultIdentitySettings[name],
      });
    }
  });

  it("sends only the changed settings and holds back values outside their bounds", () => {
    const draft = { ...draftOf(defaultIdentitySettings), lockoutThreshold: "6", idleMinutes: " 15 " };
    expect(changedSettings(defaultIdentitySettings, draft)).toEqual({
      changes: { lockoutThreshold: 6 },
      invalid: [],
    });
    const bad = { ...draft, passwordMinLength: "12", passwordMaxAgeDays: "30.5", sessionMinutes: "" };
    expect(changedSettings(defaultIdentitySettings, bad).invalid).toEqual([
      "passwordMinLength",
      "passwordMaxAgeDays",
      "sessionMinutes",
    ]);
  });

  it("keeps the user's edits over newer settings and takes the newer value of every untouched one", () => {
    const draft = { ...draftOf(defaultIdentitySettings), lockoutThreshold: "7" };
    const newer = { ...defaultIdentitySettings, idleMinutes: 20, lockoutThreshold: 4 };
    const rebased = rebaseDraft(draft, defaultIdentitySettings, newer);
    expect(rebased.lockoutThreshold).toBe("7");
    expect(rebased.idleMinutes).toBe("20");
    expect(changedSettings(newer, rebased).changes).toEqual({ lockoutThreshold: 7 });
  });
});

describe("units: actions by status and the IP allow-list", () => {
  it("knows the statuses the API lists units by", () => {
    expect([...tenantStatuses]).toEqual([...apiStatuses]);
  });

  it("offers approve/reject for pending units, suspend/exit for active, resume/exit for suspended, none otherwise", () => {
    expect(tenantActions("pending")).toEqual(["approve", "reject"]);
    expect(tenantActions("active")).toEqual(["suspend", "exit"]);
    expect(tenantActions("suspended")).toEqual(["resume", "exit"]);
    expect(tenantActions("rejected")).toEqual([]);
    expect(tenantActions("exiting")).toEqual([]);
  });

  it("reads one CIDR a line and puts the API's errors on the line the user typed", () => {
    const text = "10.20.0.0/16\n\n  192.168.1.0/33 \n2001:db8::/32\n";
    expect(ipListOf(text)).toEqual(["10.20.0.0/16", "192.168.1.0/33", "2001:db8::/32"]);
    const parsed = tenantSchema.shape.ipAllowList.safeParse(ipListOf(text));
    expect(parsed.success).toBe(false);
    const fieldErrors = (parsed.error?.issues ?? []).map((issue) => ({
      path: ["ipAllowList", ...issue.path].join("."),
      message: issue.message,
    }));
    expect(ipListErrors(text, fieldErrors)).toEqual([
      { line: 3, entry: "192.168.1.0/33", message: expect.any(String) },
    ]);
  });
});

describe("notifications: the kinds sent", () => {
  it("knows the API's notification kinds, and sends none when all are ticked (the API's default)", () => {
    expect([...notificationKinds]).toEqual([...apiKinds]);
    expect(kindsToSend(notificationKinds, [...notificationKinds])).toBeUndefined();
    expect(kindsToSend(notificationKinds, ["job-failed", "drill-result"])).toEqual([
      "drill-result",
      "job-failed",
    ]);
  });
});

describe("what the admin pages import from shared/", () => {
  it("builds no zod parser when imported, so the console's CSP has nothing to refuse (checked in a fresh process)", () => {
    // Every shared/ module the admin pages import as a value (not `import type`), and their own logic.
    const dir = path.join(projectRoot, "web/src/pages/admin");
    const modules = new Set([path.join(dir, "admin-logic.ts")]);
    for (const file of readdirSync(dir).filter((name) => /\.tsx?$/.test(name))) {
      const source = readFileSync(path.join(dir, file), "utf8");
      for (const match of source.matchAll(/^import \{[^}]*\} from "((?:\.\.\/)+shared\/[^"]+)"/gm)) {
        modules.add(path.resolve(dir, match[1] as string));
      }
    }
    expect(modules.size).toBeGreaterThan(1);
    const probe = (files: string[]) =>
      execFileSync(
        path.join(projectRoot, "node_modules/.bin/tsx"),
        [
          "-e",
          `const F = Function; let n = 0;
           globalThis.Function = new Proxy(F, { construct(t, a) { n++; return Reflect.construct(t, a); } });
           (async () => { for (const m of ${JSON.stringify(files)}) await import(m); console.log(n); })();`,
        ],
        { encoding: "utf8" },
      ).trim();
    expect(probe([...modules])).toBe("0");
    // The probe does see a module that builds a parser when imported.
    expect(probe([path.join(projectRoot, "shared/notifications/subscription.ts")])).toBe("1");
  }, 30_000);
});
