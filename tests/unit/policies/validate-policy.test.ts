import { describe, expect, it } from "vitest";
import { hasErrors } from "../../../shared/classification/findings.ts";
import { type DrPolicy, drPolicySchema } from "../../../shared/policies/policy-schema.ts";
import { type PolicyContext, validatePolicy } from "../../../shared/policies/validate-policy.ts";
import {
  type SystemClassification,
  systemClassificationSchema,
} from "../../../shared/systems/targets-schema.ts";

const system = (overrides: Partial<Record<keyof SystemClassification, unknown>> = {}): SystemClassification =>
  systemClassificationSchema.parse({
    name: "社保查询",
    importanceClass: 3,
    drLevel: 3,
    recoveryPriority: 3,
    architecture: "remote-active-standby",
    ...overrides,
  });

/** A policy that fits a class-3, priority-3 system; each test changes what it is about. */
const basePolicy = {
  backup: {
    sources: [{ type: "directory", path: "/srv/data" }],
    type: "incremental",
    schedule: { kind: "every", minutes: 30 },
  },
  retention: { days: 90, objectLockMode: "COMPLIANCE" },
  replication: {
    mode: "database-replication-or-cdp",
    site: "remote",
    region: "cn-northwest-1",
    distanceKm: 1200,
  },
  crypto: { suite: "sm4-ctr+hmac-sm3" },
  drill: { type: "simulated", periodMinutes: 1440, startAt: "02:37", timezone: "Asia/Shanghai" },
  failover: { mode: "manual", approvalRequired: true, adapter: "record" },
};

function policy(patch: (p: typeof basePolicy) => unknown = (p) => p): DrPolicy {
  return drPolicySchema.parse(patch(structuredClone(basePolicy)));
}

const ctx = (p: DrPolicy, s = system()): PolicyContext => ({
  system: s,
  policy: p,
  primaryRegion: "cn-north-1",
  siteRules: "T/ZBLM 0001-2023",
});
const codes = (c: PolicyContext) => validatePolicy(c).map((f) => f.code);

describe("validatePolicy", () => {
  it("accepts a policy that fits its system's class and priority", () => {
    expect(validatePolicy(ctx(policy()))).toEqual([]);
  });

  it("R-CL-02: refuses a 24-hourly backup for an RPO ≤1 h system, naming the rule and the fix", () => {
    const daily = policy((p) => ({
      ...p,
      backup: { ...p.backup, schedule: { kind: "daily", at: "01:00", timezone: "Asia/Shanghai" } },
      replication: { ...p.replication, mode: "scheduled-backup" },
    }));

    const findings = validatePolicy(ctx(daily, system({ recoveryPriority: 2 })));

    expect(findings).toEqual([
      expect.objectContaining({
        rule: "R-CL-02",
        code: "POLICY_RPO_UNREACHABLE",
        severity: "error",
        path: "backup.schedule",
      }),
    ]);
    expect(findings[0]?.message.en).toBe(
      'This policy can lose up to 24 h of data, but system "社保查询" has RPO ≤1 h (class 3): back up at least every 1 h, or replicate continuously.',
    );
    expect(findings[0]?.message.zh).toContain("最多可能丢失24小时的数据");
  });

  it("000 §7.5.10(3): counts the wait a transfer window adds, and names the window as what to change", () => {
    const windowed = policy((p) => ({
      ...p,
      replication: {
        ...p.replication,
        mode: "scheduled-backup",
        transport: "managed",
        transferWindow: { start: "22:00", end: "06:00", timezone: "Asia/Shanghai" },
      },
    }));

    const findings = validatePolicy(ctx(windowed, system({ recoveryPriority: 2 })));

    expect(findings).toEqual([
      expect.objectContaining({ code: "POLICY_RPO_UNREACHABLE", path: "replication.transferWindow" }),
    ]);
    expect(findings[0]?.message.en).toBe(
      'This policy can lose up to 990 min of data, but system "社保查询" has RPO ≤1 h (class 3): widen the transfer window 22:00–06:00 (outside it a copy waits up to 16 h), or drop it.',
    );
  });

  it("counts the gap a backup window leaves overnight: every 30 min but only 22:00–06:00 loses up to 16 h", () => {
    const windowed = policy((p) => ({
      ...p,
      backup: { ...p.backup, window: { start: "22:00", end: "06:00", timezone: "Asia/Shanghai" } },
      replication: { ...p.replication, mode: "scheduled-backup" },
    }));

    const [finding] = validatePolicy(ctx(windowed, system({ recoveryPriority: 2 })));

    expect(finding?.code).toBe("POLICY_RPO_UNREACHABLE");
    expect(finding?.message.en).toContain("can lose up to 16 h of data");
  });

  it("R-CL-06: judges against the agreed RPO when the three parties agreed one", () => {
    const hourly = policy((p) => ({
      ...p,
      backup: { ...p.backup, schedule: { kind: "every", minutes: 60 } },
      replication: { ...p.replication, mode: "scheduled-backup" },
    }));
    const agreed = system({
      importanceClass: 4,
      drLevel: 2,
      recoveryPriority: 2,
      targetOverride: {
        rpoSeconds: 15 * 60,
        agreement: {
          provider: "政务云运营方",
          tenant: "市人社局",
          managementUnit: "市大数据局",
          agreedOn: "2026-10-01",
          reference: "DR-2026-17",
        },
      },
    });

    const [finding] = validatePolicy(ctx(hourly, agreed));

    expect(finding?.message.en).toContain("RPO ≤15 min (the agreed value)");
  });

  it("R-CL-06: refuses an override without the three-party agreement record", () => {
    const parsed = systemClassificationSchema.safeParse({ ...system(), targetOverride: { rpoSeconds: 60 } });

    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join("."))).toContain("targetOverride.agreement");
  });

  it("R-CL-08: refuses a priority-5 system without real-time replication and automatic switchover", () => {
    const p5 = system({ importanceClass: 1, drLevel: 5, recoveryPriority: 5 });

    const findings = validatePolicy(ctx(policy(), p5)).filter((f) => f.rule === "R-CL-08");

    expect(findings.map((f) => [f.code, f.path])).toEqual([
      ["PRIORITY_SCHEME_NOT_MET", "replication.mode"],
      ["PRIORITY_SCHEME_NOT_MET", "failover.mode"],
    ]);
    expect(findings[0]?.message.en).toMatch(
      /^A priority-5 system needs a Table 1 scheme: \(1\) Business continuity plus real-time replication\. .* This policy lacks replication of at least "real-time"\.$/,
    );
  });

  it("R-CL-08: accepts a priority-5 system with real-time replication, automatic switchover and a heartbeat", () => {
    const p5 = system({ importanceClass: 1, drLevel: 5, recoveryPriority: 5 });
    const fit = policy((p) => ({
      ...p,
      replication: { ...p.replication, mode: "real-time" },
      failover: {
        mode: "automatic",
        approvalRequired: false,
        adapter: "webhook",
        heartbeat: { intervalSeconds: 30, failureThreshold: 3 },
      },
    }));

    expect(validatePolicy(ctx(fit, p5))).toEqual([]);
  });

  it("R-CL-02: a 15-minute RTO needs automatic switchover; restoring from backup cannot meet 1 h", () => {
    const class1 = system({ importanceClass: 1, drLevel: 5, recoveryPriority: 4 });
    const realTime = (p: typeof basePolicy) => ({
      ...p,
      replication: { ...p.replication, mode: "real-time" },
    });

    expect(codes(ctx(policy(realTime), class1))).toEqual(["POLICY_RTO_UNREACHABLE"]);
    const restore = policy((p) => ({ ...realTime(p), failover: { ...p.failover, mode: "restore-from-dr" } }));
    expect(
      validatePolicy(ctx(restore, system({ importanceClass: 2, drLevel: 4, recoveryPriority: 2 }))),
    ).toEqual([expect.objectContaining({ code: "POLICY_RTO_UNREACHABLE", severity: "error" })]);
  });

  it("R-CL-10: flags a same-city site at 60 km and a remote site at 150 km under T/ZBLM 0001", () => {
    const at = (site: string, distanceKm: number) =>
      policy((p) => ({ ...p, replication: { ...p.replication, site, distanceKm } }));
    const p1 = system({ recoveryPriority: 1, importanceClass: 4, drLevel: 2 });

    expect(codes(ctx(at("same-city", 60), p1))).toEqual(["SITE_DISTANCE_OUT_OF_RANGE"]);
    expect(codes(ctx(at("remote", 150)))).toEqual(["SITE_DISTANCE_OUT_OF_RANGE"]);
    expect(codes(ctx(at("remote", 200)))).toEqual([]);
    expect(codes({ ...ctx(at("remote", 200)), siteRules: "Chongqing-001" })).toEqual([
      "SITE_DISTANCE_OUT_OF_RANGE",
    ]);
    expect(codes({ ...ctx(at("same-city", 100), p1), siteRules: "Chongqing-001" })).toEqual([]);
  });

  it("refuses replication into the primary region itself", () => {
    const same = policy((p) => ({ ...p, replication: { ...p.replication, region: "cn-north-1" } }));

    expect(codes(ctx(same))).toEqual(["DR_REGION_IS_PRIMARY"]);
  });

  it("R-BK-08: refuses a daily backup time outside the backup window", () => {
    const outside = policy((p) => ({
      ...p,
      backup: {
        ...p.backup,
        schedule: { kind: "daily", at: "14:00", timezone: "Asia/Shanghai" },
        window: { start: "22:00", end: "06:00", timezone: "Asia/Shanghai" },
      },
    }));

    expect(codes(ctx(outside))).toEqual(["BACKUP_OUTSIDE_WINDOW"]);
  });

  it("R-FO-02: automatic switchover needs a heartbeat; R-ST-06: warns about GOVERNANCE locks on class 1–2", () => {
    const p = policy((x) => ({
      ...x,
      replication: { ...x.replication, mode: "real-time" },
      retention: { days: 30, objectLockMode: "GOVERNANCE" },
      failover: { mode: "automatic", approvalRequired: false, adapter: "route53" },
    }));
    const findings = validatePolicy(ctx(p, system({ importanceClass: 2, drLevel: 4, recoveryPriority: 4 })));

    expect(findings.map((f) => [f.code, f.severity])).toEqual([
      ["HEARTBEAT_REQUIRED", "error"],
      ["GOVERNANCE_LOCK_ON_CRITICAL_SYSTEM", "warning"],
    ]);
    expect(hasErrors(findings)).toBe(true);
  });
});

describe("drPolicySchema", () => {
  it("R-DRL-04/05: accepts a 24 h drill cycle set to the minute, refuses a longer cycle or a vague time", () => {
    const drill = (d: object) =>
      drPolicySchema.safeParse({ ...basePolicy, drill: { ...basePolicy.drill, ...d } });

    expect(drill({ periodMinutes: 1440, startAt: "02:37" }).success).toBe(true);
    expect(drill({ periodMinutes: 60 }).success).toBe(true);
    const tooLong = drill({ periodMinutes: 1441 });
    expect(tooLong.error?.issues[0]).toMatchObject({
      path: ["drill", "periodMinutes"],
      message: expect.stringMatching(/24 hours/),
    });
    expect(drill({ startAt: "2:37" }).error?.issues[0]?.message).toMatch(/HH:MM/);
    expect(drill({ timezone: "Mars/Olympus" }).error?.issues[0]?.message).toMatch(/IANA time zone/);
  });
});
