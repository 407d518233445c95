import type { Finding } from "../../../../shared/classification/findings.ts";
import { importanceClassSpec } from "../../../../shared/classification/importance-classes.ts";
import type { ImportanceClass } from "../../../../shared/classification/scales.ts";
import type { Target } from "../../../../shared/classification/targets.ts";
import { useLocale } from "../../i18n/locale.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { Badge, Button } from "../../ui/controls.tsx";
import { severityLabels } from "./labels.ts";
import { targetText } from "./policy-text.ts";
import { countFindings, isCompliant } from "./system-model.ts";
import "./systems.css";

/** Words the systems pages share. */
export const shared = defineMessages({
  zh: {
    loading: "正在加载…",
    more: "加载更多",
    classN: (n: number) => `第${n}类`,
    levelN: (n: number) => `第${n}级`,
    priorityN: (n: number) => `${n}级`,
    importanceClass: "重要等级",
    drLevel: "灾难恢复能力等级",
    recoveryPriority: "恢复优先级",
    rto: "RTO（恢复时间目标）",
    rpo: "RPO（恢复点目标）",
    targets: "灾备指标",
    agreed: "三方约定",
    classDefault: "按重要等级",
    noPolicy: "未设置策略",
    policyVersion: (n: number) => `策略 v${n}`,
    compliant: "符合要求",
    errors: (n: number) => `${n} 项不符合`,
    warnings: (n: number) => `${n} 项提醒`,
    notes: (n: number) => `${n} 项提示`,
    rule: "依据",
    cancel: "取消",
  },
  en: {
    loading: "Loading…",
    more: "Load more",
    classN: (n: number) => `Class ${n}`,
    levelN: (n: number) => `Level ${n}`,
    priorityN: (n: number) => `Priority ${n}`,
    importanceClass: "Importance class",
    drLevel: "DR level",
    recoveryPriority: "Recovery priority",
    rto: "RTO (recovery time objective)",
    rpo: "RPO (recovery point objective)",
    targets: "DR targets",
    agreed: "agreed by three parties",
    classDefault: "from the class",
    noPolicy: "no policy",
    policyVersion: (n: number) => `policy v${n}`,
    compliant: "compliant",
    errors: (n: number) => `${n} error${n === 1 ? "" : "s"}`,
    warnings: (n: number) => `${n} warning${n === 1 ? "" : "s"}`,
    notes: (n: number) => `${n} note${n === 1 ? "" : "s"}`,
    rule: "Rule",
    cancel: "Cancel",
  },
});

/** "第3类 较重要" / "Class 3 · Fairly important". */
export function classText(importanceClass: number, locale: "zh" | "en"): string {
  const spec = importanceClassSpec(importanceClass as ImportanceClass);
  const t = shared.in(locale);
  return locale === "zh"
    ? `${t.classN(importanceClass)} ${spec.label.zh}`
    : `${t.classN(importanceClass)} · ${spec.label.en}`;
}

export function TargetValue(props: { target: Target }) {
  const locale = useLocale();
  return <span class="target">{targetText(props.target, locale)}</span>;
}

/** The policy's version as a badge: "no policy" while none is set. */
export function PolicyBadge(props: { version: number }) {
  const t = shared.use();
  return props.version === 0 ? (
    <Badge tone="warn">{t.noPolicy}</Badge>
  ) : (
    <Badge tone="info">{t.policyVersion(props.version)}</Badge>
  );
}

/** Compliant, or how many findings of each severity. */
export function ComplianceBadges(props: { findings: readonly Pick<Finding, "severity" | "message">[] }) {
  const t = shared.use();
  const locale = useLocale();
  const counts = countFindings(props.findings);
  if (isCompliant(counts) && counts.info === 0) return <Badge tone="ok">{t.compliant}</Badge>;
  return (
    <span class="badges" title={props.findings.map((finding) => finding.message[locale]).join("\n")}>
      {isCompliant(counts) ? <Badge tone="ok">{t.compliant}</Badge> : null}
      {counts.error ? <Badge tone="bad">{t.errors(counts.error)}</Badge> : null}
      {counts.warning ? <Badge tone="warn">{t.warnings(counts.warning)}</Badge> : null}
      {counts.info ? <Badge tone="neutral">{t.notes(counts.info)}</Badge> : null}
    </span>
  );
}

const tones = { error: "bad", warning: "warn", info: "neutral" } as const;

/** Findings in the console's language, with their severity and the requirement they apply. */
export function FindingList(props: {
  findings: readonly { rule?: string; severity: string; message: { zh: string; en: string } | string }[];
  empty?: string;
}) {
  const locale = useLocale();
  const t = shared.use();
  if (props.findings.length === 0) return props.empty ? <p class="muted">{props.empty}</p> : null;
  return (
    <ul class="finding-list">
      {props.findings.map((finding, index) => {
        const severity = (
          finding.severity === "warning" || finding.severity === "info" ? finding.severity : "error"
        ) as keyof typeof tones;
        return (
          <li key={index} data-severity={severity}>
            <Badge tone={tones[severity]}>{severityLabels[severity][locale]}</Badge>{" "}
            {typeof finding.message === "string" ? finding.message : finding.message[locale]}
            {finding.rule ? (
              <span class="finding-rule">
                {locale === "zh" ? `（${t.rule} ${finding.rule}）` : ` (${t.rule} ${finding.rule})`}
              </span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

/** "Load more" under a paged list. */
export function MoreButton(props: { hasMore: boolean; loading: boolean; onMore: () => void }) {
  const t = shared.use();
  if (!props.hasMore) return null;
  return (
    <div class="more">
      <Button busy={props.loading} onClick={props.onMore}>
        {t.more}
      </Button>
    </div>
  );
}
