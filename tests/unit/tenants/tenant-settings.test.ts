import { describe, expect, it } from "vitest";
import { ConflictError } from "../../../shared/errors.ts";
import {
  changeTenantSettings,
  keyDeletionDate,
  tenantSettingsChangeSchema,
  transitionTenant,
} from "../../../shared/tenants/tenant.ts";
import { makeTenant } from "../../support/identity-fixtures.ts";

const now = new Date("2026-11-21T08:00:00.000Z");

describe("tenant settings", () => {
  it("R-CL-10: a unit chooses its site distance rules; the default is T/ZBLM 0001", () => {
    const tenant = makeTenant(now);
    expect(tenant.siteRuleSet).toBe("T/ZBLM 0001-2023");

    const next = changeTenantSettings(tenant, { version: 1, siteRuleSet: "Chongqing-001" }, now);

    expect(next).toMatchObject({ siteRuleSet: "Chongqing-001", version: 2, ipAllowList: [] });
  });

  it("R-IA-04: takes IPv4 and IPv6 blocks for the allow-list and refuses anything else", () => {
    expect(
      tenantSettingsChangeSchema.safeParse({ version: 1, ipAllowList: ["10.20.0.0/16", "2001:db8::/32"] })
        .success,
    ).toBe(true);
    for (const bad of [
      ["10.20.0.0"],
      ["10.20.0.0/33"],
      ["example.gov.cn/24"],
      Array(51).fill("10.0.0.0/8"),
    ]) {
      expect(
        tenantSettingsChangeSchema.safeParse({ version: 1, ipAllowList: bad }).success,
        String(bad[0]),
      ).toBe(false);
    }
    expect(tenantSettingsChangeSchema.safeParse({ version: 1, status: "active" }).success).toBe(false);
  });

  it("refuses a change based on an older version of the tenant", () => {
    const tenant = { ...makeTenant(now), version: 3 };

    expect(() => changeTenantSettings(tenant, { version: 2, siteRuleSet: "Chongqing-001" }, now)).toThrow(
      ConflictError,
    );
  });
});

describe("service exit schedules crypto-shredding (R-EX-02, R-EX-06)", () => {
  it("schedules key deletion one calendar month after the exit request", () => {
    const exited = transitionTenant(makeTenant(now), "exit", "u-admin", now);

    expect(exited.exit).toEqual({
      requestedAt: now.toISOString(),
      requestedBy: "u-admin",
      keyDeletionScheduledFor: "2026-12-21T08:00:00.000Z",
    });
  });

  it("counts calendar months at month ends: 31 January gives the last day of February", () => {
    expect(keyDeletionDate(new Date("2027-01-31T10:00:00.000Z")).toISOString()).toBe(
      "2027-02-28T10:00:00.000Z",
    );
    expect(keyDeletionDate(new Date("2026-12-15T00:00:00.000Z")).toISOString()).toBe(
      "2027-01-15T00:00:00.000Z",
    );
  });
});
