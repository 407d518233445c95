import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api } from "../../api/client.ts";
import { type Formatter, useFormat } from "../../i18n/format.ts";
import { useLocale } from "../../i18n/locale.ts";
import { Chart, chartColours } from "../../ui/chart.tsx";
import { Badge, Button, Loading } from "../../ui/controls.tsx";
import { ErrorNotice } from "../../ui/notice.tsx";
import { DataTable } from "../../ui/table.tsx";
import { achievedVsTargetOption } from "../dr/dr-charts.ts";
import type { SystemView } from "../systems/responses.ts";
import { storageOption, successOption } from "./dashboard-charts.ts";
import {
  type Alarm,
  alarmsOf,
  type ComplianceRow,
  complianceRow,
  type MeasureState,
  mapLimit,
  type SystemCall,
  type SystemData,
  storageRow,
  storageTotals,
  successByDay,
  summaryOf,
} from "./dashboard-model.ts";
import { type DashboardTexts, dashboardTexts } from "./dashboard-texts.ts";
import "./evidence.css";

/** At most this many of the dashboard's calls are in flight at once. */
const parallel = 4;
const snapshotsCounted = 100;
const days = 14;
const calls: readonly SystemCall[] = ["replication", "drills", "backups", "snapshots"];

async function allSystems(): Promise<SystemView[]> {
  const systems: SystemView[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const answer = await api.get("/systems", { query: { cursor, limit: 100 } });
    systems.push(...answer.items);
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  return systems;
}

async function fetchCall(systemId: string, call: SystemCall): Promise<Partial<SystemData>> {
  const path = { systemId };
  switch (call) {
    case "replication":
      return { replication: await api.get("/systems/{systemId}/replication", { path }) };
    case "drills":
      return { drills: (await api.get("/systems/{systemId}/drills", { path, query: { limit: 50 } })).items };
    case "backups":
      return {
        backups: (await api.get("/systems/{systemId}/backups", { path, query: { limit: 50 } })).items,
      };
    case "snapshots":
      return {
        snapshots: (
          await api.get("/systems/{systemId}/snapshots", { path, query: { limit: snapshotsCounted } })
        ).items,
      };
  }
}

interface Loaded {
  datas: SystemData[];
  checkedAt: Date;
}

/**
 * Loads every system, then each system's four calls, at most `parallel` in flight; a call that fails
 * is kept as that system's failure, and the rest of the page still shows.
 */
function useDashboard() {
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<{
    loaded?: Loaded;
    error?: unknown;
    loading: boolean;
    progress?: { done: number; total: number };
  }>({ loading: true });
  const latest = useRef(0);
  useEffect(() => {
    const run = ++latest.current;
    const alive = () => run === latest.current;
    setState((previous) => ({ ...previous, loading: true, error: undefined }));
    void (async () => {
      try {
        const systems = await allSystems();
        const datas: SystemData[] = systems.map((system) => ({ system, failures: [] }));
        const tasks = datas.flatMap((data) => calls.map((call) => ({ data, call })));
        let done = 0;
        if (alive()) setState((previous) => ({ ...previous, progress: { done, total: systems.length } }));
        const finished = new Map<SystemData, number>();
        await mapLimit(tasks, parallel, async ({ data, call }) => {
          try {
            Object.assign(data, await fetchCall(data.system.systemId, call));
          } catch (error) {
            data.failures = [...data.failures, { call, error }];
          }
          const count = (finished.get(data) ?? 0) + 1;
          finished.set(data, count);
          if (count === calls.length) {
            done++;
            if (alive()) setState((previous) => ({ ...previous, progress: { done, total: systems.length } }));
          }
        });
        if (alive()) setState({ loaded: { datas, checkedAt: new Date() }, loading: false });
      } catch (error) {
        if (alive()) setState((previous) => ({ ...previous, error, loading: false }));
      }
    })();
  }, [generation]);
  return { ...state, reload: () => setGeneration((g) => g + 1) };
}

const palette = {
  ok: chartColours.ok,
  bad: chartColours.bad,
  target: chartColours.target,
  primary: chartColours.primary,
  muted: chartColours.muted,
  warn: chartColours.warn,
};

export function DashboardPage() {
  const t = dashboardTexts.use();
  const format = useFormat();
  const dashboard = useDashboard();
  const loaded = dashboard.loaded;
  return (
    <section class="page ev-page ev-dashboard" data-testid="dashboard">
      <header class="page-header">
        <div>
          <h1>{t.title}</h1>
          <p>{t.intro}</p>
        </div>
        <div class="ev-checked">
          <span role="status" data-testid="checked-at">
            {dashboard.loading
              ? dashboard.progress
                ? t.progress(dashboard.progress.done, dashboard.progress.total)
                : t.loading
              : loaded
                ? t.checkedAt(format.dateTime(loaded.checkedAt))
                : ""}
          </span>
          <Button onClick={dashboard.reload} busy={dashboard.loading}>
            {t.refresh}
          </Button>
        </div>
      </header>
      {dashboard.error ? (
        <>
          <p>{t.listError}</p>
          <ErrorNotice error={dashboard.error} onRetry={dashboard.reload} />
        </>
      ) : null}
      {!loaded && dashboard.loading ? <Loading label={t.loading} /> : null}
      {loaded ? <DashboardBody t={t} format={format} loaded={loaded} /> : null}
    </section>
  );
}

function DashboardBody(props: { t: DashboardTexts; format: Formatter; loaded: Loaded }) {
  const { t, format, loaded } = props;
  const { datas } = loaded;
  const summary = useMemo(() => summaryOf(datas), [datas]);
  const rows = useMemo(() => datas.map(complianceRow), [datas]);
  const alarms = useMemo(() => alarmsOf(datas), [datas]);
  if (datas.length === 0)
    return (
      <div class="section">
        <p>{t.noSystems}</p>
        <a class="button button-primary" href="/onboarding">
          {t.noSystemsLink}
        </a>
      </div>
    );
  const failed = datas.filter((d) => d.failures.length > 0);
  return (
    <>
      <div class="cards ev-cards" data-testid="summary-cards">
        <div class="card" data-testid="card-systems">
          <div class="card-label">{t.cardSystems}</div>
          <div class="card-value">{format.number(summary.systems)}</div>
        </div>
        <div class="card" data-testid="card-compliant">
          <div class="card-label">{t.cardCompliant}</div>
          <div class={`card-value${summary.compliant > 0 ? " ev-ok" : ""}`}>
            {format.number(summary.compliant)} / {format.number(summary.systems)}
          </div>
          <div class="card-note">{t.cardCompliantNote(summary.notMeasured)}</div>
        </div>
        <div class="card" data-testid="card-breaches">
          <div class="card-label">{t.cardBreaches}</div>
          <div class={`card-value${summary.breaches > 0 ? " ev-bad" : ""}`}>
            {format.number(summary.breaches)}
          </div>
          <div class="card-note">{t.cardBreachesNote}</div>
        </div>
        <div class="card" data-testid="card-last-drill">
          <div class="card-label">{t.cardLastDrill}</div>
          {summary.lastDrill ? (
            <>
              <div class="card-value ev-card-small">{format.dateTime(summary.lastDrill.at)}</div>
              <div class="card-note">
                {summary.lastDrill.name}{" "}
                <DrillVerdict t={t} verdict={summary.lastDrill.verdict} status={summary.lastDrill.status} />
              </div>
            </>
          ) : (
            <div class="card-value ev-card-small">{t.cardNoDrill}</div>
          )}
        </div>
      </div>

      <AlarmsSection t={t} format={format} alarms={alarms} />
      <ComplianceSection t={t} format={format} rows={rows} />
      <StorageSection t={t} format={format} datas={datas} />
      <SuccessSection t={t} datas={datas} checkedAt={loaded.checkedAt} />

      {failed.length > 0 ? (
        <div class="section" data-testid="system-errors">
          <h2>{t.systemErrorsTitle}</h2>
          <ul class="ev-system-errors">
            {failed.map((data) => (
              <li key={data.system.systemId}>
                <p>
                  <a href={`/systems/${data.system.systemId}`}>{data.system.name}</a>
                  {t.colon}
                  {t.calls(data.failures.map((f) => f.call))}
                </p>
                <ErrorNotice error={data.failures[0]?.error} />
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}

function DrillVerdict(props: { t: DashboardTexts; verdict?: "PASS" | "FAIL"; status: string }) {
  const { t } = props;
  if (props.verdict === "PASS") return <Badge tone="ok">{t.pass}</Badge>;
  if (props.verdict === "FAIL") return <Badge tone="bad">{t.fail}</Badge>;
  if (props.status === "failed") return <Badge tone="bad">{t.drillFailed}</Badge>;
  return null;
}

const stateTone = (state: MeasureState): "ok" | "bad" | "warn" | "neutral" =>
  state === "ok" ? "ok" : state === "breach" ? "bad" : state === "not-replicable" ? "warn" : "neutral";

function StateBadge(props: { t: DashboardTexts; state: MeasureState }) {
  return <Badge tone={stateTone(props.state)}>{props.t.state(props.state)}</Badge>;
}

function AlarmsSection(props: { t: DashboardTexts; format: Formatter; alarms: readonly Alarm[] }) {
  const { t, format } = props;
  return (
    <div class="section" data-testid="alarms">
      <h2>{t.paren(t.alarmsTitle, format.number(props.alarms.length))}</h2>
      {props.alarms.length === 0 ? (
        <p>{t.noAlarms}</p>
      ) : (
        <ul class="ev-alarms">
          {props.alarms.map((alarm) => (
            <li key={`${alarm.systemId}-${alarm.kind}`} data-severity={alarm.severity}>
              <Badge tone={alarm.severity === "error" ? "bad" : "warn"}>{t.alarm(alarm.kind)}</Badge>
              <span>
                <a href={`/systems/${alarm.systemId}`}>{alarm.name}</a>
                {t.colon}
                {t.alarmDetail(alarm.kind)}
                {alarm.achievedSeconds !== undefined && alarm.targetSeconds !== undefined
                  ? t.paren(
                      "",
                      t.achievedVsTarget(
                        format.duration(alarm.achievedSeconds),
                        format.duration(alarm.targetSeconds),
                      ),
                    )
                  : ""}
                {alarm.code ? ` ${alarm.code}` : ""}
                {alarm.calls ? t.paren("", t.calls(alarm.calls)) : ""}
                {alarm.at ? <span class="ev-muted"> {format.dateTime(alarm.at)}</span> : null}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** More room on the right: the longest bar's value label and the axis name must not overlap. */
const roomForLabels = <O extends { grid: object }>(option: O): O => ({
  ...option,
  grid: { ...option.grid, right: 96 },
});

const unitNamesOf = (locale: "zh" | "en") =>
  locale === "zh"
    ? { s: "秒", min: "分钟", h: "小时", d: "天" }
    : { s: "seconds", min: "minutes", h: "hours", d: "days" };

function count(rows: readonly ComplianceRow[], state: (row: ComplianceRow) => MeasureState) {
  const states = rows.map(state);
  return {
    ok: states.filter((s) => s === "ok").length,
    breach: states.filter((s) => s === "breach").length,
    other: states.filter((s) => s !== "ok" && s !== "breach").length,
  };
}

function ComplianceSection(props: { t: DashboardTexts; format: Formatter; rows: readonly ComplianceRow[] }) {
  const { t, format, rows } = props;
  const locale = useLocale();
  const units = unitNamesOf(locale);
  const rpo = count(rows, (r) => r.rpoState);
  const rto = count(rows, (r) => r.rtoState);
  const labels = { achieved: t.achieved, target: t.target };
  const rpoOption = useMemo(
    () =>
      roomForLabels(
        achievedVsTargetOption({
          measures: rows.map((r) => ({
            label: r.name,
            achieved: r.achievableRpoSeconds,
            target: r.targetRpoSeconds,
          })),
          labels,
          duration: format.duration,
          units,
          palette,
        }),
      ),
    [rows, locale],
  );
  const rtoOption = useMemo(
    () =>
      roomForLabels(
        achievedVsTargetOption({
          measures: rows.map((r) => ({
            label: r.name,
            achieved: r.achievedRtoSeconds,
            target: r.targetRtoSeconds,
          })),
          labels,
          duration: format.duration,
          units,
          palette,
        }),
      ),
    [rows, locale],
  );
  const height = Math.max(160, 70 + rows.length * 56);
  const rpoSummary = t.rpoSummary(rpo.ok, rpo.breach, rpo.other);
  const rtoSummary = t.rtoSummary(rto.ok, rto.breach, rto.other);
  const seconds = (value: number | null) => (value === null ? t.none : format.duration(value));
  return (
    <div class="section" data-testid="compliance">
      <h2>{t.complianceTitle}</h2>
      <p class="ev-muted">{t.complianceText}</p>
      <div class="grid-2">
        <div>
          <h3>{t.rpoChart}</h3>
          <Chart option={rpoOption} label={t.rpoChart} summary={rpoSummary} height={height} />
          <p class="ev-summary" aria-hidden="true">
            {rpoSummary}
          </p>
        </div>
        <div>
          <h3>{t.rtoChart}</h3>
          <Chart option={rtoOption} label={t.rtoChart} summary={rtoSummary} height={height} />
          <p class="ev-summary" aria-hidden="true">
            {rtoSummary}
          </p>
        </div>
      </div>
      <div class="ev-numbers" data-testid="compliance-table">
        <DataTable
          caption={t.complianceCaption}
          rows={rows}
          rowKey={(row) => row.systemId}
          empty={t.noSystems}
          columns={[
            {
              key: "system",
              header: t.colSystem,
              cell: (row) => <a href={`/systems/${row.systemId}`}>{row.name}</a>,
            },
            {
              key: "policy",
              header: t.colPolicy,
              cell: (row) => (row.hasPolicy ? t.yes : <Badge tone="bad">{t.noPolicy}</Badge>),
            },
            {
              key: "trpo",
              header: t.colTargetRpo,
              numeric: true,
              cell: (row) => format.duration(row.targetRpoSeconds),
            },
            {
              key: "arpo",
              header: t.colAchievableRpo,
              numeric: true,
              cell: (row) => seconds(row.achievableRpoSeconds),
            },
            { key: "srpo", header: t.colRpoState, cell: (row) => <StateBadge t={t} state={row.rpoState} /> },
            {
              key: "trto",
              header: t.colTargetRto,
              numeric: true,
              cell: (row) => format.duration(row.targetRtoSeconds),
            },
            {
              key: "arto",
              header: t.colDrillRto,
              numeric: true,
              cell: (row) => seconds(row.achievedRtoSeconds),
            },
            { key: "srto", header: t.colRtoState, cell: (row) => <StateBadge t={t} state={row.rtoState} /> },
            {
              key: "drpo",
              header: t.colDrillRpo,
              numeric: true,
              cell: (row) => seconds(row.drillRpoSeconds),
            },
            {
              key: "drill",
              header: t.colNewestDrill,
              cell: (row) =>
                row.newestDrill ? (
                  <span>
                    <span class="nowrap">{format.dateTime(row.newestDrill.at)}</span>{" "}
                    <DrillVerdict t={t} verdict={row.newestDrill.verdict} status={row.newestDrill.status} />
                  </span>
                ) : (
                  t.none
                ),
            },
            {
              key: "ok",
              header: t.colCompliant,
              cell: (row) => (
                <Badge tone={row.compliant ? "ok" : "neutral"}>{row.compliant ? t.yes : t.no}</Badge>
              ),
            },
          ]}
        />
        <p class="ev-muted">{t.notMeasuredNote}</p>
      </div>
    </div>
  );
}

function StorageSection(props: { t: DashboardTexts; format: Formatter; datas: readonly SystemData[] }) {
  const { t, format } = props;
  const locale = useLocale();
  const rows = useMemo(() => props.datas.map(storageRow), [props.datas]);
  const totals = storageTotals(rows);
  const ratio = (value: number | undefined) =>
    value === undefined
      ? t.none
      : t.ratioText(
          new Intl.NumberFormat(locale === "zh" ? "zh-CN" : "en-GB", { maximumFractionDigits: 2 }).format(
            value,
          ),
        );
  const option = useMemo(
    () =>
      storageOption({
        rows,
        labels: { protected: t.protected, stored: t.stored },
        bytes: format.bytes,
        palette,
      }),
    [rows, locale],
  );
  const summary = t.storageSummary(
    format.bytes(totals.protectedBytes),
    ratio(totals.dedupRatio),
    totals.snapshots,
  );
  return (
    <div class="section" data-testid="storage">
      <h2>{t.storageTitle}</h2>
      <p class="ev-muted">{t.storageText(snapshotsCounted)}</p>
      {totals.protectedBytes + totals.storedBytes > 0 ? (
        <Chart
          option={option}
          label={t.storageChart}
          summary={summary}
          height={Math.max(160, 70 + rows.length * 56)}
        />
      ) : (
        <p class="notice notice-info">{t.noSnapshotsYet}</p>
      )}
      <p class="ev-summary" aria-hidden="true">
        {summary}
      </p>
      <div class="ev-numbers">
        <DataTable
          caption={t.storageCaption}
          rows={[...rows, { systemId: "", name: t.total, ...totals }]}
          rowKey={(row) => row.systemId || "total"}
          empty={t.noSnapshots}
          columns={[
            {
              key: "system",
              header: t.colSystem,
              cell: (row) => (row.systemId ? row.name : <strong>{row.name}</strong>),
            },
            {
              key: "protected",
              header: t.protected,
              numeric: true,
              cell: (row) => format.bytes(row.protectedBytes),
            },
            {
              key: "snapshots",
              header: t.colSnapshots,
              numeric: true,
              cell: (row) => format.number(row.snapshots),
            },
            {
              key: "logical",
              header: t.colLogical,
              numeric: true,
              cell: (row) => format.bytes(row.logicalBytes),
            },
            {
              key: "stored",
              header: t.colStoredBytes,
              numeric: true,
              cell: (row) => format.bytes(row.storedBytes),
            },
            { key: "ratio", header: t.colRatio, numeric: true, cell: (row) => ratio(row.dedupRatio) },
          ]}
        />
      </div>
    </div>
  );
}

function SuccessSection(props: { t: DashboardTexts; datas: readonly SystemData[]; checkedAt: Date }) {
  const { t } = props;
  const locale = useLocale();
  const format = useFormat();
  const rows = useMemo(
    () => successByDay(props.datas, days, props.checkedAt),
    [props.datas, props.checkedAt],
  );
  const dayLabel = (day: string) => day.slice(5).replace("-", "/");
  const option = useMemo(
    () =>
      successOption({
        days: rows,
        dayLabel,
        labels: {
          drillsPassed: t.drillsPassed,
          drillsFailed: t.drillsFailed,
          jobsCompleted: t.jobsCompleted,
          jobsFailed: t.jobsFailed,
          count: t.count,
        },
        palette,
      }),
    [rows, locale],
  );
  const sum = (value: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + value(r), 0);
  const summary = t.successSummary(
    sum((r) => r.drillsPassed),
    sum((r) => r.drillsFailed),
    sum((r) => r.jobsCompleted),
    sum((r) => r.jobsFailed),
  );
  const active = rows.filter((r) => r.drillsPassed + r.drillsFailed + r.jobsCompleted + r.jobsFailed > 0);
  return (
    <div class="section" data-testid="success">
      <h2>{t.successTitle}</h2>
      <Chart option={option} label={t.successChart} summary={summary} height={240} />
      <p class="ev-summary" aria-hidden="true">
        {summary}
      </p>
      <div class="ev-numbers">
        <DataTable
          caption={t.successCaption}
          rows={active}
          rowKey={(row) => row.day}
          empty={t.noActivity}
          columns={[
            { key: "day", header: t.colDay, cell: (row) => format.date(`${row.day}T12:00:00`) },
            {
              key: "dp",
              header: t.drillsPassed,
              numeric: true,
              cell: (row) => format.number(row.drillsPassed),
            },
            {
              key: "df",
              header: t.drillsFailed,
              numeric: true,
              cell: (row) => format.number(row.drillsFailed),
            },
            {
              key: "jc",
              header: t.jobsCompleted,
              numeric: true,
              cell: (row) => format.number(row.jobsCompleted),
            },
            { key: "jf", header: t.jobsFailed, numeric: true, cell: (row) => format.number(row.jobsFailed) },
          ]}
        />
        <p class="ev-muted">{t.successNote}</p>
      </div>
    </div>
  );
}
