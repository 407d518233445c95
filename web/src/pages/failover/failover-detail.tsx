import { useEffect, useMemo, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { isApiError } from "../../api/api-error.ts";
import { api, saveBlob } from "../../api/client.ts";
import { useFormat } from "../../i18n/format.ts";
import { useLocale } from "../../i18n/locale.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { can, useSession } from "../../session/session.ts";
import { Chart, chartColours } from "../../ui/chart.tsx";
import { Badge, Button, Loading, TextAreaField } from "../../ui/controls.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { ErrorNotice, Notice } from "../../ui/notice.tsx";
import { Section } from "../../ui/tabs.tsx";
import { useLoad, usePoll } from "../../ui/use-load.ts";
import { common, JobErrorNotice, unitNames } from "../dr/common.tsx";
import { achievedVsTargetOption } from "../dr/dr-charts.ts";
import { KindLabel, PhaseBar, StepTimeline, SwitchStatusBadge, useNow, words } from "./common.tsx";
import { timingsOption } from "./failover-charts.ts";
import {
  approvalSecondsLeft,
  awaitsDecision,
  currentStep,
  elapsedSeconds,
  isEnded,
  phaseLines,
  reasonBody,
  switchoverTargets,
  timingRows,
  waveProgress,
} from "./failover-logic.ts";
import type { Switchover } from "./responses.ts";

const texts = defineMessages({
  zh: {
    title: (kind: string, id: string) => `${kind} ${id}`,
    back: "返回切换记录",
    status: "状态",
    phase: "当前阶段",
    trigger: "发起方式",
    requestedBy: "发起人",
    reason: "原因",
    declared: "事件宣告时间（RTO 起算）",
    started: "开始时间",
    finished: "结束时间",
    elapsed: "已用时间",
    duration: "总用时",
    undoes: "对应的切换",
    phasesLabel: "切换阶段",
    live: "切换进行中，每 2 秒自动刷新。",
    ended: "切换已结束。",
    approvalTitle: "审批",
    approvalNeeded: "本次切换须经审批。",
    approvalNotNeeded: "本次切换无须审批。",
    approvalReason: "依据",
    requestedAt: "提交审批时间",
    deadline: "审批截止时间",
    left: (time: string) => `（剩余 ${time}）`,
    expiredNow: "（已超时）",
    decision: "审批结果",
    decided: { approved: "已批准", rejected: "已驳回", expired: "已超时" },
    decidedBy: (who: string, at: string) => `${who}，${at}`,
    comment: "审批意见（选填）",
    approve: "批准切换",
    reject: "驳回",
    cannotApprove: "等待本单位管理员审批；您的角色不能审批切换。",
    waiting: "等待审批：批准后开始切换；驳回或超时则停止，不做任何切换。",
    precheckTitle: "切换前检查",
    noFindings: "未发现问题。",
    severity: { error: "不符合", warning: "提醒", info: "说明" },
    wavesTitle: "切换批次与步骤",
    waveHead: (n: number, switched: number, total: number) => `第 ${n} 批（已切换 ${switched}/${total}）`,
    systemHead: (name: string) => name,
    now: (step: string) => `当前：${step}`,
    achievedRto: (rto: string, target: string) => `实际 RTO ${rto}（目标 ${target}）`,
    resultTitle: "切换结果",
    chartLabel: "实际 RTO/RPO 与目标对比图",
    achieved: "实际",
    target: "目标",
    summary: (rto: string, rtoTarget: string, rpo: string, rpoTarget: string) =>
      `实际 RTO ${rto}（目标 ${rtoTarget}）；实际 RPO ${rpo}（目标 ${rpoTarget}）。`,
    timingsTitle: "用时构成",
    timingsLabel: "切换用时构成图（发现、审批、恢复、切换）",
    timingsSummary: (d: string, a: string, r: string, s: string, total: string) =>
      `发现 ${d}，审批 ${a}，恢复 ${r}，切换 ${s}，合计 ${total}。`,
    timing: { detection: "发现故障", approval: "等待审批", recovery: "启用灾备", switch: "切换路由" },
    total: (time: string) => `合计 ${time}`,
    error: "切换停止的原因",
    reportTitle: "应急处置报告",
    reportIntro: "报告包含时间线、各系统的步骤、实际 RTO/RPO 与目标对比、审批记录和检查结果。",
    reportWaiting: "切换结束后即可查看报告。",
    openHtml: "在新标签页查看报告",
    downloadJson: "下载 JSON 报告",
    failBackTitle: "回切",
    failBackIntro: "把本次切换到灾备站点的系统按相反的批次顺序回切到主站点。",
    failBack: "回切这些系统",
    failBackConfirm: "确认回切到主站点？平台先把灾备期间的数据回同步到主站点，经审批后按批次切换路由。",
    confirm: "确认发起",
    cancel: "取消",
    refresh: "刷新",
  },
  en: {
    title: (kind: string, id: string) => `${kind} ${id}`,
    back: "Back to the failovers",
    status: "Status",
    phase: "Phase",
    trigger: "Trigger",
    requestedBy: "Requested by",
    reason: "Reason",
    declared: "Declared (the RTO counts from here)",
    started: "Started",
    finished: "Finished",
    elapsed: "Elapsed",
    duration: "Took",
    undoes: "Failover it undoes",
    phasesLabel: "Phases of the switchover",
    live: "The switchover is under way; this refreshes every 2 seconds.",
    ended: "The switchover has ended.",
    approvalTitle: "Approval",
    approvalNeeded: "This switchover needs an approval.",
    approvalNotNeeded: "This switchover needs no approval.",
    approvalReason: "Why",
    requestedAt: "Requested",
    deadline: "Deadline",
    left: (time: string) => ` (${time} left)`,
    expiredNow: " (expired)",
    decision: "Decision",
    decided: { approved: "Approved", rejected: "Rejected", expired: "Expired" },
    decidedBy: (who: string, at: string) => `${who}, ${at}`,
    comment: "Comment (optional)",
    approve: "Approve",
    reject: "Reject",
    cannotApprove: "Waiting for your unit's administrator: your role cannot approve switchovers.",
    waiting:
      "Awaiting approval: once approved the switch begins; rejected or expired, it stops and switches nothing.",
    precheckTitle: "Precheck",
    noFindings: "No findings.",
    severity: { error: "Error", warning: "Warning", info: "Note" },
    wavesTitle: "Waves and steps",
    waveHead: (n: number, switched: number, total: number) => `Wave ${n} (${switched}/${total} switched)`,
    systemHead: (name: string) => name,
    now: (step: string) => `Now: ${step}`,
    achievedRto: (rto: string, target: string) => `achieved RTO ${rto} (target ${target})`,
    resultTitle: "Result",
    chartLabel: "Achieved RTO and RPO against the targets",
    achieved: "Achieved",
    target: "Target",
    summary: (rto: string, rtoTarget: string, rpo: string, rpoTarget: string) =>
      `Achieved RTO ${rto} (target ${rtoTarget}); achieved RPO ${rpo} (target ${rpoTarget}).`,
    timingsTitle: "Where the time went",
    timingsLabel: "Time of the switchover by part (detection, approval, recovery, switch)",
    timingsSummary: (d: string, a: string, r: string, s: string, total: string) =>
      `Detection ${d}, approval ${a}, recovery ${r}, switch ${s}; ${total} in all.`,
    timing: { detection: "Detection", approval: "Approval", recovery: "Recovery", switch: "Switch" },
    total: (time: string) => `${time} in all`,
    error: "What stopped the switchover",
    reportTitle: "Emergency-response report",
    reportIntro:
      "The report has the timeline, each system's steps, the achieved RTO/RPO against the targets, the approval and the precheck.",
    reportWaiting: "The report is ready once the switchover has ended.",
    openHtml: "Open the report in a new tab",
    downloadJson: "Download JSON report",
    failBackTitle: "Fail back",
    failBackIntro:
      "Fail the systems this failover moved back to their primary sites, in the reverse order of its waves.",
    failBack: "Fail these systems back",
    failBackConfirm:
      "Fail these systems back to their primary sites? The data written at the DR site is first synced back; the routes move wave by wave once approved.",
    confirm: "Start",
    cancel: "Cancel",
    refresh: "Refresh",
  },
});

const fetchReport = (failoverId: string, format: "html" | "json") =>
  api.blob("/failovers/{failoverId}/report", { path: { failoverId }, query: { format } });

async function openReport(failoverId: string) {
  const tab = window.open("", "_blank");
  if (tab) tab.opener = null;
  try {
    const blob = await fetchReport(failoverId, "html");
    const url = URL.createObjectURL(new Blob([blob], { type: "text/html;charset=utf-8" }));
    if (tab) tab.location.href = url;
    else window.location.assign(url);
    window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    tab?.close();
    throw error;
  }
}

function ApprovalBox(props: { switchover: Switchover; now: Date; onDecided: () => void }) {
  const t = texts.use();
  const format = useFormat();
  const session = useSession();
  const { switchover, now } = props;
  const { approval } = switchover;
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState<"approve" | "reject" | undefined>();
  const [error, setError] = useState<unknown>();
  const mayDecide = can("POST /failovers/{failoverId}/approve", session);
  const open = awaitsDecision(switchover, now);
  const left = approvalSecondsLeft(switchover, now);
  const decide = async (which: "approve" | "reject") => {
    setBusy(which);
    setError(undefined);
    try {
      const body = comment.trim() ? { comment: comment.trim() } : {};
      const path = { failoverId: switchover.switchId };
      if (which === "approve") await api.post("/failovers/{failoverId}/approve", { path, body });
      else await api.post("/failovers/{failoverId}/reject", { path, body });
      setComment("");
      props.onDecided();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <Section title={t.approvalTitle}>
      <div class={open ? "fo-approval fo-approval-open" : "fo-approval"} data-testid="approval">
        <p>{approval.required ? t.approvalNeeded : t.approvalNotNeeded}</p>
        <dl class="facts">
          <dt>{t.approvalReason}</dt>
          <dd>{approval.reason}</dd>
          {approval.requestedAt ? (
            <>
              <dt>{t.requestedAt}</dt>
              <dd>{format.dateTime(approval.requestedAt)}</dd>
            </>
          ) : null}
          {approval.expiresAt ? (
            <>
              <dt>{t.deadline}</dt>
              <dd data-testid="approval-deadline">
                {format.dateTime(approval.expiresAt)}
                {approval.decision
                  ? null
                  : left === 0
                    ? t.expiredNow
                    : left !== undefined
                      ? t.left(format.duration(left))
                      : null}
              </dd>
            </>
          ) : null}
          {approval.decision ? (
            <>
              <dt>{t.decision}</dt>
              <dd data-testid="approval-decision" data-decision={approval.decision}>
                <Badge tone={approval.decision === "approved" ? "ok" : "bad"}>
                  {t.decided[approval.decision]}
                </Badge>{" "}
                {approval.decidedBy
                  ? t.decidedBy(approval.decidedBy, format.dateTime(approval.decidedAt))
                  : format.dateTime(approval.decidedAt)}
                {approval.comment ? <blockquote class="fo-quote">{approval.comment}</blockquote> : null}
              </dd>
            </>
          ) : null}
        </dl>
        {open ? (
          mayDecide ? (
            <>
              <Notice tone="warn">{t.waiting}</Notice>
              <div class="dr-narrow fo-reason">
                <TextAreaField
                  label={t.comment}
                  rows={2}
                  value={comment}
                  onValue={setComment}
                  error={isApiError(error) ? error.fieldError("comment") : undefined}
                />
              </div>
              <ErrorNotice error={error} />
              <div class="dr-actions">
                <Button variant="primary" busy={busy === "approve"} onClick={() => void decide("approve")}>
                  {t.approve}
                </Button>
                <Button variant="danger" busy={busy === "reject"} onClick={() => void decide("reject")}>
                  {t.reject}
                </Button>
              </div>
            </>
          ) : (
            <Notice tone="info">{t.cannotApprove}</Notice>
          )
        ) : null}
      </div>
    </Section>
  );
}

function Waves(props: { switchover: Switchover; now: Date }) {
  const t = texts.use();
  const w = words.use();
  const format = useFormat();
  const { switchover, now } = props;
  return (
    <Section title={t.wavesTitle}>
      {switchover.waves.map((wave) => {
        const progress = waveProgress(wave);
        return (
          <section
            key={wave.index}
            class="fo-wave"
            data-testid={`wave-${wave.index}`}
            data-status={wave.status}
            aria-current={switchover.currentWave === wave.index && !isEnded(switchover) ? "step" : undefined}
          >
            <h3>
              {t.waveHead(wave.index + 1, progress.switched, progress.total)}{" "}
              <Badge
                tone={wave.status === "completed" ? "ok" : wave.status === "running" ? "info" : "neutral"}
              >
                {w.waveStatus[wave.status]}
              </Badge>
            </h3>
            <div class="fo-systems">
              {wave.systems.map((system) => {
                const step = currentStep(system);
                return (
                  <article
                    key={system.systemId}
                    class="fo-system"
                    data-testid={`system-${system.systemId}`}
                    data-status={system.status}
                  >
                    <header class="fo-system-head">
                      <a href={`/systems/${system.systemId}/failover`}>{t.systemHead(system.name)}</a>{" "}
                      <span class="muted">{w.fromTo(w.site[system.from], w.site[system.to])}</span>{" "}
                      <Badge
                        tone={
                          system.status === "switched"
                            ? "ok"
                            : system.status === "running"
                              ? "info"
                              : system.status === "pending"
                                ? "neutral"
                                : "bad"
                        }
                      >
                        <span data-testid="system-status">{w.systemStatus[system.status]}</span>
                      </Badge>
                    </header>
                    {step && system.status === "running" ? (
                      <p class="dr-live" data-testid="system-step">
                        {t.now(w.step[step])}
                      </p>
                    ) : null}
                    {system.achieved ? (
                      <p data-testid="system-rto">
                        {t.achievedRto(
                          format.duration(system.achieved.rtoSeconds),
                          format.duration(system.targets.rtoSeconds),
                        )}{" "}
                        {system.withinTargets !== undefined ? (
                          <Badge tone={system.withinTargets ? "ok" : "bad"}>
                            {system.withinTargets ? "✓" : "✗"}
                          </Badge>
                        ) : null}
                      </p>
                    ) : null}
                    <StepTimeline system={system} now={now} />
                    {system.error ? <JobErrorNotice title={t.error} error={system.error} /> : null}
                  </article>
                );
              })}
            </div>
          </section>
        );
      })}
    </Section>
  );
}

function Result(props: { switchover: Switchover }) {
  const t = texts.use();
  const c = common.use();
  const format = useFormat();
  const locale = useLocale();
  const { switchover } = props;
  const targets = switchoverTargets(switchover);
  const achieved = switchover.achieved;
  const rtoOption = useMemo(
    () =>
      achievedVsTargetOption({
        measures: [
          { label: "RTO", achieved: achieved?.rtoSeconds ?? null, target: targets.rtoSeconds },
          ...(switchover.kind === "failover"
            ? [{ label: "RPO", achieved: achieved?.rpoSeconds ?? null, target: targets.rpoSeconds }]
            : []),
        ],
        labels: { achieved: t.achieved, target: t.target },
        duration: format.duration,
        units: unitNames(c),
        palette: chartColours,
      }),
    [switchover, locale],
  );
  const timings = timingRows(switchover.timings);
  const timingOption = useMemo(
    () =>
      timings
        ? timingsOption({
            rows: timings.rows,
            labels: t.timing,
            duration: format.duration,
            units: unitNames(c),
            palette: chartColours,
          })
        : undefined,
    [switchover, locale],
  );
  if (!achieved && !timings) return null;
  const summary = t.summary(
    format.duration(achieved?.rtoSeconds),
    format.duration(targets.rtoSeconds),
    format.duration(achieved?.rpoSeconds),
    format.duration(targets.rpoSeconds),
  );
  const seconds = (key: string) => format.duration(timings?.rows.find((r) => r.key === key)?.seconds);
  return (
    <div class="dr-two fo-results">
      {achieved ? (
        <Section title={t.resultTitle}>
          <p data-testid="achieved">{summary}</p>
          <Chart option={rtoOption} label={t.chartLabel} summary={summary} height={170} />
        </Section>
      ) : null}
      {timings && timingOption ? (
        <Section title={t.timingsTitle}>
          <p>{t.total(format.duration(timings.totalSeconds))}</p>
          <Chart
            option={timingOption}
            label={t.timingsLabel}
            summary={t.timingsSummary(
              seconds("detection"),
              seconds("approval"),
              seconds("recovery"),
              seconds("switch"),
              format.duration(timings.totalSeconds),
            )}
            height={190}
          />
        </Section>
      ) : null}
    </div>
  );
}

function Report(props: { switchover: Switchover }) {
  const t = texts.use();
  const [busy, setBusy] = useState<"html" | "json" | undefined>();
  const [error, setError] = useState<unknown>();
  const { switchover } = props;
  const run = async (which: "html" | "json") => {
    setBusy(which);
    setError(undefined);
    try {
      if (which === "html") await openReport(switchover.switchId);
      else
        saveBlob(
          await fetchReport(switchover.switchId, "json"),
          `govdr-${switchover.kind}-${switchover.switchId}.json`,
        );
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <Section title={t.reportTitle}>
      {isEnded(switchover) && switchover.report ? (
        <>
          <p class="dr-intro">{t.reportIntro}</p>
          <div class="dr-actions">
            <Button variant="primary" busy={busy === "html"} onClick={() => void run("html")}>
              {t.openHtml}
            </Button>
            <Button busy={busy === "json"} onClick={() => void run("json")}>
              {t.downloadJson}
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

function FailBack(props: { switchover: Switchover }) {
  const t = texts.use();
  const location = useLocation();
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>();
  const start = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const failback = await api.post("/failbacks", {
        body: { failoverId: props.switchover.switchId, ...reasonBody("") },
      });
      setAsking(false);
      location.route(`/failovers/${failback.switchId}`);
    } catch (failure) {
      setAsking(false);
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={t.failBackTitle}>
      <p class="dr-intro">{t.failBackIntro}</p>
      <ErrorNotice error={error} />
      <Button onClick={() => setAsking(true)}>{t.failBack}</Button>
      <Dialog title={t.failBackTitle} open={asking} onClose={() => setAsking(false)}>
        <p>{t.failBackConfirm}</p>
        <div class="dialog-actions">
          <Button variant="primary" busy={busy} onClick={() => void start()}>
            {t.confirm}
          </Button>
          <Button onClick={() => setAsking(false)}>{t.cancel}</Button>
        </div>
      </Dialog>
    </Section>
  );
}

/**
 * One switchover (/failovers/:failoverId): its facts, its phases and each wave's systems with their
 * steps live while it runs (polled every 2 s), the approval gate, then its result and its report.
 */
export function FailoverDetailPage(props: { failoverId: string }) {
  const t = texts.use();
  const w = words.use();
  const c = common.use();
  const format = useFormat();
  const session = useSession();
  const loaded = useLoad(
    () => api.get("/failovers/{failoverId}", { path: { failoverId: props.failoverId } }),
    [props.failoverId],
  );
  const switchover = loaded.data?.switchId === props.failoverId ? loaded.data : undefined;
  const running = switchover !== undefined && !isEnded(switchover);
  usePoll(loaded.reload, running, 2000);
  const now = useNow(running);
  const kind = switchover ? (switchover.kind === "failover" ? w.failover : w.failback) : w.failover;
  useEffect(() => {
    document.title = `${t.title(kind, props.failoverId)} · govdr`;
  }, [kind, props.failoverId]);
  const mayFailBack =
    switchover?.kind === "failover" &&
    isEnded(switchover) &&
    switchover.waves.some((wave) => wave.systems.some((s) => s.status === "switched")) &&
    can("POST /failbacks", session);

  return (
    <section class="page fo-page">
      <p class="breadcrumb">
        <a href="/failovers">{t.back}</a>
      </p>
      <Section
        title={t.title(kind, props.failoverId)}
        actions={
          <Button onClick={loaded.reload} busy={loaded.loading && !running}>
            {t.refresh}
          </Button>
        }
      >
        <ErrorNotice error={loaded.error} onRetry={loaded.reload} />
        {!switchover ? (
          loaded.error ? null : (
            <Loading label={c.loading} />
          )
        ) : (
          <>
            <dl class="facts">
              <dt>{t.status}</dt>
              <dd>
                <SwitchStatusBadge status={switchover.status} />
              </dd>
              <dt>{t.phase}</dt>
              <dd data-testid="switch-phase" data-phase={switchover.phase}>
                {w.phase[switchover.phase]}
              </dd>
              <dt>{t.trigger}</dt>
              <dd>
                <KindLabel kind={switchover.kind} /> · {w.trigger[switchover.trigger]}
              </dd>
              <dt>{t.requestedBy}</dt>
              <dd>{switchover.requestedBy}</dd>
              {switchover.reason ? (
                <>
                  <dt>{t.reason}</dt>
                  <dd>{switchover.reason}</dd>
                </>
              ) : null}
              <dt>{t.declared}</dt>
              <dd>{format.dateTime(switchover.declaredAt)}</dd>
              <dt>{t.started}</dt>
              <dd>{format.dateTime(switchover.startedAt)}</dd>
              <dt>{running ? t.elapsed : t.duration}</dt>
              <dd data-testid="switch-elapsed">{format.duration(elapsedSeconds(switchover, now))}</dd>
              {switchover.finishedAt ? (
                <>
                  <dt>{t.finished}</dt>
                  <dd>{format.dateTime(switchover.finishedAt)}</dd>
                </>
              ) : null}
              {switchover.failoverId ? (
                <>
                  <dt>{t.undoes}</dt>
                  <dd>
                    <a href={`/failovers/${switchover.failoverId}`}>
                      <code>{switchover.failoverId}</code>
                    </a>
                  </dd>
                </>
              ) : null}
            </dl>
            <PhaseBar lines={phaseLines(switchover)} label={t.phasesLabel} />
            <p role="status" class="dr-live" data-testid="switch-live">
              {running ? t.live : t.ended}
            </p>
          </>
        )}
      </Section>
      {switchover ? (
        <>
          <ApprovalBox switchover={switchover} now={now} onDecided={loaded.reload} />
          {switchover.precheck ? (
            <Section title={t.precheckTitle}>
              {switchover.precheck.findings.length === 0 ? (
                <p>{t.noFindings}</p>
              ) : (
                <ul class="dr-findings" data-testid="precheck-findings">
                  {switchover.precheck.findings.map((finding) => (
                    <li key={`${finding.code}-${finding.message.en}`}>
                      <Badge
                        tone={
                          finding.severity === "error"
                            ? "bad"
                            : finding.severity === "warning"
                              ? "warn"
                              : "info"
                        }
                      >
                        {t.severity[finding.severity]}
                      </Badge>{" "}
                      <FindingText message={finding.message} /> <code>{finding.code}</code>
                    </li>
                  ))}
                </ul>
              )}
            </Section>
          ) : null}
          <Waves switchover={switchover} now={now} />
          <Result switchover={switchover} />
          {switchover.error ? (
            <Section title={t.error}>
              <JobErrorNotice title={t.error} error={switchover.error} />
            </Section>
          ) : null}
          <Report switchover={switchover} />
          {mayFailBack ? <FailBack switchover={switchover} /> : null}
        </>
      ) : null}
    </section>
  );
}

function FindingText(props: { message: { zh: string; en: string } }) {
  const locale = useLocale();
  return <>{props.message[locale]}</>;
}
