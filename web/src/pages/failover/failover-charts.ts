import { durationUnit, type Palette, type UnitNames } from "../dr/dr-charts.ts";
import type { TimingKey } from "./failover-logic.ts";

/**
 * ECharts options of the failover pages, as plain objects (no JSX, no DOM): the pages hand them to
 * `<Chart>`, and tests/unit/web/failover-logic.test.ts checks what they plot.
 */

type Duration = (seconds: number) => string;
const unitSeconds = { s: 1, min: 60, h: 3600, d: 86_400 } as const;

/** Where the time of a switchover went: one bar per part (detection, approval, recovery, switch). */
export function timingsOption(options: {
  rows: { key: TimingKey; seconds: number }[];
  labels: Record<TimingKey, string>;
  duration: Duration;
  units: UnitNames;
  palette: Palette & { warn?: string };
}) {
  const { rows, labels, duration, palette } = options;
  const unit = durationUnit(Math.max(0, ...rows.map((row) => row.seconds)));
  const colours: Record<TimingKey, string> = {
    detection: palette.muted,
    approval: palette.warn ?? palette.target,
    recovery: palette.primary,
    switch: palette.ok,
  };
  return {
    grid: { left: 16, right: 64, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      valueFormatter: (value: unknown) =>
        typeof value === "number" ? duration(value * unitSeconds[unit]) : "—",
    },
    xAxis: {
      type: "value",
      min: 0,
      name: options.units[unit],
      nameTextStyle: { align: "left" },
      axisLabel: { formatter: (v: number) => String(Math.round(v * 100) / 100) },
    },
    yAxis: { type: "category", inverse: true, data: rows.map((row) => labels[row.key]) },
    series: [
      {
        type: "bar",
        barMaxWidth: 20,
        data: rows.map((row) => ({
          value: row.seconds / unitSeconds[unit],
          itemStyle: { color: colours[row.key] },
        })),
        label: {
          show: true,
          position: "right",
          formatter: (p: { value: number }) => duration(p.value * unitSeconds[unit]),
        },
      },
    ],
  };
}

/** The heartbeat's probes over time: latency (ms) as a line, each probe a point, a missed one red. */
export function probesOption(options: {
  probes: { at: number; latencyMs: number; ok: boolean }[];
  labels: { latency: string; ok: string; missed: string };
  time: (ms: number) => string;
  palette: Palette;
}) {
  const { probes, labels, time, palette } = options;
  return {
    grid: { left: 16, right: 24, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0, data: [labels.latency] },
    tooltip: {
      trigger: "axis",
      formatter: (params: { value: [number, number]; data: { ok: boolean } }[]) => {
        const point = params[0];
        if (!point) return "";
        return `${time(point.value[0])}<br/>${point.value[1]} ms · ${point.data.ok ? labels.ok : labels.missed}`;
      },
    },
    xAxis: { type: "time", axisLabel: { formatter: (v: number) => time(v), hideOverlap: true } },
    yAxis: { type: "value", min: 0, name: "ms", nameTextStyle: { align: "left" } },
    series: [
      {
        name: labels.latency,
        type: "line",
        showSymbol: true,
        symbolSize: 7,
        data: probes.map((probe) => ({
          value: [probe.at, probe.latencyMs],
          ok: probe.ok,
          symbol: probe.ok ? "circle" : "triangle",
          symbolSize: probe.ok ? 6 : 10,
          itemStyle: { color: probe.ok ? palette.ok : palette.bad },
        })),
        itemStyle: { color: palette.primary },
        lineStyle: { color: palette.primary },
      },
    ],
  };
}
