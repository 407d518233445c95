import { useLocation } from "preact-iso";
import type { ErrorCode } from "../../../../shared/error-codes.ts";
import type { ProtectedSystem } from "../../../../shared/systems/system.ts";
import { errorMessages } from "../../i18n/error-messages.ts";
import { useLocale } from "../../i18n/locale.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { Badge, Button, Field } from "../../ui/controls.tsx";
import { DataTable } from "../../ui/table.tsx";
import type { UnitNames } from "./dr-charts.ts";
import { browserTimeZone } from "./dr-logic.ts";
import "./dr.css";

/** What the system page's shell gives each tab (web/src/pages/system-tabs.ts). */
export interface DrTabProps {
  system: ProtectedSystem;
  reload: () => void;
}

/** Words the DR tabs share. */
export const common = defineMessages({
  zh: {
    loading: "正在加载…",
    more: "加载更多",
    refresh: "刷新",
    back: "返回列表",
    close: "关闭",
    cancel: "取消",
    details: "详情",
    none: "无",
    running: "进行中",
    completed: "已完成",
    failed: "失败",
    typeFull: "全量",
    typeIncremental: "增量",
    typeDifferential: "差异",
    drillTabletop: "桌面推演",
    drillSimulated: "模拟演练",
    drillLive: "实战演练",
    onDemand: "手动发起",
    schedule: "按计划",
    failback: "回切同步",
    date: "日期",
    time: "时间",
    timeZone: (zone: string) => `按您所在时区（${zone}）的时间。`,
    unitS: "秒",
    unitMin: "分钟",
    unitH: "小时",
    unitD: "天",
  },
  en: {
    loading: "Loading…",
    more: "Load more",
    refresh: "Refresh",
    back: "Back to the list",
    close: "Close",
    cancel: "Cancel",
    details: "Details",
    none: "None",
    running: "Running",
    completed: "Completed",
    failed: "Failed",
    typeFull: "Full",
    typeIncremental: "Incremental",
    typeDifferential: "Differential",
    drillTabletop: "Tabletop",
    drillSimulated: "Simulated",
    drillLive: "Live",
    onDemand: "On demand",
    schedule: "Scheduled",
    failback: "Failback resync",
    date: "Date",
    time: "Time",
    timeZone: (zone: string) => `In your time zone (${zone}).`,
    unitS: "seconds",
    unitMin: "minutes",
    unitH: "hours",
    unitD: "days",
  },
});

type Common = ReturnType<typeof common.use>;

/** Names of the units a chart's duration axis counts in. */
export const unitNames = (t: Common): UnitNames => ({ s: t.unitS, min: t.unitMin, h: t.unitH, d: t.unitD });

export const backupTypeLabel = (t: Common, type: "full" | "incremental" | "differential") =>
  ({ full: t.typeFull, incremental: t.typeIncremental, differential: t.typeDifferential })[type];

export const drillTypeLabel = (t: Common, type: "tabletop" | "simulated" | "live") =>
  ({ tabletop: t.drillTabletop, simulated: t.drillSimulated, live: t.drillLive })[type];

export const triggerLabel = (t: Common, trigger: "on-demand" | "schedule" | "failback") =>
  ({ "on-demand": t.onDemand, schedule: t.schedule, failback: t.failback })[trigger];

/** A job's or drill's status as a badge. */
export function StatusBadge(props: { status: "running" | "completed" | "failed" }) {
  const t = common.use();
  const tone = { running: "info", completed: "ok", failed: "bad" } as const;
  const label = { running: t.running, completed: t.completed, failed: t.failed };
  return <Badge tone={tone[props.status]}>{label[props.status]}</Badge>;
}

export function VerdictBadge(props: { verdict?: "PASS" | "FAIL" }) {
  if (!props.verdict) return <span>—</span>;
  return (
    <Badge tone={props.verdict === "PASS" ? "ok" : "bad"}>
      <span data-testid="verdict">{props.verdict}</span>
    </Badge>
  );
}

/**
 * Where the tab is and how to go elsewhere in the system page: the same tab with another query
 * (`?drill=…`), or a sibling tab (`…/drills?pointInTime=…`). Works whatever the page's base path is.
 */
export function useHere() {
  const location = useLocation();
  const withQuery = (path: string, query: Record<string, string | undefined>) => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value) search.set(name, value);
    const text = search.toString();
    return text ? `${path}?${text}` : path;
  };
  return {
    query: location.query,
    /** This tab with `query` (nothing: the tab's list). */
    href: (query: Record<string, string | undefined> = {}) => withQuery(location.path, query),
    /** Another tab of the same system page. */
    tab: (tab: string, query: Record<string, string | undefined> = {}) =>
      withQuery(location.path.replace(/[^/]+\/?$/, tab), query),
    go: (url: string) => location.route(url),
  };
}

/** A time of day (the shared TextField has no `time` type), with seconds. */
export function TimeField(props: {
  label: string;
  value: string;
  onValue: (value: string) => void;
  hint?: string;
  error?: string;
}) {
  return (
    <Field label={props.label} hint={props.hint} error={props.error}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          type="time"
          step={1}
          value={props.value}
          aria-describedby={describedBy}
          aria-invalid={invalid ? "true" : undefined}
          onInput={(event) => props.onValue((event.target as HTMLInputElement).value)}
        />
      )}
    </Field>
  );
}

export const timeZoneHint = (t: Common) => t.timeZone(browserTimeZone());

/** "Load more" under a paged list. */
export function MoreButton(props: { hasMore: boolean; loading: boolean; onMore: () => void }) {
  const t = common.use();
  if (!props.hasMore) return null;
  return (
    <div class="dr-more">
      <Button busy={props.loading} onClick={props.onMore}>
        {t.more}
      </Button>
    </div>
  );
}

/** The shared table, with short values kept on one line (see dr.css). */
export function DrTable<T>(props: Parameters<typeof DataTable<T>>[0]) {
  return (
    <div class="dr-table">
      <DataTable {...props} />
    </div>
  );
}

/**
 * Why a drill or a backup job failed: the error catalogue's explanation and next step in the console's
 * language, when the code is one of its own, then the code and the task's own message.
 */
export function JobErrorNotice(props: { title: string; error: { code: string; message: string } }) {
  const locale = useLocale();
  const text = errorMessages[props.error.code as ErrorCode]?.[locale];
  return (
    <>
      <h3>{props.title}</h3>
      <div class="notice notice-error" data-code={props.error.code}>
        {text ? (
          <>
            <p class="notice-title">{text.message}</p>
            <p>{text.next}</p>
          </>
        ) : null}
        <p class="notice-meta">
          <code>{props.error.code}</code>: {props.error.message}
        </p>
      </div>
    </>
  );
}
