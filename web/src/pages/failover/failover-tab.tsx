import { useMemo, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { isApiError } from "../../api/api-error.ts";
import { api } from "../../api/client.ts";
import { useFormat } from "../../i18n/format.ts";
import { useLocale } from "../../i18n/locale.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { can, useSession } from "../../session/session.ts";
import { Chart, chartColours } from "../../ui/chart.tsx";
import { Badge, Button, Loading, TextAreaField } from "../../ui/controls.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { ErrorNotice, Notice } from "../../ui/notice.tsx";
import { Section } from "../../ui/tabs.tsx";
import { type Loaded, useLoad, usePoll } from "../../ui/use-load.ts";
import { DrTable, type DrTabProps } from "../dr/common.tsx";
import { KindLabel, SiteBadge, SwitchStatusBadge, words } from "./common.tsx";
import { probesOption } from "./failover-charts.ts";
import {
  currentStep,
  isEnded,
  probeCounts,
  probeSeries,
  reasonBody,
  runningOf,
  switchoversOf,
} from "./failover-logic.ts";
import type { RouteView, Switchover, WebhookSecret } from "./responses.ts";

const texts = defineMessages({
  zh: {
    routeTitle: "当前提供服务的站点",
    serving: "提供服务",
    fenced: "已隔离的站点",
    none: "无",
    lastSwitch: "最近一次切换",
    neverSwitched: "尚未切换过，由主站点提供服务。",
    switchedAt: "切换时间",
    heartbeatTitle: "心跳检测",
    heartbeatStatus: "心跳状态",
    failures: "连续失败次数",
    lastProbe: "最近一次探测",
    lastOk: "最近一次正常",
    lastError: "最近一次失败原因",
    breachedAt: "判定故障时间",
    noHeartbeat: "尚无探测记录：灾备策略配置心跳检测且系统填写了健康检查地址后，平台按间隔探测。",
    chartLabel: "最近心跳探测的响应时间图",
    chartSummary: (ok: number, missed: number) =>
      `最近 ${ok + missed} 次探测中 ${ok} 次正常，${missed} 次失败。`,
    latency: "响应时间",
    probeOk: "正常",
    probeMissed: "失败",
    actionsTitle: "切换与回切",
    actionsIntro:
      "切换把系统的访问路由从主站点切换到灾备站点：先检查，再按策略审批，审批通过后隔离原站点、启用并检查灾备站点，然后切换路由。回切反之。",
    reason: "原因（选填，写入报告）",
    failOver: "切换到灾备站点",
    failBack: "回切到主站点",
    runningNotice: "该系统有一次切换正在进行：",
    viewRunning: "查看进度",
    cannotRun: "您的角色只能查看切换情况；如需切换，请联系本单位管理员或运维人员。",
    confirmFailoverTitle: "确认切换到灾备站点",
    confirmFailoverText: (name: string) =>
      `将“${name}”切换到灾备站点？切换经审批后执行，执行时主站点将被隔离，不再接收访问和写入。`,
    confirmFailbackTitle: "确认回切到主站点",
    confirmFailbackText: (name: string) =>
      `将“${name}”回切到主站点？平台先把灾备期间的数据回同步到主站点，经审批后切换路由。`,
    confirm: "确认发起",
    cancel: "取消",
    historyTitle: "本系统的切换记录",
    caption: "本系统的切换与回切",
    empty: "尚无切换记录。",
    allFailovers: "查看全部切换记录",
    kind: "类型",
    started: "开始时间",
    status: "状态",
    step: "当前步骤",
    rto: "实际 RTO",
    view: (id: string) => `查看切换 ${id}`,
    secretTitle: "Webhook 签名密钥",
    secretIntro:
      "平台调用本单位的切换接口时，用该密钥以 HMAC-SHA256 签名请求。生成新密钥后，旧密钥立即停止使用。",
    issueSecret: "生成新的签名密钥",
    secretShown: "新的签名密钥（只显示这一次）",
    secretOnce: "请立即复制并保存到切换接口的配置中，关闭后将无法再次查看。",
    copy: "复制",
    copied: "已复制到剪贴板。",
    copyFailed: "无法复制，请手动选中后复制。",
    signature: "签名方式",
    secretDone: "我已保存，关闭",
    refresh: "刷新",
  },
  en: {
    routeTitle: "The site serving now",
    serving: "Serving",
    fenced: "Fenced site",
    none: "None",
    lastSwitch: "Last switchover",
    neverSwitched: "Never switched: the primary site serves.",
    switchedAt: "Switched at",
    heartbeatTitle: "Heartbeat",
    heartbeatStatus: "Heartbeat",
    failures: "Misses in a row",
    lastProbe: "Last probe",
    lastOk: "Last answer",
    lastError: "Last miss",
    breachedAt: "Breached at",
    noHeartbeat:
      "No probes yet: once the DR policy has a heartbeat and the system a health endpoint, the platform probes it at the interval.",
    chartLabel: "Response time of the recent heartbeat probes",
    chartSummary: (ok: number, missed: number) =>
      `Of the last ${ok + missed} probes, ${ok} answered and ${missed} missed.`,
    latency: "Response time",
    probeOk: "answered",
    probeMissed: "missed",
    actionsTitle: "Fail over and fail back",
    actionsIntro:
      "A failover moves the system's route from the primary site to the DR site: a precheck, the policy's approval, then the site it leaves is fenced, the DR site brought up and checked, and the route switched. A failback does the reverse.",
    reason: "Reason (optional, in the report)",
    failOver: "Fail over to DR",
    failBack: "Fail back",
    runningNotice: "A switchover of this system is under way:",
    viewRunning: "Follow it",
    cannotRun:
      "Your role can read switchovers only; to start one, ask your unit's administrator or an operator.",
    confirmFailoverTitle: "Fail over to the DR site",
    confirmFailoverText: (name: string) =>
      `Fail “${name}” over to its DR site? It runs once approved; the primary site is then fenced and takes no traffic or writes.`,
    confirmFailbackTitle: "Fail back to the primary site",
    confirmFailbackText: (name: string) =>
      `Fail “${name}” back to its primary site? The data written at the DR site is first synced back; the route moves once approved.`,
    confirm: "Start",
    cancel: "Cancel",
    historyTitle: "Switchovers of this system",
    caption: "Failovers and failbacks of this system",
    empty: "No switchover yet.",
    allFailovers: "All failovers",
    kind: "Kind",
    started: "Started",
    status: "Status",
    step: "Current step",
    rto: "Achieved RTO",
    view: (id: string) => `View switchover ${id}`,
    secretTitle: "Webhook signing secret",
    secretIntro:
      "The platform signs its calls to your switching endpoint with this secret (HMAC-SHA256). A new secret replaces the old one at once.",
    issueSecret: "Issue a new signing secret",
    secretShown: "New signing secret (shown this once)",
    secretOnce: "Copy it into your switching endpoint's configuration now: it cannot be shown again.",
    copy: "Copy",
    copied: "Copied to the clipboard.",
    copyFailed: "Could not copy: select it and copy it by hand.",
    signature: "Signature",
    secretDone: "I have saved it, close",
    refresh: "Refresh",
  },
});

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

function RouteSection(props: { route: Loaded<RouteView> }) {
  const t = texts.use();
  const w = words.use();
  const format = useFormat();
  const { route } = props;
  const r = route.data;
  return (
    <Section title={t.routeTitle}>
      <ErrorNotice error={route.error} onRetry={route.reload} />
      {!r ? (
        route.error ? null : (
          <Loading label="…" />
        )
      ) : (
        <dl class="facts" data-testid="route">
          <dt>{t.serving}</dt>
          <dd>
            <SiteBadge site={r.activeSite} />
          </dd>
          <dt>{t.fenced}</dt>
          <dd data-testid="fenced-site">{r.fencedSite ? w.site[r.fencedSite] : t.none}</dd>
          <dt>{t.lastSwitch}</dt>
          <dd>
            {r.switchId ? (
              <>
                <a href={`/failovers/${r.switchId}`}>
                  <code>{r.switchId}</code>
                </a>
                {r.switchedAt ? ` · ${format.dateTime(r.switchedAt)}` : null}
              </>
            ) : (
              t.neverSwitched
            )}
          </dd>
        </dl>
      )}
    </Section>
  );
}

const heartbeatTone = { healthy: "ok", failing: "warn", breached: "bad", unknown: "neutral" } as const;

function HeartbeatSection(props: { systemId: string }) {
  const t = texts.use();
  const w = words.use();
  const format = useFormat();
  const locale = useLocale();
  const loaded = useLoad(
    () => api.get("/systems/{systemId}/heartbeats", { path: { systemId: props.systemId } }),
    [props.systemId],
  );
  usePoll(loaded.reload, true, 10_000);
  const state = loaded.data?.state;
  const items = loaded.data?.items ?? [];
  const series = useMemo(() => probeSeries(items), [loaded.data]);
  const counts = probeCounts(items);
  const option = useMemo(
    () =>
      probesOption({
        probes: series,
        labels: { latency: t.latency, ok: t.probeOk, missed: t.probeMissed },
        time: (ms) => /\d{2}:\d{2}:\d{2}/.exec(format.dateTime(ms))?.[0] ?? format.dateTime(ms),
        palette: chartColours,
      }),
    [series, locale],
  );
  return (
    <Section
      title={t.heartbeatTitle}
      actions={
        <Button onClick={loaded.reload} busy={loaded.loading && !loaded.data}>
          {t.refresh}
        </Button>
      }
    >
      <ErrorNotice error={loaded.error} onRetry={loaded.reload} />
      {state ? (
        <dl class="facts" data-testid="heartbeat">
          <dt>{t.heartbeatStatus}</dt>
          <dd>
            <span data-testid="heartbeat-status" data-status={state.status}>
              <Badge tone={heartbeatTone[state.status]}>{w.heartbeat[state.status]}</Badge>
            </span>
          </dd>
          <dt>{t.failures}</dt>
          <dd>{format.number(state.consecutiveFailures)}</dd>
          <dt>{t.lastProbe}</dt>
          <dd>{format.dateTime(state.lastProbeAt)}</dd>
          <dt>{t.lastOk}</dt>
          <dd>{format.dateTime(state.lastOkAt)}</dd>
          {state.lastError ? (
            <>
              <dt>{t.lastError}</dt>
              <dd>{state.lastError}</dd>
            </>
          ) : null}
          {state.breachedAt ? (
            <>
              <dt>{t.breachedAt}</dt>
              <dd>{format.dateTime(state.breachedAt)}</dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {loaded.data && items.length === 0 ? <p class="dr-intro">{t.noHeartbeat}</p> : null}
      {items.length > 0 ? (
        <Chart
          option={option}
          label={t.chartLabel}
          summary={t.chartSummary(counts.ok, counts.missed)}
          height={220}
        />
      ) : null}
    </Section>
  );
}

function SwitchActions(props: {
  system: DrTabProps["system"];
  site: "primary" | "dr" | undefined;
  running: Switchover | undefined;
  onStarted: (switchover: Switchover) => void;
}) {
  const t = texts.use();
  const session = useSession();
  const { systemId } = props.system;
  const [reason, setReason] = useState("");
  const [asking, setAsking] = useState<"failover" | "failback" | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const mayFailover = can("POST /systems/{systemId}/failovers", session);
  const mayFailback = can("POST /systems/{systemId}/failbacks", session);
  const { site } = props;

  const start = async (kind: "failover" | "failback") => {
    setBusy(true);
    setError(undefined);
    try {
      const body = reasonBody(reason);
      const switchover =
        kind === "failover"
          ? await api.post("/systems/{systemId}/failovers", { path: { systemId }, body })
          : await api.post("/systems/{systemId}/failbacks", { path: { systemId }, body });
      setAsking(undefined);
      props.onStarted(switchover);
    } catch (failure) {
      setAsking(undefined);
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  if (!mayFailover && !mayFailback) {
    return <Notice tone="info">{t.cannotRun}</Notice>;
  }
  return (
    <Section title={t.actionsTitle}>
      <p class="dr-intro">{t.actionsIntro}</p>
      {props.running ? (
        <Notice tone="info">
          {t.runningNotice} <code>{props.running.switchId}</code>{" "}
          <a href={`/failovers/${props.running.switchId}`}>{t.viewRunning}</a>
        </Notice>
      ) : null}
      <div class="dr-narrow fo-reason">
        <TextAreaField
          label={t.reason}
          rows={2}
          value={reason}
          onValue={setReason}
          error={isApiError(error) ? error.fieldError("reason") : undefined}
        />
      </div>
      <ErrorNotice error={error} />
      <div class="dr-actions">
        {mayFailover ? (
          <Button
            variant="danger"
            disabled={!!props.running || site === "dr"}
            onClick={() => setAsking("failover")}
          >
            {t.failOver}
          </Button>
        ) : null}
        {mayFailback ? (
          <Button disabled={!!props.running || site !== "dr"} onClick={() => setAsking("failback")}>
            {t.failBack}
          </Button>
        ) : null}
      </div>
      <Dialog
        title={asking === "failback" ? t.confirmFailbackTitle : t.confirmFailoverTitle}
        open={asking !== undefined}
        onClose={() => setAsking(undefined)}
      >
        <p>
          {asking === "failback"
            ? t.confirmFailbackText(props.system.name)
            : t.confirmFailoverText(props.system.name)}
        </p>
        {reason.trim() ? <blockquote class="fo-quote">{reason.trim()}</blockquote> : null}
        <div class="dialog-actions">
          <Button
            variant={asking === "failback" ? "primary" : "danger"}
            busy={busy}
            onClick={() => asking && void start(asking)}
          >
            {t.confirm}
          </Button>
          <Button onClick={() => setAsking(undefined)}>{t.cancel}</Button>
        </div>
      </Dialog>
    </Section>
  );
}

function WebhookSecretSection(props: { systemId: string }) {
  const t = texts.use();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  // The secret lives only here, while the dialog is open: closing it drops it for good.
  const [issued, setIssued] = useState<WebhookSecret | undefined>();
  const [copied, setCopied] = useState<boolean | undefined>();
  const issue = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setIssued(await api.post("/systems/{systemId}/webhook-secret", { path: { systemId: props.systemId } }));
      setCopied(undefined);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={t.secretTitle}>
      <p class="dr-intro">{t.secretIntro}</p>
      <ErrorNotice error={error} />
      <Button busy={busy} onClick={() => void issue()}>
        {t.issueSecret}
      </Button>
      <Dialog title={t.secretShown} open={issued !== undefined} onClose={() => setIssued(undefined)}>
        {issued ? (
          <>
            <div class="notice notice-warn" role="alert">
              <p class="notice-title">{t.secretOnce}</p>
            </div>
            <label class="dr-label" for="fo-secret">
              {t.secretShown}
            </label>
            <div class="dr-copy-row">
              <input
                id="fo-secret"
                class="dr-credential"
                readOnly
                value={issued.secret}
                data-testid="webhook-secret"
                onFocus={(event) => (event.target as HTMLInputElement).select()}
              />
              <Button variant="primary" onClick={() => void copy(issued.secret).then(setCopied)}>
                {t.copy}
              </Button>
            </div>
            <p class="field-hint">
              {t.signature}: {issued.algorithm} · <code>{issued.header}</code>
            </p>
            <p role="status" class="dr-copied">
              {copied === undefined ? "" : copied ? t.copied : t.copyFailed}
            </p>
            <div class="dialog-actions">
              <Button variant="primary" onClick={() => setIssued(undefined)}>
                {t.secretDone}
              </Button>
            </div>
          </>
        ) : null}
      </Dialog>
    </Section>
  );
}

/**
 * The system's failover tab (issue #20): which site serves it, its heartbeat, fail over and fail
 * back, its switchovers (GET /failovers filtered to the system), and the webhook signing secret.
 */
export function FailoverTab(props: DrTabProps) {
  const t = texts.use();
  const w = words.use();
  const format = useFormat();
  const session = useSession();
  const location = useLocation();
  const { systemId } = props.system;
  const list = useLoad(() => api.get("/failovers"), [systemId]);
  const mine = useMemo(() => switchoversOf(list.data?.items ?? [], systemId), [list.data, systemId]);
  const running = runningOf(mine);
  const route = useLoad(() => api.get("/systems/{systemId}/route", { path: { systemId } }), [systemId]);
  usePoll(
    () => {
      list.reload();
      route.reload();
    },
    running !== undefined,
    2000,
  );
  const policy = useLoad(
    () =>
      can("GET /systems/{systemId}/policy", session)
        ? api.get("/systems/{systemId}/policy", { path: { systemId } }).catch(() => undefined)
        : Promise.resolve(undefined),
    [systemId, props.system.policyVersion],
  );
  const webhook =
    policy.data?.policy.failover.adapter === "webhook" &&
    can("POST /systems/{systemId}/webhook-secret", session);

  return (
    <>
      <div class="dr-two">
        <RouteSection route={route} />
        <HeartbeatSection systemId={systemId} />
      </div>
      <SwitchActions
        system={props.system}
        site={route.data?.activeSite}
        running={running}
        onStarted={(switchover) => location.route(`/failovers/${switchover.switchId}`)}
      />
      <Section
        title={t.historyTitle}
        actions={
          <>
            <Button onClick={list.reload} busy={list.loading && !list.data}>
              {t.refresh}
            </Button>
            <a class="button button-secondary" href="/failovers">
              {t.allFailovers}
            </a>
          </>
        }
      >
        <ErrorNotice error={list.error} onRetry={list.reload} />
        <DrTable
          caption={t.caption}
          captionHidden
          rows={mine}
          rowKey={(s) => s.switchId}
          empty={list.loading && !list.data ? "…" : t.empty}
          columns={[
            {
              key: "started",
              header: t.started,
              cell: (s) => (
                <a href={`/failovers/${s.switchId}`} aria-label={t.view(s.switchId)}>
                  {format.dateTime(s.startedAt)}
                </a>
              ),
            },
            { key: "kind", header: t.kind, cell: (s) => <KindLabel kind={s.kind} /> },
            { key: "status", header: t.status, cell: (s) => <SwitchStatusBadge status={s.status} /> },
            {
              key: "step",
              header: t.step,
              cell: (s) => {
                const me = s.waves.flatMap((wave) => wave.systems).find((m) => m.systemId === systemId);
                const step = me ? currentStep(me) : undefined;
                return isEnded(s) ? "—" : step ? w.step[step] : w.phase[s.phase];
              },
            },
            {
              key: "rto",
              header: t.rto,
              numeric: true,
              cell: (s) => {
                const me = s.waves.flatMap((wave) => wave.systems).find((m) => m.systemId === systemId);
                return format.duration(me?.achieved?.rtoSeconds);
              },
            },
          ]}
        />
      </Section>
      {webhook ? <WebhookSecretSection systemId={systemId} /> : null}
    </>
  );
}
