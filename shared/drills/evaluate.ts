import { drLevelSpec } from "../classification/dr-levels.ts";
import { drLevel, type ImportanceClass } from "../classification/scales.ts";
import { formatDuration, limitSeconds } from "../classification/targets.ts";
import { requiredTargets } from "../policies/validate-policy.ts";
import type { SystemClassification } from "../systems/targets-schema.ts";
import type { DrillFinding, DrillRecord, DrillTargets } from "./drill.ts";

/** The targets a drill is judged against: the system's agreed or class RTO/RPO (App. A, R-CL-06). */
export function drillTargets(system: SystemClassification): DrillTargets {
  const required = requiredTargets(system);
  return {
    rtoSeconds: limitSeconds(required.rto),
    rpoSeconds: limitSeconds(required.rpo),
    source: required.source,
    importanceClass: system.importanceClass as ImportanceClass as number,
    drLevel: system.drLevel as number,
  };
}

const seconds = (from: string, to: string) => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
const duration = (s: number) => formatDuration(Math.round(s));

/**
 * Achieved RTO = drill start → data verified (the time a real recovery would have taken to have the
 * data back); achieved RPO = incident time − recovery point (the data a real incident would lose).
 */
export function measure(drill: DrillRecord, verifiedAt?: Date): { rtoSeconds?: number; rpoSeconds: number } {
  if (!drill.recoveryPoint) throw new Error(`drill ${drill.drillId} has no recovery point to measure`);
  return {
    ...(verifiedAt ? { rtoSeconds: seconds(drill.startedAt, verifiedAt.toISOString()) } : {}),
    rpoSeconds: seconds(drill.recoveryPoint.takenAt, drill.incidentAt),
  };
}

/**
 * The verdict: PASS when every file of the recovery point came back intact and the achieved RTO and
 * RPO are within the targets; each shortfall is a finding that says by how much. A tabletop drill
 * restores nothing: it passes when its checklist (the plan and a recovery point) is complete.
 */
export function evaluate(drill: DrillRecord): { verdict: "PASS" | "FAIL"; findings: DrillFinding[] } {
  // From nothing each time: a retried evaluation must not repeat its findings.
  const findings: DrillFinding[] = [];
  const { targets, achieved, verification } = drill;
  if (drill.type !== "tabletop") {
    if (!verification || achieved?.rtoSeconds === undefined) {
      throw new Error(`drill ${drill.drillId} was not restored and verified`);
    }
    if (verification.damagedCount > 0) {
      findings.push({
        code: "DATA_DAMAGED",
        severity: "error",
        message: {
          zh: `${verification.damagedCount} 个文件未能恢复或与清单不符：${verification.damaged
            .slice(0, 5)
            .map((d) => d.path)
            .join("、")}`,
          en: `${verification.damagedCount} files could not be restored or did not match the manifest: ${verification.damaged
            .slice(0, 5)
            .map((d) => d.path)
            .join(", ")}`,
        },
      });
    }
    if (achieved.rtoSeconds > targets.rtoSeconds) {
      findings.push({
        code: "RTO_MISSED",
        severity: "error",
        message: {
          zh: `实际恢复时间 ${duration(achieved.rtoSeconds).zh} 超过目标 ${duration(targets.rtoSeconds).zh}`,
          en: `The achieved RTO of ${duration(achieved.rtoSeconds).en} exceeds the target of ${duration(targets.rtoSeconds).en}`,
        },
      });
    }
  }
  if (achieved && achieved.rpoSeconds > targets.rpoSeconds) {
    findings.push({
      code: "RPO_MISSED",
      severity: "error",
      message: {
        zh: `恢复点距事件时间 ${duration(achieved.rpoSeconds).zh}，超过目标 ${duration(targets.rpoSeconds).zh}：请提高备份频率或改用持续复制`,
        en: `The recovery point is ${duration(achieved.rpoSeconds).en} before the incident, more than the target of ${duration(targets.rpoSeconds).en}: back up more often or replicate continuously`,
      },
    });
  }
  const level = drLevelSpec(drLevel(targets.drLevel));
  if (achieved?.rtoSeconds !== undefined && achieved.rtoSeconds > limitSeconds(level.rto)) {
    findings.push({
      code: "DR_LEVEL_RTO_MISSED",
      severity: "warning",
      message: {
        zh: `实际恢复时间未达到灾备等级 ${targets.drLevel} 的恢复时间目标（附录 B）`,
        en: `The achieved RTO does not meet DR level ${targets.drLevel}'s RTO (App. B)`,
      },
    });
  }
  const verdict = findings.some((f) => f.severity === "error") ? "FAIL" : "PASS";
  return { verdict, findings };
}
