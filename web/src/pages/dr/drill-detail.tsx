import { useEffect, useMemo, useState } from "preact/hooks";
import type { DrillStep } from "../../../../shared/drills/drill.ts";
import { api } from "../../api/client.ts";
import { useFormat } from "../../i18n/format.ts";
import { useLocale } from "../../i18n/locale.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { Chart, chartColours } from "../../ui/chart.tsx";
import { Badge, Button, Loading } from "../../ui/controls.tsx";
import { ErrorNotice } from "../../ui/notice.tsx";
import { Section } from "../../ui/tabs.tsx";
import { useLoad, usePoll } from "../../ui/use-load.ts";
import {
  common,
  DrTable,
  drillTypeLabel,
  JobErrorNotice,
  StatusBadge,
  triggerLabel,
  unitNames,
  useHere,
  VerdictBadge,
} from "./common.tsx";
import { achievedVsTargetOption } from "./dr-charts.ts";
import { elapsedSeconds, hasReport, type StepState, stepLines, verifiedRatio } from "./dr-logic.ts";
import { downloadReport, openHtmlReport, type ReportFormat } from "./report.ts";
import type { DrillRecord } from "./responses.ts";

const texts = defineMessages({
  zh: {
    title: (id: string) => `演练 ${id}`,
    status: "状态",
    type: "演练类型",
    trigger: "发起方式",
    started: "开始时间",
    finished: "结束时间",
    elapsed: "已用时间",
    duration: "总用时",
    incident: "假定的事件时间",
    pointInTime: "（按指定的时间点）",
    latest: "（发起演练的时间）",
    recoveryPoint: "恢复点",
    recoveryPointText: (id: string, time: string) => `快照 ${id}，${time}`,
    notPlanned: "尚未确定",
    policy: "灾备策略版本",
    targets: "灾备指标",
    targetsText: (rto: string, rpo: string) => `RTO ${rto}，RPO ${rpo}`,
    sourceAgreement: "（依据：三方约定）",
    sourceClass: (importance: number, level: number) =>
      `（依据：重要等级第${importance}类、灾难恢复能力等级第${level}级）`,
    stepsTitle: "演练步骤",
    stepsLive: "演练进行中，每 2 秒自动刷新。",
    starting: "演练已发起，正在准备第一个步骤。",
    current: (step: string) => `当前步骤：${step}`,
    ended: "演练已结束。",
    stepPlan: "确定恢复点",
    stepRestore: "在沙箱中恢复数据",
    stepVerify: "校验恢复的数据",
    stepEvaluate: "对照指标评估",
    stepReport: "生成演练报告",
    stepCleanup: "清理沙箱",
    stepNotify: "通知相关人员",
    statePending: "等待",
    stateRunning: "进行中",
    stateSucceeded: "已完成",
    stateFailed: "失败",
    stateSkipped: "已跳过",
    stepTimes: (start: string, took: string) => `开始于 ${start}，用时 ${took}`,
    resultTitle: "演练结果",
    verdict: "结论：",
    pass: "全部指标达标，数据完整。",
    fail: "未达到全部要求，请查看下方的问题清单。",
    noVerdict: "演练未能完成，没有得出结论。",
    chartLabel: "实际 RTO/RPO 与目标对比图",
    achieved: "实际",
    target: "目标",
    summary: (rto: string, rtoTarget: string, rpo: string, rpoTarget: string) =>
      `实际 RTO ${rto}（目标 ${rtoTarget}）；实际 RPO ${rpo}（目标 ${rpoTarget}）。`,
    verification: "数据校验",
    expected: "应恢复",
    verified: "已校验一致",
    filesBytes: (files: string, bytes: string) => `${files} 个文件，${bytes}`,
    directories: "目录 / 符号链接",
    restoreTime: "恢复用时 / 校验用时",
    damaged: (count: number) => `${count} 个文件未能恢复或与清单不符：`,
    noDamage: "所有文件均已恢复且与快照清单一致。",
    path: "路径",
    reason: "原因",
    damagedCaption: "受损的文件",
    findings: "问题清单",
    noFindings: "未发现问题。",
    severityError: "不符合",
    severityWarning: "提醒",
    severityInfo: "说明",
    error: "演练中止的原因",
    reportTitle: "演练报告",
    reportIntro: "报告包含时间线、指标对比、数据校验结果、问题清单和附录 C 的八项评估内容，已锁定保存。",
    reportWaiting: "演练结束后即可下载报告。",
    downloadJson: "下载 JSON 报告",
    downloadHtml: "下载 HTML 报告",
    openHtml: "在新标签页查看报告",
    refresh: "刷新",
  },
  en: {
    title: (id: string) => `Drill ${id}`,
    status: "Status",
    type: "Drill type",
    trigger: "Trigger",
    started: "Started",
    finished: "Finished",
    elapsed: "Elapsed",
    duration: "Took",
    incident: "Assumed incident time",
    pointInTime: " (the point in time asked for)",
    latest: " (when the drill started)",
    recoveryPoint: "Recovery point",
    recoveryPointText: (id: string, time: string) => `snapshot ${id} of ${time}`,
    notPlanned: "Not chosen yet",
    policy: "DR policy version",
    targets: "Targets",
    targetsText: (rto: string, rpo: string) => `RTO ${rto}, RPO ${rpo}`,
    sourceAgreement: " (agreed by three parties)",
    sourceClass: (importance: number, level: number) =>
      ` (from importance class ${importance}, DR level ${level})`,
    stepsTitle: "Steps",
    stepsLive: "The drill is running; this refreshes every 2 seconds.",
    starting: "The drill has started; its first step is about to begin.",
    current: (step: string) => `Current step: ${step}`,
    ended: "The drill has ended.",
    stepPlan: "Choose the recovery point",
    stepRestore: "Restore into the sandbox",
    stepVerify: "Verify the restored data",
    stepEvaluate: "Evaluate against the targets",
    stepReport: "Write the report",
    stepCleanup: "Clean up the sandbox",
    stepNotify: "Notify",
    statePending: "Waiting",
    stateRunning: "Running",
    stateSucceeded: "Done",
    stateFailed: "Failed",
    stateSkipped: "Skipped",
    stepTimes: (start: string, took: string) => `started ${start}, took ${took}`,
    resultTitle: "Result",
    verdict: "Verdict:",
    pass: "Every target met and the data is complete.",
    fail: "Not every requirement was met; see the findings below.",
    noVerdict: "The drill could not finish, so it has no verdict.",
    chartLabel: "Achieved RTO and RPO against the targets",
    achieved: "Achieved",
    target: "Target",
    summary: (rto: string, rtoTarget: string, rpo: string, rpoTarget: string) =>
      `Achieved RTO ${rto} (target ${rtoTarget}); achieved RPO ${rpo} (target ${rpoTarget}).`,
    verification: "Verification",
    expected: "Expected",
    verified: "Verified intact",
    filesBytes: (files: string, bytes: string) => `${files} files, ${bytes}`,
    directories: "Directories / symlinks",
    restoreTime: "Restore / verify time",
    damaged: (count: number) => `${count} files could not be restored or did not match the manifest:`,
    noDamage: "Every file was restored and matches the snapshot's manifest.",
    path: "Path",
    reason: "Reason",
    damagedCaption: "Damaged files",
    findings: "Findings",
    noFindings: "No findings.",
    severityError: "Not met",
    severityWarning: "Warning",
    severityInfo: "Note",
    error: "What stopped the drill",
    reportTitle: "Report",
    reportIntro:
      "The report has the timeline, targets against achieved, the verification, the findings and the eight App. C evaluation items; it is stored locked.",
    reportWaiting: "The report can be downloaded once the drill has ended.",
    downloadJson: "Download JSON report",
    downloadHtml: "Download HTML report",
    openHtml: "Open the report in a new tab",
    refresh: "Refresh",
  },
});

type Texts = ReturnType<typeof texts.use>;

const stepName = (t: Texts, step: DrillStep) =>
  ({
    plan: t.stepPlan,
    restore: t.stepRestore,
    verify: t.stepVerify,
    evaluate: t.stepEvaluate,
    report: t.stepReport,
    cleanup: t.stepCleanup,
    notify: t.stepNotify,
  })[step];

const stateLabel = (t: Texts, state: StepState) =>
  ({
    pending: t.statePending,
    running: t.stateRunning,
    succeeded: t.stateSucceeded,
    failed: t.stateFailed,
    skipped: t.stateSkipped,
  })[state];

const stateTone = {
  pending: "neutral",
  running: "info",
  succeeded: "ok",
  failed: "bad",
  skipped: "neutral",
} as const;

/** A clock that ticks every second while `active` (the elapsed time of a running drill). */
function useNow(active: boolean): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    setNow(new Date());
    if (!active) return;
    const timer = window.setInterval(() => setNow(new Date()), 1000);
    return () => window.clearInterval(timer);
  }, [active]);
  return now;
}

function Steps(props: { drill: DrillRecord; now: Date }) {
  const t = texts.use();
  const format = useFormat();
  const lines = stepLines(props.drill, props.now);
  const current = lines.find((line) => line.current);
  const running = props.drill.status === "running";
  return (
    <Section title={t.stepsTitle}>
      <p role="status" class="dr-live" data-testid="drill-live">
        {running ? (current ? t.current(stepName(t, current.name)) : t.starting) : t.ended}
      </p>
      {running ? <p class="field-hint">{t.stepsLive}</p> : null}
      <ol class="dr-steps" data-testid="drill-steps">
        {lines.map((line) => (
          <li
            key={line.name}
            data-state={line.state}
            data-step={line.name}
            aria-current={line.current ? "step" : undefined}
            class={line.current ? "dr-step-current" : undefined}
          >
            <div class="dr-step-head">
              <span class="dr-step-name">{stepName(t, line.name)}</span>
              <Badge tone={stateTone[line.state]}>{stateLabel(t, line.state)}</Badge>
            </div>
            {line.startedAt ? (
              <div class="dr-step-meta">
                {t.stepTimes(format.dateTime(line.startedAt), format.duration(line.seconds))}
              </div>
            ) : null}
            {line.detail ? <div class="dr-step-detail">{line.detail}</div> : null}
          </li>
        ))}
      </ol>
    </Section>
  );
}

function ReportButtons(props: { drill: DrillRecord }) {
  const t = texts.use();
  const [busy, setBusy] = useState<ReportFormat | "open" | undefined>();
  const [error, setError] = useState<unknown>();
  const run = async (which: ReportFormat | "open") => {
    setBusy(which);
    setError(undefined);
    try {
      if (which === "open") await openHtmlReport(props.drill.systemId, props.drill.drillId);
      else await downloadReport(props.drill.systemId, props.drill.drillId, which);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <Section title={t.reportTitle}>
      {hasReport(props.drill) ? (
        <>
          <p class="dr-intro">{t.reportIntro}</p>
          <div class="dr-actions">
            <Button variant="primary" busy={busy === "html"} onClick={() => void run("html")}>
              {t.downloadHtml}
            </Button>
            <Button busy={busy === "json"} onClick={() => void run("json")}>
              {t.downloadJson}
            </Button>
            <Button busy={busy === "open"} onClick={() => void run("open")}>
              {t.openHtml}
            </Button>
          </div>
          <ErrorNotice error={error} />
        </>
      ) : (
        <p class="dr-intro">{t.reportWaiting}</p>
      )}
    </Section>
  );
}

function Result(props: { drill: DrillRecord }) {
  const t = texts.use();
  const format = useFormat();
  const locale = useLocale();
  const { drill } = props;
  const c = common.use();
  const achieved = drill.achieved;
  const option = useMemo(
    () =>
      achievedVsTargetOption({
        measures: [
          { label: "RTO", achieved: achieved?.rtoSeconds ?? null, target: drill.targets.rtoSeconds },
          { label: "RPO", achieved: achieved?.rpoSeconds ?? null, target: drill.targets.rpoSeconds },
        ],
        labels: { achieved: t.achieved, target: t.target },
        duration: format.duration,
        units: unitNames(c),
        palette: chartColours,
      }),
    [drill, locale],
  );
  const summary = t.summary(
    format.duration(achieved?.rtoSeconds),
    format.duration(drill.targets.rtoSeconds),
    format.duration(achieved?.rpoSeconds),
    format.duration(drill.targets.rpoSeconds),
  );
  const v = drill.verification;
  const severity = { error: t.severityError, warning: t.severityWarning, info: t.severityInfo };
  const severityTone = { error: "bad", warning: "warn", info: "info" } as const;
  return (
    <Section title={t.resultTitle}>
      <div class="dr-verdict" data-testid="drill-result">
        <span class="dr-verdict-label">{t.verdict}</span>
        <VerdictBadge verdict={drill.verdict} />
        <span>{drill.verdict === "PASS" ? t.pass : drill.verdict === "FAIL" ? t.fail : t.noVerdict}</span>
      </div>
      {achieved ? (
        <>
          <p>{summary}</p>
          <Chart option={option} label={t.chartLabel} summary={summary} height={170} />
        </>
      ) : null}
      {v ? (
        <>
          <h3>{t.verification}</h3>
          <dl class="facts">
            <dt>{t.expected}</dt>
            <dd>{t.filesBytes(format.number(v.expectedFiles), format.bytes(v.expectedBytes))}</dd>
            <dt>{t.verified}</dt>
            <dd>
              {t.filesBytes(format.number(v.verifiedFiles), format.bytes(v.verifiedBytes))} (
              {format.percent(verifiedRatio(v))})
            </dd>
            <dt>{t.directories}</dt>
            <dd>
              {format.number(v.directories)} / {format.number(v.symlinks)}
            </dd>
            <dt>{t.restoreTime}</dt>
            <dd>
              {format.duration(v.restoreSeconds)} / {format.duration(v.verifySeconds)}
            </dd>
          </dl>
          {v.damagedCount === 0 ? (
            <p>{t.noDamage}</p>
          ) : (
            <>
              <p class="dr-bad-text">{t.damaged(v.damagedCount)}</p>
              <DrTable
                caption={t.damagedCaption}
                captionHidden
                rows={v.damaged}
                rowKey={(d) => d.path}
                empty="—"
                columns={[
                  { key: "path", header: t.path, cell: (d) => <code class="dr-wrap">{d.path}</code> },
                  { key: "reason", header: t.reason, cell: (d) => <span class="dr-wrap">{d.reason}</span> },
                ]}
              />
            </>
          )}
        </>
      ) : null}
      <h3>{t.findings}</h3>
      {drill.findings.length === 0 ? (
        <p>{t.noFindings}</p>
      ) : (
        <ul class="dr-findings">
          {drill.findings.map((finding) => (
            <li key={`${finding.code}-${finding.message.en}`}>
              <Badge tone={severityTone[finding.severity]}>{severity[finding.severity]}</Badge>{" "}
              {finding.message[locale]} <code>{finding.code}</code>
            </li>
          ))}
        </ul>
      )}
      {drill.error ? <JobErrorNotice title={t.error} error={drill.error} /> : null}
    </Section>
  );
}

/** One drill: its facts, its steps live while it runs (polled every 2 s), then its result and report. */
export function DrillDetail(props: { systemId: string; drillId: string }) {
  const t = texts.use();
  const c = common.use();
  const format = useFormat();
  const here = useHere();
  const loaded = useLoad(
    () =>
      api.get("/systems/{systemId}/drills/{drillId}", {
        path: { systemId: props.systemId, drillId: props.drillId },
      }),
    [props.systemId, props.drillId],
  );
  const drill = loaded.data;
  const running = drill?.status === "running";
  usePoll(loaded.reload, running, 2000);
  const now = useNow(running);

  return (
    <>
      <Section
        title={t.title(props.drillId)}
        actions={
          <>
            <Button onClick={loaded.reload} busy={loaded.loading && !running}>
              {t.refresh}
            </Button>
            <a class="button button-secondary" href={here.href()}>
              {c.back}
            </a>
          </>
        }
      >
        <ErrorNotice error={loaded.error} onRetry={loaded.reload} />
        {!drill ? (
          loaded.error ? null : (
            <Loading label={c.loading} />
          )
        ) : (
          <dl class="facts">
            <dt>{t.status}</dt>
            <dd>
              <span data-testid="drill-status" data-status={drill.status}>
                <StatusBadge status={drill.status} />
              </span>
            </dd>
            <dt>{t.type}</dt>
            <dd>{drillTypeLabel(c, drill.type)}</dd>
            <dt>{t.trigger}</dt>
            <dd>{triggerLabel(c, drill.trigger)}</dd>
            <dt>{t.started}</dt>
            <dd>{format.dateTime(drill.startedAt)}</dd>
            <dt>{running ? t.elapsed : t.duration}</dt>
            <dd data-testid="drill-elapsed">{format.duration(elapsedSeconds(drill, now))}</dd>
            {drill.finishedAt ? (
              <>
                <dt>{t.finished}</dt>
                <dd>{format.dateTime(drill.finishedAt)}</dd>
              </>
            ) : null}
            <dt>{t.incident}</dt>
            <dd>
              {format.dateTime(drill.incidentAt)}
              {drill.pointInTime ? t.pointInTime : t.latest}
            </dd>
            <dt>{t.recoveryPoint}</dt>
            <dd>
              {drill.recoveryPoint ? (
                <a href={here.tab("snapshots", { snapshot: drill.recoveryPoint.snapshotId })}>
                  {t.recoveryPointText(
                    drill.recoveryPoint.snapshotId,
                    format.dateTime(drill.recoveryPoint.takenAt),
                  )}
                </a>
              ) : (
                t.notPlanned
              )}
            </dd>
            <dt>{t.targets}</dt>
            <dd>
              {t.targetsText(
                format.duration(drill.targets.rtoSeconds),
                format.duration(drill.targets.rpoSeconds),
              )}
              {drill.targets.source === "agreement"
                ? t.sourceAgreement
                : t.sourceClass(drill.targets.importanceClass, drill.targets.drLevel)}
            </dd>
            <dt>{t.policy}</dt>
            <dd>v{drill.policyVersion}</dd>
          </dl>
        )}
      </Section>
      {drill ? (
        <>
          <Steps drill={drill} now={now} />
          {!running ? <Result drill={drill} /> : null}
          <ReportButtons drill={drill} />
        </>
      ) : null}
    </>
  );
}
