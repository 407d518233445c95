import { serverSourceFindings } from "../backups/policy-rules.ts";
import { drLevelSpec } from "../classification/dr-levels.ts";
import type { Finding } from "../classification/findings.ts";
import { importanceClassSpec } from "../classification/importance-classes.ts";
import { prioritySchemeSpec, rank } from "../classification/priority-schemes.ts";
import {
  atMost,
  formatDuration,
  formatTarget,
  limitSeconds,
  meets,
  type Target,
} from "../classification/targets.ts";
import { restoreRecoveryFindings } from "../failover/restore-recovery.ts";
import type { SystemClassification } from "../systems/targets-schema.ts";
import { achievableRpo, insideWindow, longestTransferWaitMinutes } from "./achievable.ts";
import type { DrPolicy } from "./policy-schema.ts";
import { type SiteRuleSet, siteRuleSets } from "./site-rules.ts";

export interface PolicyContext {
  system: SystemClassification;
  policy: DrPolicy;
  primaryRegion: string;
  siteRules: SiteRuleSet;
}

type Rule = (ctx: PolicyContext) => Finding[];

/** The targets a policy must meet: the agreed override (R-CL-06), else the class defaults (R-CL-02). */
export function requiredTargets(system: SystemClassification): {
  rto: Target;
  rpo: Target;
  source: "agreement" | "class";
} {
  const cls = importanceClassSpec(system.importanceClass);
  const override = system.targetOverride;
  return {
    rto: override?.rtoSeconds !== undefined ? atMost(override.rtoSeconds) : cls.rto,
    rpo: override?.rpoSeconds !== undefined ? atMost(override.rpoSeconds) : cls.rpo,
    source: override ? "agreement" : "class",
  };
}

const describeTargetSource = (ctx: PolicyContext) =>
  requiredTargets(ctx.system).source === "agreement"
    ? { zh: "约定值", en: "the agreed value" }
    : { zh: `第${ctx.system.importanceClass}类默认值`, en: `class ${ctx.system.importanceClass}` };

const rpoReachable: Rule = (ctx) => {
  const required = requiredTargets(ctx.system).rpo;
  const offered = achievableRpo(ctx.policy);
  if (meets(offered, required) !== "no") return [];
  const source = describeTargetSource(ctx);
  const loss = offered.kind === "max" ? formatDuration(offered.seconds) : formatTarget(offered);
  const { transferWindow, ...unwindowed } = ctx.policy.replication;
  const windowIsTheCause =
    transferWindow !== undefined &&
    meets(achievableRpo({ ...ctx.policy, replication: unwindowed }), required) !== "no";
  const how = windowIsTheCause
    ? {
        zh: `放宽传输窗口 ${transferWindow.start}–${transferWindow.end}（复制在窗口外最多等待${formatDuration(longestTransferWaitMinutes(ctx.policy.replication) * 60).zh}），或取消窗口`,
        en: `widen the transfer window ${transferWindow.start}–${transferWindow.end} (outside it a copy waits up to ${formatDuration(longestTransferWaitMinutes(ctx.policy.replication) * 60).en}), or drop it`,
      }
    : required.kind === "zero"
      ? { zh: "改用实时复制", en: "use real-time replication" }
      : {
          zh: `至少每${formatDuration(Math.max(limitSeconds(required), 60)).zh}备份一次，或改用持续复制`,
          en: `back up at least every ${formatDuration(Math.max(limitSeconds(required), 60)).en}, or replicate continuously`,
        };
  return [
    {
      rule: "R-CL-02",
      code: "POLICY_RPO_UNREACHABLE",
      severity: "error",
      path: windowIsTheCause
        ? "replication.transferWindow"
        : offered.kind === "max"
          ? "backup.schedule"
          : "replication.mode",
      message: {
        zh: `该策略最多可能丢失${loss.zh}的数据，但系统“${ctx.system.name}”的 RPO 为 ${formatTarget(required).zh}（${source.zh}）：请${how.zh}。`,
        en: `This policy can lose up to ${loss.en} of data, but system "${ctx.system.name}" has RPO ${formatTarget(required).en} (${source.en}): ${how.en}.`,
      },
    },
  ];
};

const rtoReachable: Rule = (ctx) => {
  const rto = limitSeconds(requiredTargets(ctx.system).rto);
  const mode = ctx.policy.failover.mode;
  const problem =
    rto <= 15 * 60 && mode !== "automatic"
      ? { need: { zh: "自动切换", en: "automatic switchover" }, severity: "error" as const }
      : rto <= 3600 && mode === "restore-from-dr"
        ? {
            need: { zh: "热备或冷备切换（手动或自动）", en: "a standby to switch to (manual or automatic)" },
            severity: "error" as const,
          }
        : rto <= 4 * 3600 && mode === "restore-from-dr"
          ? {
              need: {
                zh: "备用系统，或经演练证明恢复时间达标",
                en: "a standby, or a drill proving the restore is fast enough",
              },
              severity: "warning" as const,
            }
          : undefined;
  if (!problem) return [];
  const target = formatTarget(atMost(rto));
  return [
    {
      rule: "R-CL-02",
      code: "POLICY_RTO_UNREACHABLE",
      severity: problem.severity,
      path: "failover.mode",
      message: {
        zh: `系统“${ctx.system.name}”的 RTO 为 ${target.zh}，切换方式“${mode}”难以达到，需要${problem.need.zh}。`,
        en: `System "${ctx.system.name}" has RTO ${target.en}, which failover mode "${mode}" cannot be relied on to meet; it needs ${problem.need.en}.`,
      },
    },
  ];
};

const priorityScheme: Rule = (ctx) => {
  const spec = prioritySchemeSpec(ctx.system.recoveryPriority);
  const { replication, failover } = ctx.policy;
  const missing: { path: string; zh: string; en: string }[] = [];
  if (rank.replication(replication.mode) < rank.replication(spec.minimum.replication)) {
    missing.push({
      path: "replication.mode",
      zh: `数据复制方式至少为“${spec.minimum.replication}”`,
      en: `replication of at least "${spec.minimum.replication}"`,
    });
  }
  if (rank.switchover(failover.mode) < rank.switchover(spec.minimum.switchover)) {
    missing.push({
      path: "failover.mode",
      zh: `切换方式至少为“${spec.minimum.switchover}”`,
      en: `switchover of at least "${spec.minimum.switchover}"`,
    });
  }
  if (spec.minimum.remoteDrSystem && replication.site !== "remote") {
    missing.push({ path: "replication.site", zh: "远程完整灾备系统", en: "a complete remote DR system" });
  }
  return missing.map((m) => ({
    rule: "R-CL-08",
    code: "PRIORITY_SCHEME_NOT_MET",
    severity: "error",
    path: m.path,
    message: {
      zh: `恢复优先级为${spec.priority}级的系统须采用《可选灾备方案表》（表1）中的方案：${spec.schemes.zh}。当前策略缺少：${m.zh}。`,
      en: `A priority-${spec.priority} system needs a Table 1 scheme: ${spec.schemes.en} This policy lacks ${m.en}.`,
    },
  }));
};

const siteDistance: Rule = (ctx) => {
  const rules = siteRuleSets[ctx.siteRules];
  const { site, distanceKm } = ctx.policy.replication;
  const ok =
    site === "same-city"
      ? distanceKm <= rules.sameCityMaxKm
      : rules.remoteInclusive
        ? distanceKm >= rules.remoteMinKm
        : distanceKm > rules.remoteMinKm;
  if (ok) return [];
  const limit =
    site === "same-city"
      ? { zh: `不超过${rules.sameCityMaxKm}公里`, en: `at most ${rules.sameCityMaxKm} km` }
      : {
          zh: `${rules.remoteInclusive ? "不少于" : "超过"}${rules.remoteMinKm}公里`,
          en: `${rules.remoteInclusive ? "at least" : "more than"} ${rules.remoteMinKm} km`,
        };
  return [
    {
      rule: "R-CL-10",
      code: "SITE_DISTANCE_OUT_OF_RANGE",
      severity: "error",
      path: "replication.distanceKm",
      message: {
        zh: `按 ${rules.label}，${site === "same-city" ? "同城" : "异地"}灾备中心距主数据中心应${limit.zh}，当前为${distanceKm}公里。`,
        en: `Under ${rules.label}, a ${site} DR site must be ${limit.en} from the primary data centre; this one is ${distanceKm} km away.`,
      },
    },
  ];
};

const drRegionDiffers: Rule = (ctx) =>
  ctx.policy.replication.region === ctx.primaryRegion
    ? [
        {
          rule: "R-CL-10",
          code: "DR_REGION_IS_PRIMARY",
          severity: "error",
          path: "replication.region",
          message: {
            zh: `灾备区域不能与主区域（${ctx.primaryRegion}）相同。`,
            en: `The DR region must differ from the primary region (${ctx.primaryRegion}).`,
          },
        },
      ]
    : [];

const backupInsideWindow: Rule = (ctx) => {
  const { schedule, window } = ctx.policy.backup;
  if (
    !window ||
    (schedule.kind !== "daily" && schedule.kind !== "weekly") ||
    insideWindow(schedule.at, window)
  ) {
    return [];
  }
  return [
    {
      rule: "R-BK-08",
      code: "BACKUP_OUTSIDE_WINDOW",
      severity: "error",
      path: "backup.schedule.at",
      message: {
        zh: `备份时间 ${schedule.at} 不在备份窗口 ${window.start}–${window.end} 内。`,
        en: `Backups at ${schedule.at} fall outside the backup window ${window.start}–${window.end}.`,
      },
    },
  ];
};

const automaticNeedsHeartbeat: Rule = (ctx) =>
  ctx.policy.failover.mode === "automatic" && !ctx.policy.failover.heartbeat
    ? [
        {
          rule: "R-FO-02",
          code: "HEARTBEAT_REQUIRED",
          severity: "error",
          path: "failover.heartbeat",
          message: {
            zh: "自动切换需要配置心跳检测（间隔与连续失败阈值）。",
            en: "Automatic switchover needs a heartbeat (interval and consecutive-failure threshold).",
          },
        },
      ]
    : [];

const immutabilityForCriticalSystems: Rule = (ctx) =>
  ctx.system.importanceClass <= 2 && ctx.policy.retention.objectLockMode !== "COMPLIANCE"
    ? [
        {
          rule: "R-ST-06",
          code: "GOVERNANCE_LOCK_ON_CRITICAL_SYSTEM",
          severity: "warning",
          path: "retention.objectLockMode",
          message: {
            zh: `第${ctx.system.importanceClass}类系统建议使用 COMPLIANCE 模式：GOVERNANCE 模式下有权限的人员可以删除备份。`,
            en: `Class ${ctx.system.importanceClass} systems should use COMPLIANCE mode: under GOVERNANCE, privileged users can delete backups.`,
          },
        },
      ]
    : [];

const levelMatchesTargets: Rule = (ctx) => {
  const level = drLevelSpec(ctx.system.drLevel);
  return meets(level.rpo, requiredTargets(ctx.system).rpo) === "no" ||
    meets(level.rto, requiredTargets(ctx.system).rto) === "no"
    ? [
        {
          rule: "R-CL-03",
          code: "LEVEL_BELOW_TARGETS",
          severity: "warning",
          path: "drLevel",
          message: {
            zh: `系统登记的灾难恢复能力第${level.level}级（RTO ${formatTarget(level.rto).zh}，RPO ${formatTarget(level.rpo).zh}）低于其目标。`,
            en: `The system's DR level ${level.level} (RTO ${formatTarget(level.rto).en}, RPO ${formatTarget(level.rpo).en}) is below its targets.`,
          },
        },
      ]
    : [];
};

export const policyRules: Rule[] = [
  rpoReachable,
  rtoReachable,
  priorityScheme,
  siteDistance,
  drRegionDiffers,
  backupInsideWindow,
  automaticNeedsHeartbeat,
  immutabilityForCriticalSystems,
  levelMatchesTargets,
  // Server-side sources (D-43): their roles, no platform resources, a schedule rather than "continuous".
  (ctx) => serverSourceFindings(ctx.policy),
  // Recovery by restore (D-51): where the DR site's data goes, and the one S3 source it comes from.
  (ctx) => restoreRecoveryFindings(ctx.policy),
];

/** Every finding of every rule; a policy with an error finding must be refused. */
export function validatePolicy(ctx: PolicyContext): Finding[] {
  return policyRules.flatMap((rule) => rule(ctx));
}
