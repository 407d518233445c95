import { formatTarget, type Target } from "../../../../shared/classification/targets.ts";
import type { DrPolicy } from "../../../../shared/policies/policy-schema.ts";
import type { Locale } from "../../i18n/locale.ts";
import { policyFieldLabel, policyValueLabel, sourceTypeLabels, weekdayLabels } from "./labels.ts";
import type { Leaf } from "./policy-diff.ts";

/**
 * A policy in words (no JSX, no DOM): its schedule, windows and sources as people say them, for the
 * readable summary and the diff. Unit-tested in tests/unit/web/policy-diff.test.ts.
 */

type Policy = DrPolicy;

export function scheduleText(schedule: Policy["backup"]["schedule"], locale: Locale): string {
  const zh = locale === "zh";
  switch (schedule.kind) {
    case "continuous":
      return zh ? "持续备份（CDP）" : "Continuously (CDP)";
    case "every":
      return zh ? `每 ${schedule.minutes} 分钟一次` : `Every ${schedule.minutes} minutes`;
    case "daily":
      return zh
        ? `每天 ${schedule.at}（${schedule.timezone}）`
        : `Daily at ${schedule.at} (${schedule.timezone})`;
    case "weekly": {
      const day = weekdayLabels[schedule.weekday - 1]?.[locale] ?? String(schedule.weekday);
      return zh
        ? `每${day} ${schedule.at}（${schedule.timezone}）`
        : `Every ${day} at ${schedule.at} (${schedule.timezone})`;
    }
  }
}

export function windowText(window: { start: string; end: string; timezone: string }, locale: Locale): string {
  return locale === "zh"
    ? `${window.start}–${window.end}（${window.timezone}）`
    : `${window.start}–${window.end} (${window.timezone})`;
}

export function sourceText(source: Policy["backup"]["sources"][number], locale: Locale): string {
  const type = sourceTypeLabels[source.type][locale];
  const sep = locale === "zh" ? "：" : ": ";
  switch (source.type) {
    case "directory": {
      const excludes = source.excludes.length
        ? locale === "zh"
          ? `（排除 ${source.excludes.join("、")}）`
          : ` (excluding ${source.excludes.join(", ")})`
        : "";
      return `${type}${sep}${source.path}${excludes}`;
    }
    case "file":
      return `${type}${sep}${source.path}`;
    case "stdin":
      return `${type}${sep}${source.name}`;
    case "s3-prefix":
      return `${type}${sep}s3://${source.bucket}/${source.prefix}`;
    case "dynamodb-table":
      return `${type}${sep}${source.tableArn}`;
  }
}

export function drillText(drill: NonNullable<Policy["drill"]>, locale: Locale): string {
  const hours = drill.periodMinutes % 60 === 0 ? drill.periodMinutes / 60 : undefined;
  if (locale === "zh") {
    const cycle =
      drill.periodMinutes === 1440 ? "每天" : hours ? `每 ${hours} 小时` : `每 ${drill.periodMinutes} 分钟`;
    return `${cycle}一次，自 ${drill.startAt}（${drill.timezone}）起`;
  }
  const cycle =
    drill.periodMinutes === 1440 ? "Daily" : hours ? `Every ${hours} h` : `Every ${drill.periodMinutes} min`;
  return `${cycle}, from ${drill.startAt} (${drill.timezone})`;
}

/** A target in the console's language ("≤1小时" / "≤1 h", "0", "≈0"). */
export const targetText = (target: Target, locale: Locale) => formatTarget(target)[locale];

/** A field's value in the diff: the words for an enumerated value, else the value itself. */
export function leafText(path: string, value: Leaf | undefined, locale: Locale): string {
  if (value === undefined) return "—";
  if (value === "[]") return locale === "zh" ? "（空）" : "(none)";
  if (value === "{}") return locale === "zh" ? "（已设置）" : "(set)";
  const label = policyValueLabel(path, value);
  if (label) return `${label[locale]}`;
  return value === null ? "null" : String(value);
}

export { policyFieldLabel };
