import { describe, expect, it } from "vitest";
import { hasErrors } from "../../../shared/classification/findings.ts";
import { drLevel, importanceClass, recoveryPriority } from "../../../shared/classification/scales.ts";
import { newPolicySchema } from "../../../shared/policies/policy-schema.ts";
import { type SiteRuleSet, siteRuleSets } from "../../../shared/policies/site-rules.ts";
import { requiredTargets, validatePolicy } from "../../../shared/policies/validate-policy.ts";
import { systemInputSchema } from "../../../shared/systems/system.ts";
import { architectures } from "../../../shared/systems/targets-schema.ts";
import {
  defaultPolicyDraft,
  draftToPolicy,
  issuesAt,
  issuesOf,
  newSource,
  policyToDraft,
} from "../../../web/src/pages/systems/policy-model.ts";
import {
  countFindings,
  draftToSystemBody,
  durationDraftOf,
  emptySystemDraft,
  isCompliant,
  reassessmentDue,
  systemTargets,
  systemToDraft,
  withClass,
  wizardStepOf,
} from "../../../web/src/pages/systems/system-model.ts";

const classification = (
  c: number,
  level: number,
  priority: number,
  architecture = "remote-active-standby",
) => ({
  name: "社保业务系统",
  importanceClass: importanceClass(c),
  drLevel: drLevel(level),
  recoveryPriority: recoveryPriority(priority),
  architecture: architecture as (typeof architectures)[number],
});

const filled = (draft: ReturnType<typeof defaultPolicyDraft>) => ({
  ...draft,
  sources: [{ ...newSource("directory"), path: "/srv/app" }],
});

describe("systems pages: the policy form's defaults", () => {
  it("give every class, proposed level and priority a policy the API's schema and rules accept", () => {
    for (const c of [1, 2, 3, 4, 5]) {
      for (const priority of [1, 2, 3, 4, 5]) {
        for (const architecture of architectures) {
          for (const siteRules of Object.keys(siteRuleSets) as SiteRuleSet[]) {
            const system = classification(c, 6 - c, priority, architecture);
            const body = draftToPolicy(filled(defaultPolicyDraft(system, siteRules)));
            const parsed = newPolicySchema.safeParse(body);
            expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
            const findings = validatePolicy({
              system,
              policy: newPolicySchema.parse(body),
              primaryRegion: "cn-north-1",
              siteRules,
            });
            expect(hasErrors(findings), `${c}/${priority}/${architecture}: ${JSON.stringify(findings)}`).toBe(
              false,
            );
          }
        }
      }
    }
  });

  it("meet an agreed RPO tighter than the class's with more frequent backups", () => {
    const system = {
      ...classification(4, 2, 2),
      targetOverride: {
        rpoSeconds: 2 * 3600,
        agreement: {
          provider: "p",
          tenant: "t",
          managementUnit: "m",
          agreedOn: "2026-10-01",
          reference: "r",
        },
      },
    };
    const draft = filled(defaultPolicyDraft(system));
    expect(draft.scheduleKind).toBe("every");
    expect(Number(draft.everyMinutes)).toBeLessThanOrEqual(120);
    const findings = validatePolicy({
      system,
      policy: newPolicySchema.parse(draftToPolicy(draft)),
      primaryRegion: "cn-north-1",
      siteRules: "T/ZBLM 0001-2023",
    });
    expect(hasErrors(findings)).toBe(false);
  });

  it("turn a stored policy into the form and back without changing it", () => {
    const policy = newPolicySchema.parse({
      backup: {
        sources: [
          { type: "directory", path: "/srv/app", excludes: ["/srv/app/tmp", "/srv/app/cache"] },
          { type: "file", path: "/etc/app.conf" },
          { type: "stdin", name: "pg_dump" },
          {
            type: "s3-prefix",
            bucket: "unit-files",
            prefix: "docs/",
            roleArn: "arn:aws-cn:iam::123456789012:role/govdr-source-files",
          },
          { type: "dynamodb-table", tableArn: "arn:aws-cn:dynamodb:cn-north-1:123456789012:table/orders" },
        ],
        type: "full",
        schedule: { kind: "weekly", weekday: 3, at: "23:30", timezone: "Asia/Urumqi" },
        window: { start: "22:00", end: "06:00", timezone: "Asia/Shanghai" },
      },
      retention: { days: 365, objectLockMode: "GOVERNANCE" },
      replication: {
        mode: "database-replication-or-cdp",
        site: "same-city",
        region: "cn-northwest-1",
        distanceKm: 40,
        transport: "managed",
        transferWindow: { start: "20:00", end: "08:00", timezone: "Asia/Shanghai" },
      },
      crypto: { suite: "aes-256-gcm" },
      failover: {
        mode: "automatic",
        approvalRequired: false,
        heartbeat: { intervalSeconds: 15, failureThreshold: 4, timeoutSeconds: 3 },
        adapter: "route53",
        drHealthEndpoint: "https://dr.app.example.gov.cn/health",
        recovery: "promote",
        approvalTimeoutMinutes: 45,
        route53: {
          roleArn: "arn:aws-cn:iam::123456789012:role/govdr-switch-portal",
          hostedZoneId: "Z0123456789ABC",
          recordName: "app.example.gov.cn",
          recordType: "CNAME",
          primaryTarget: "primary.app.example.gov.cn",
          drTarget: "dr.app.example.gov.cn",
          ttlSeconds: 30,
        },
      },
    });
    const fallback = defaultPolicyDraft(classification(3, 3, 3));
    const draft = policyToDraft(policy, fallback);
    expect(draft).toMatchObject({
      heartbeatTimeoutSeconds: "3",
      drHealthEndpoint: "https://dr.app.example.gov.cn/health",
      approvalTimeoutMinutes: "45",
      route53: { hostedZoneId: "Z0123456789ABC", recordType: "CNAME", ttlSeconds: "30" },
    });
    const back = draftToPolicy(draft);
    expect(back).toEqual(policy);

    // The webhook adapter's endpoint, and a policy that leaves the optional fields out.
    const webhook = newPolicySchema.parse({
      ...policy,
      failover: {
        mode: "manual",
        approvalRequired: true,
        adapter: "webhook",
        webhook: { url: "https://lb.example.gov.cn/govdr/switch" },
      },
    });
    expect(draftToPolicy(policyToDraft(webhook, fallback))).toEqual(webhook);

    // Recovery by restore (D-51): the DR site's data location goes with it, and only with it.
    const drData = {
      bucket: "portal-dr-data",
      prefix: "site/",
      roleArn: "arn:aws-cn:iam::123456789012:role/govdr-source-portal-dr",
    };
    const restoring = newPolicySchema.parse({
      ...webhook,
      failover: { ...webhook.failover, recovery: "restore", drData },
    });
    const restoringDraft = policyToDraft(restoring, fallback);
    expect(restoringDraft).toMatchObject({ recovery: "restore", drData });
    expect(draftToPolicy(restoringDraft)).toEqual(restoring);
    expect(draftToPolicy({ ...restoringDraft, recovery: "promote" }).failover.drData).toBeUndefined();
  });

  it("sends only the chosen adapter's settings, and the API names a missing one at its field", () => {
    const draft = {
      ...filled(defaultPolicyDraft(classification(3, 3, 2))),
      adapter: "webhook" as const,
      webhookUrl: "https://lb.example.gov.cn/switch",
      route53: {
        roleArn: "arn:aws-cn:iam::123456789012:role/govdr-switch-portal",
        hostedZoneId: "Z1",
        recordName: "a.example.gov.cn",
        recordType: "A" as const,
        primaryTarget: "10.0.0.1",
        drTarget: "10.1.0.1",
        ttlSeconds: "",
      },
    };
    const body = draftToPolicy(draft);
    expect(body.failover.webhook).toEqual({ url: "https://lb.example.gov.cn/switch" });
    expect(body.failover.route53).toBeUndefined();
    expect(newPolicySchema.safeParse(body).success).toBe(true);

    const routed = draftToPolicy({ ...draft, adapter: "route53" });
    expect(routed.failover.webhook).toBeUndefined();
    expect(routed.failover.route53).toEqual({
      roleArn: "arn:aws-cn:iam::123456789012:role/govdr-switch-portal",
      hostedZoneId: "Z1",
      recordName: "a.example.gov.cn",
      recordType: "A",
      primaryTarget: "10.0.0.1",
      drTarget: "10.1.0.1",
    });

    const missing = newPolicySchema.safeParse(draftToPolicy({ ...draft, webhookUrl: "" }));
    expect(missing.success).toBe(false);
    expect(missing.error?.issues.map((i) => i.path.join("."))).toContain("failover.webhook.url");

    // A probe timeout longer than the interval is the API's to refuse, at the timeout's field.
    const slow = newPolicySchema.safeParse(
      draftToPolicy({
        ...draft,
        heartbeatOn: true,
        heartbeatIntervalSeconds: "5",
        heartbeatTimeoutSeconds: "10",
      }),
    );
    expect(slow.error?.issues.map((i) => i.path.join("."))).toContain("failover.heartbeat.timeoutSeconds");
  });

  it("keep what is typed into a number field, and send what is not a number for the API to name", () => {
    const draft = { ...filled(defaultPolicyDraft(classification(3, 3, 2))), retentionDays: "" };
    const body = draftToPolicy(draft);
    expect(JSON.parse(JSON.stringify(body)).retention.days).toBeNull();
    expect(newPolicySchema.safeParse(JSON.parse(JSON.stringify(body))).success).toBe(false);
  });
});

describe("systems pages: the API's findings by field", () => {
  const rejected = {
    code: "POLICY_REJECTED",
    findings: [
      {
        rule: "R-CL-02",
        code: "POLICY_RPO_UNREACHABLE",
        severity: "error",
        path: "backup.schedule",
        message: { zh: "该策略最多可能丢失4小时的数据", en: "This policy can lose up to 4 h of data" },
      },
      {
        rule: "R-ST-06",
        code: "GOVERNANCE_LOCK_ON_CRITICAL_SYSTEM",
        severity: "warning",
        path: "retention.objectLockMode",
        message: { zh: "建议使用 COMPLIANCE 模式", en: "should use COMPLIANCE mode" },
      },
    ],
    fieldErrors: [{ path: "backup.schedule", message: "[R-CL-02] This policy can lose up to 4 h of data" }],
  };

  it("puts each rule's bilingual finding at the field its path names, once", () => {
    const issues = issuesOf(rejected);
    expect(issues).toHaveLength(2);
    expect(issuesAt(issues, "backup.schedule")).toEqual([
      {
        path: "backup.schedule",
        severity: "error",
        rule: "R-CL-02",
        message: { zh: "该策略最多可能丢失4小时的数据", en: "This policy can lose up to 4 h of data" },
      },
    ]);
    expect(issuesAt(issues, "retention.objectLockMode")[0]?.severity).toBe("warning");
    expect(issuesAt(issues, "backup")).toEqual([]);
  });

  it("names a malformed field by its path when the schema refuses it", () => {
    const issues = issuesOf({
      code: "VALIDATION_FAILED",
      findings: [],
      fieldErrors: [{ path: "drill.periodMinutes", message: "a cycle that divides the day" }],
    });
    expect(issuesAt(issues, "drill.periodMinutes")).toEqual([
      { path: "drill.periodMinutes", severity: "error", message: "a cycle that divides the day" },
    ]);
  });
});

describe("systems pages: the system form", () => {
  it("lets the level and priority follow the class until the user chooses them", () => {
    const draft = withClass(emptySystemDraft("2026-12-07"), 1);
    expect(draft.drLevel).toBe(5);
    expect(draft.recoveryPriority).toBe(5);
    const chosen = withClass({ ...draft, drLevel: 3, drLevelChosen: true }, 4);
    expect(chosen.drLevel).toBe(3);
    expect(chosen.recoveryPriority).toBe(2);
  });

  it("builds a body the API's schema accepts, with the agreed targets and their agreement", () => {
    const draft = {
      ...emptySystemDraft("2026-12-07"),
      name: "  社保业务系统 ",
      healthEndpoint: "https://app.example.gov.cn/health",
      override: true,
      overrideRto: { value: "2", unit: "h" as const },
      overrideRpo: { value: "30", unit: "min" as const },
      agreement: {
        provider: "某云服务商",
        tenant: "某市人社局",
        managementUnit: "某市大数据局",
        agreedOn: "2026-11-30",
        reference: "协议〔2026〕12号",
      },
    };
    const body = draftToSystemBody(draft);
    expect(body.name).toBe("社保业务系统");
    expect(body.targetOverride).toMatchObject({ rtoSeconds: 7200, rpoSeconds: 1800 });
    expect(systemInputSchema.safeParse(body).success).toBe(true);
    const again = systemToDraft(body, "2026-12-07");
    expect(draftToSystemBody(again)).toEqual(body);
    expect(draftToSystemBody({ ...draft, override: false }).targetOverride).toBeUndefined();
  });

  it("computes a system's targets as the API does", () => {
    for (const c of [1, 2, 3, 4, 5]) {
      for (const override of [undefined, { rpoSeconds: 600 }, { rtoSeconds: 7200, rpoSeconds: 0 }]) {
        const system = {
          ...classification(c, 3, 3),
          ...(override
            ? {
                targetOverride: {
                  ...override,
                  agreement: {
                    provider: "p",
                    tenant: "t",
                    managementUnit: "m",
                    agreedOn: "2026-10-01",
                    reference: "r",
                  },
                },
              }
            : {}),
        };
        const { required } = systemTargets(system);
        expect(required).toEqual(requiredTargets(system));
      }
    }
  });

  it("sends a validation error to the wizard step that holds its field", () => {
    expect(wizardStepOf("name")).toBe(1);
    expect(wizardStepOf("dependsOn")).toBe(1);
    expect(wizardStepOf("targetOverride.agreement.provider")).toBe(2);
    expect(wizardStepOf("drLevel")).toBe(2);
  });

  it("shows durations in the largest unit that divides them", () => {
    expect(durationDraftOf(5400, "h")).toEqual({ value: "90", unit: "min" });
    expect(durationDraftOf(86_400, "h")).toEqual({ value: "1", unit: "d" });
    expect(durationDraftOf(0, "h")).toEqual({ value: "0", unit: "s" });
    expect(durationDraftOf(undefined, "h")).toEqual({ value: "", unit: "h" });
  });

  it("counts compliance findings by severity; a note alone is compliant", () => {
    const counts = countFindings([{ severity: "info" }]);
    expect(counts).toEqual({ error: 0, warning: 0, info: 1 });
    expect(isCompliant(counts)).toBe(true);
    expect(isCompliant(countFindings([{ severity: "warning" }, { severity: "error" }]))).toBe(false);
  });

  it("is due for re-assessment a year after the grading (R-CL-11)", () => {
    expect(reassessmentDue("2026-10-01")).toBe("2027-10-01");
  });
});
