import { type DrLevelSpec, drLevelSpec } from "./dr-levels.ts";
import type { Finding } from "./findings.ts";
import { type ImportanceClassSpec, importanceClassSpec } from "./importance-classes.ts";
import { type DrLevel, drLevel, type ImportanceClass } from "./scales.ts";
import { formatTarget, meets } from "./targets.ts";

/**
 * Class N and DR level 6−N carry the same targets (R-CL-05), so the level proposed for a class is
 * 6−N. The proposal comes with the assessment of that level, which for class 2 explains the one
 * mismatch in the standard (RPO ≈0 against level 4's ≤1 min).
 */
export function proposeDrLevel(c: ImportanceClass): { level: DrLevel; findings: Finding[] } {
  const level = drLevel(6 - c);
  return { level, findings: assessDrLevel(c, level) };
}

/**
 * Explains how a chosen DR level relates to a system's importance class: an error for each target
 * the level cannot guarantee, a warning where it only approximately does, and a note when the level
 * exceeds the class (more cost than the class requires). The level stays the operator's choice.
 */
export function assessDrLevel(c: ImportanceClass, level: DrLevel): Finding[] {
  const cls = importanceClassSpec(c);
  const lvl = drLevelSpec(level);
  const findings = (["rto", "rpo"] as const).flatMap((target) => compareTarget(cls, lvl, target));
  if (level > 6 - c) {
    findings.push({
      rule: "R-CL-05",
      code: "LEVEL_EXCEEDS_CLASS",
      severity: "info",
      path: "drLevel",
      message: {
        zh: `灾难恢复能力第${level}级高于${cls.label.zh}（第${c}类）系统所需的第${6 - c}级，成本更高。`,
        en: `DR level ${level} exceeds level ${6 - c}, which is what class ${c} (${cls.label.en}) requires; it costs more.`,
      },
    });
  }
  return findings;
}

function compareTarget(cls: ImportanceClassSpec, lvl: DrLevelSpec, target: "rto" | "rpo"): Finding[] {
  const verdict = meets(lvl[target], cls[target]);
  if (verdict === "yes") return [];
  const name = target.toUpperCase();
  const offered = formatTarget(lvl[target]);
  const required = formatTarget(cls[target]);
  if (verdict === "approximately") {
    return [
      {
        rule: "R-CL-05",
        code: `LEVEL_${name}_APPROXIMATE`,
        severity: "warning",
        path: "drLevel",
        message: {
          zh: `第${lvl.level}级保证 ${name} ${offered.zh}，而第${cls.class}类要求 ${name} ${required.zh}：须保持数据持续复制，使 ${name} 在1分钟以内，或选择第5级。`,
          en: `Level ${lvl.level} guarantees ${name} ${offered.en}, while class ${cls.class} expects ${name} ${required.en}: keep replication continuous so ${name} stays under a minute, or choose level 5.`,
        },
      },
    ];
  }
  return [
    {
      rule: "R-CL-03",
      code: `LEVEL_${name}_TOO_WEAK`,
      severity: "error",
      path: "drLevel",
      message: {
        zh: `第${lvl.level}级只保证 ${name} ${offered.zh}，达不到第${cls.class}类（${cls.label.zh}）要求的 ${name} ${required.zh}。`,
        en: `Level ${lvl.level} only guarantees ${name} ${offered.en}, which does not meet class ${cls.class} (${cls.label.en}): ${name} ${required.en}.`,
      },
    },
  ];
}
