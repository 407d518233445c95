import { useMemo, useState } from "preact/hooks";
import { isApiError } from "../../api/api-error.ts";
import { api } from "../../api/client.ts";
import { useFormat } from "../../i18n/format.ts";
import { useLocale } from "../../i18n/locale.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { can, useSession } from "../../session/session.ts";
import { Chart, chartColours } from "../../ui/chart.tsx";
import { Button, SelectField, TextField } from "../../ui/controls.tsx";
import { ErrorNotice, Notice } from "../../ui/notice.tsx";
import { Section } from "../../ui/tabs.tsx";
import { usePaged, usePoll } from "../../ui/use-load.ts";
import {
  common,
  DrTable,
  type DrTabProps,
  drillTypeLabel,
  MoreButton,
  StatusBadge,
  TimeField,
  timeZoneHint,
  triggerLabel,
  unitNames,
  useHere,
  VerdictBadge,
} from "./common.tsx";
import { drillRtoOption } from "./dr-charts.ts";
import { localFields, localMoment, rtoSeries } from "./dr-logic.ts";
import { DrillDetail } from "./drill-detail.tsx";
import type { DrillRecord } from "./responses.ts";

const texts = defineMessages({
  zh: {
    runTitle: "发起恢复演练",
    runIntro:
      "演练在异地灾备区域的隔离沙箱中恢复所选恢复点的全部数据并逐一校验，测量实际达到的 RTO 和 RPO，不影响生产系统。",
    type: "演练类型",
    typePolicy: "按灾备策略设定",
    pointTitle: "恢复时间点（可选）",
    pointHint: "留空表示使用已复制到异地灾备库的最新快照；填写时间点则恢复到该时间点及之前最新的快照。",
    prefilled: "已带入快照页面所选的时间点。",
    clearPoint: "清除时间点",
    badMoment: "请同时填写有效的日期和时间，或都留空。",
    run: "发起演练",
    cannotRun: "您的角色只能查看演练记录；如需发起演练，请联系本单位管理员或运维人员。",
    listTitle: "演练记录",
    caption: "本系统的恢复演练",
    empty: "尚未进行过演练。",
    started: "开始时间",
    trigger: "发起方式",
    status: "状态",
    verdict: "结论",
    rto: "RTO（实际 / 目标）",
    rpo: "RPO（实际 / 目标）",
    point: "恢复点",
    view: (id: string) => `查看演练 ${id}`,
    chartTitle: "历次演练的实际 RTO",
    chartLabel: "历次演练实际 RTO 与 RTO 目标对比图",
    chartSummary: (count: number, met: number) =>
      `共 ${count} 次恢复演练，其中 ${met} 次实际 RTO 在目标之内。`,
    achieved: "实际 RTO",
    target: "RTO 目标",
  },
  en: {
    runTitle: "Run a restore drill",
    runIntro:
      "A drill restores every file of the recovery point into an isolated sandbox in the DR region, checks each one, and measures the RTO and RPO achieved, without touching the production system.",
    type: "Drill type",
    typePolicy: "As the DR policy says",
    pointTitle: "Point in time (optional)",
    pointHint:
      "Leave empty to use the newest snapshot in the DR vault; give a time to recover the newest snapshot at or before it.",
    prefilled: "The point in time chosen on the snapshots tab is filled in.",
    clearPoint: "Clear the point in time",
    badMoment: "Give both a valid date and time, or leave both empty.",
    run: "Run drill",
    cannotRun: "Your role can read drills only; to run one, ask your unit's administrator or an operator.",
    listTitle: "Drills",
    caption: "Restore drills of this system",
    empty: "No drill has been run yet.",
    started: "Started",
    trigger: "Trigger",
    status: "Status",
    verdict: "Verdict",
    rto: "RTO (achieved / target)",
    rpo: "RPO (achieved / target)",
    point: "Recovery point",
    view: (id: string) => `View drill ${id}`,
    chartTitle: "Achieved RTO of each drill",
    chartLabel: "Achieved RTO of each drill against the RTO target",
    chartSummary: (count: number, met: number) =>
      `${count} restore drills; ${met} of them achieved an RTO within the target.`,
    achieved: "Achieved RTO",
    target: "RTO target",
  },
});

type DrillType = DrillRecord["type"];

function RunDrill(props: { systemId: string; onStarted: (drill: DrillRecord) => void }) {
  const t = texts.use();
  const c = common.use();
  const here = useHere();
  const given = here.query.pointInTime;
  const prefill = given && !Number.isNaN(Date.parse(given)) ? localFields(new Date(given)) : undefined;
  const [type, setType] = useState<DrillType | "">("");
  const [date, setDate] = useState(prefill?.date ?? "");
  const [time, setTime] = useState(prefill?.time ?? "");
  const [badMoment, setBadMoment] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async () => {
    const empty = date.trim() === "" && time.trim() === "";
    const moment = empty ? undefined : localMoment(date, time);
    setBadMoment(!empty && !moment);
    if (!empty && !moment) return;
    setBusy(true);
    setError(undefined);
    try {
      const drill = await api.post("/systems/{systemId}/drills", {
        path: { systemId: props.systemId },
        body: {
          ...(type ? { type } : {}),
          ...(moment ? { pointInTime: moment.toISOString() } : {}),
        },
      });
      props.onStarted(drill);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title={t.runTitle}>
      <p class="dr-intro">{t.runIntro}</p>
      {prefill ? <Notice tone="info">{t.prefilled}</Notice> : null}
      <form
        class="form form-wide"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <div class="dr-narrow">
          <SelectField<DrillType | "">
            label={t.type}
            value={type}
            onValue={setType}
            options={[
              { value: "", label: t.typePolicy },
              { value: "tabletop", label: c.drillTabletop },
              { value: "simulated", label: c.drillSimulated },
              { value: "live", label: c.drillLive },
            ]}
            error={isApiError(error) ? error.fieldError("type") : undefined}
          />
        </div>
        <fieldset>
          <legend>{t.pointTitle}</legend>
          <p class="field-hint">{t.pointHint}</p>
          <div class="dr-inline-form">
            <TextField type="date" label={c.date} value={date} onValue={setDate} />
            <TimeField
              label={c.time}
              value={time}
              onValue={setTime}
              hint={timeZoneHint(c)}
              error={
                badMoment ? t.badMoment : isApiError(error) ? error.fieldError("pointInTime") : undefined
              }
            />
            {date || time ? (
              <div class="dr-inline-action">
                <Button
                  variant="link"
                  onClick={() => {
                    setDate("");
                    setTime("");
                    setBadMoment(false);
                  }}
                >
                  {t.clearPoint}
                </Button>
              </div>
            ) : null}
          </div>
        </fieldset>
        <ErrorNotice error={error} />
        <div>
          <Button type="submit" variant="primary" busy={busy}>
            {t.run}
          </Button>
        </div>
      </form>
    </Section>
  );
}

function DrillList(props: DrTabProps) {
  const t = texts.use();
  const c = common.use();
  const format = useFormat();
  const locale = useLocale();
  const here = useHere();
  const session = useSession();
  const { systemId } = props.system;
  const mayRun = can("POST /systems/{systemId}/drills", session);
  const drills = usePaged<DrillRecord>(
    (cursor) => api.get("/systems/{systemId}/drills", { path: { systemId }, query: { cursor } }),
    [systemId],
  );
  usePoll(
    drills.reload,
    drills.items.some((d) => d.status === "running"),
    2000,
  );
  const series = useMemo(() => rtoSeries(drills.items), [drills.items]);
  const option = useMemo(
    () =>
      drillRtoOption({
        drills: series,
        labels: { achieved: t.achieved, target: t.target },
        duration: format.duration,
        units: unitNames(c),
        date: (iso) => format.dateTime(iso).replace(/:\d{2}(?=\D*$)/, ""),
        palette: chartColours,
      }),
    [series, locale],
  );
  const pair = (achieved: number | undefined, target: number) =>
    `${achieved === undefined ? "—" : format.duration(achieved)} / ${format.duration(target)}`;

  return (
    <>
      {mayRun ? (
        <RunDrill systemId={systemId} onStarted={(drill) => here.go(here.href({ drill: drill.drillId }))} />
      ) : (
        <Notice tone="info">{t.cannotRun}</Notice>
      )}
      <Section
        title={t.listTitle}
        actions={
          <Button onClick={drills.reload} busy={drills.loading}>
            {c.refresh}
          </Button>
        }
      >
        <ErrorNotice error={drills.error} onRetry={drills.reload} />
        <DrTable
          caption={t.caption}
          captionHidden
          rows={drills.items}
          rowKey={(d) => d.drillId}
          empty={drills.loading ? c.loading : t.empty}
          columns={[
            {
              key: "started",
              header: t.started,
              cell: (d) => (
                <a href={here.href({ drill: d.drillId })} aria-label={t.view(d.drillId)}>
                  {format.dateTime(d.startedAt)}
                </a>
              ),
            },
            { key: "type", header: t.type, cell: (d) => drillTypeLabel(c, d.type) },
            { key: "trigger", header: t.trigger, cell: (d) => triggerLabel(c, d.trigger) },
            { key: "status", header: t.status, cell: (d) => <StatusBadge status={d.status} /> },
            { key: "verdict", header: t.verdict, cell: (d) => <VerdictBadge verdict={d.verdict} /> },
            {
              key: "rto",
              header: t.rto,
              numeric: true,
              cell: (d) => pair(d.achieved?.rtoSeconds, d.targets.rtoSeconds),
            },
            {
              key: "rpo",
              header: t.rpo,
              numeric: true,
              cell: (d) => pair(d.achieved?.rpoSeconds, d.targets.rpoSeconds),
            },
            {
              key: "point",
              header: t.point,
              cell: (d) => (d.recoveryPoint ? <code>{d.recoveryPoint.snapshotId}</code> : "—"),
            },
          ]}
        />
        <MoreButton hasMore={drills.hasMore} loading={drills.loading} onMore={drills.more} />
      </Section>
      {series.length > 0 ? (
        <Section title={t.chartTitle}>
          <Chart
            option={option}
            label={t.chartLabel}
            summary={t.chartSummary(
              series.length,
              series.filter((s) => s.rtoSeconds <= s.targetSeconds).length,
            )}
            height={240}
          />
        </Section>
      ) : null}
    </>
  );
}

export function DrillsTab(props: DrTabProps) {
  const here = useHere();
  const drillId = here.query.drill;
  if (drillId) return <DrillDetail systemId={props.system.systemId} drillId={drillId} />;
  return <DrillList {...props} />;
}
