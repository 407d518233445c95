/**
 * ECharts options of the DR tabs, as plain objects (no JSX, no DOM): the tabs hand them to
 * `<Chart>`, and tests/unit/web/dr-logic.test.ts checks what they plot.
 */

export interface Palette {
  ok: string;
  bad: string;
  target: string;
  primary: string;
  muted: string;
}

/** Durations on an axis and in tooltips, in the console's language (format.duration). */
type Duration = (seconds: number) => string;

export type DurationUnit = "s" | "min" | "h" | "d";
/** The names of the units, in the console's language (秒/分钟/小时/天, s/min/h/d). */
export type UnitNames = Record<DurationUnit, string>;

const unitSeconds: Record<DurationUnit, number> = { s: 1, min: 60, h: 3600, d: 86_400 };

/**
 * The unit a duration axis counts in, so that its ticks are round numbers (0, 10, 20 min rather
 * than 16 min, 33 min): seconds up to 2 minutes, minutes up to 2 hours, hours up to 2 days, then days.
 */
export function durationUnit(maxSeconds: number): DurationUnit {
  if (maxSeconds <= 120) return "s";
  if (maxSeconds <= 7200) return "min";
  if (maxSeconds <= 172_800) return "h";
  return "d";
}

/** The round number at or above `value` an axis may end on (66 → 80, 0.8 → 0.8, 130 → 150). */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => m * magnitude >= value - 1e-9) ?? 10;
  return Number((step * magnitude).toPrecision(12));
}

/** A duration axis in `unit`: values are given in that unit, ticks are plain numbers, the axis is named after it. */
function durationAxis(unit: DurationUnit, names: UnitNames, atLeast = 0) {
  return {
    type: "value",
    min: 0,
    // A mark line (the target) outside the data would otherwise fall off the axis.
    ...(atLeast > 0 ? { max: (extent: { max: number }) => niceCeiling(Math.max(extent.max, atLeast)) } : {}),
    name: names[unit],
    nameTextStyle: { align: "left" },
    axisLabel: { formatter: (v: number) => String(Math.round(v * 100) / 100) },
  };
}

const inUnit = (seconds: number, unit: DurationUnit) => seconds / unitSeconds[unit];

/** Tooltips show the plotted value (in `unit`) as a duration again. */
const tooltipDuration = (duration: Duration, unit: DurationUnit) => (value: unknown) =>
  typeof value === "number" ? duration(value * unitSeconds[unit]) : "—";

/**
 * Achieved against target, one pair of bars per measure (RTO, RPO): the achieved bar is green when
 * within its target and red when not; a measure not achieved (null) has no bar.
 */
export function achievedVsTargetOption(options: {
  measures: { label: string; achieved: number | null; target: number }[];
  labels: { achieved: string; target: string };
  duration: Duration;
  units: UnitNames;
  palette: Palette;
}) {
  const { measures, labels, duration, palette } = options;
  const unit = durationUnit(Math.max(0, ...measures.flatMap((m) => [m.achieved ?? 0, m.target])));
  const seconds = (value: number) => duration(value * unitSeconds[unit]);
  return {
    grid: { left: 16, right: 48, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, data: [labels.achieved, labels.target] },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      valueFormatter: tooltipDuration(duration, unit),
    },
    xAxis: durationAxis(unit, options.units),
    yAxis: { type: "category", data: measures.map((m) => m.label), inverse: true },
    series: [
      {
        name: labels.achieved,
        type: "bar",
        barMaxWidth: 22,
        data: measures.map((m) =>
          m.achieved === null
            ? null
            : {
                value: inUnit(m.achieved, unit),
                itemStyle: { color: m.achieved <= m.target ? palette.ok : palette.bad },
              },
        ),
        itemStyle: { color: palette.ok },
        label: { show: true, position: "right", formatter: (p: { value: number }) => seconds(p.value) },
      },
      {
        name: labels.target,
        type: "bar",
        barMaxWidth: 22,
        data: measures.map((m) => inUnit(m.target, unit)),
        itemStyle: { color: palette.target },
        label: { show: true, position: "right", formatter: (p: { value: number }) => seconds(p.value) },
      },
    ],
  };
}

/** Achievable RPO over time (a line; gaps where none was achievable) with the target as a mark line. */
export function rpoHistoryOption(options: {
  points: [number, number | null][];
  target: number | undefined;
  labels: { achievable: string; target: string };
  duration: Duration;
  units: UnitNames;
  time: (ms: number) => string;
  palette: Palette;
}) {
  const { points, target, labels, duration, time, palette } = options;
  const unit = durationUnit(Math.max(target ?? 0, ...points.map((p) => p[1] ?? 0)));
  return {
    grid: { left: 16, right: 24, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0, data: [labels.achievable] },
    tooltip: { trigger: "axis", valueFormatter: tooltipDuration(duration, unit) },
    xAxis: { type: "time", axisLabel: { formatter: (v: number) => time(v), hideOverlap: true } },
    yAxis: durationAxis(unit, options.units, target === undefined ? 0 : inUnit(target, unit) * 1.1),
    series: [
      {
        name: labels.achievable,
        type: "line",
        showSymbol: points.length < 60,
        connectNulls: false,
        data: points.map(([at, seconds]) => [at, seconds === null ? null : inUnit(seconds, unit)]),
        itemStyle: { color: palette.primary },
        lineStyle: { color: palette.primary },
        ...(target !== undefined
          ? {
              markLine: {
                symbol: "none",
                lineStyle: { color: palette.bad, type: "dashed" },
                label: { formatter: `${labels.target} ${duration(target)}`, position: "insideEndTop" },
                data: [{ yAxis: inUnit(target, unit) }],
              },
            }
          : {}),
      },
    ],
  };
}

/** Achieved RTO of each drill (bars, oldest first) against its target (a stepped line). */
export function drillRtoOption(options: {
  drills: { drillId: string; startedAt: string; rtoSeconds: number; targetSeconds: number }[];
  labels: { achieved: string; target: string };
  duration: Duration;
  units: UnitNames;
  date: (iso: string) => string;
  palette: Palette;
}) {
  const { drills, labels, duration, date, palette } = options;
  const unit = durationUnit(Math.max(0, ...drills.flatMap((d) => [d.rtoSeconds, d.targetSeconds])));
  return {
    grid: { left: 16, right: 24, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0, data: [labels.achieved, labels.target] },
    tooltip: { trigger: "axis", valueFormatter: tooltipDuration(duration, unit) },
    xAxis: { type: "category", data: drills.map((d) => date(d.startedAt)), axisLabel: { hideOverlap: true } },
    yAxis: durationAxis(unit, options.units),
    series: [
      {
        name: labels.achieved,
        type: "bar",
        barMaxWidth: 28,
        data: drills.map((d) => ({
          value: inUnit(d.rtoSeconds, unit),
          itemStyle: { color: d.rtoSeconds <= d.targetSeconds ? palette.ok : palette.bad },
        })),
        itemStyle: { color: palette.ok },
      },
      {
        name: labels.target,
        type: "line",
        step: "middle",
        symbol: "none",
        data: drills.map((d) => inUnit(d.targetSeconds, unit)),
        lineStyle: { color: palette.target, type: "dashed" },
        itemStyle: { color: palette.target },
      },
    ],
  };
}
