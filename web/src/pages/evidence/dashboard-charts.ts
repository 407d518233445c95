import type { Palette } from "../dr/dr-charts.ts";
import type { DayCounts, StorageRow } from "./dashboard-model.ts";

/**
 * ECharts options of the dashboard as plain objects (no JSX, no DOM); the RPO/RTO bars reuse the DR
 * tabs' achieved-against-target chart (web/src/pages/dr/dr-charts.ts). Unit-tested with the model.
 */

export interface DashboardPalette extends Palette {
  warn: string;
}

const byteUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"] as const;

/** The binary unit an axis of byte counts reads in, so its largest value is between 1 and 1024. */
export function bytesUnit(maxBytes: number): { unit: (typeof byteUnits)[number]; divisor: number } {
  let index = 0;
  let value = maxBytes;
  while (value >= 1024 && index < byteUnits.length - 1) {
    value /= 1024;
    index++;
  }
  return { unit: byteUnits[index] as (typeof byteUnits)[number], divisor: 1024 ** index };
}

const round = (value: number) => Math.round(value * 100) / 100;

/** Per system: the data protected now (newest snapshot) and what the counted snapshots stored. */
export function storageOption(options: {
  rows: readonly StorageRow[];
  labels: { protected: string; stored: string };
  bytes: (value: number) => string;
  palette: DashboardPalette;
}) {
  const { rows, labels, palette } = options;
  const { unit, divisor } = bytesUnit(Math.max(0, ...rows.flatMap((r) => [r.protectedBytes, r.storedBytes])));
  const label = {
    show: true,
    position: "right",
    formatter: (p: { value: number }) => options.bytes(p.value * divisor),
  };
  return {
    grid: { left: 16, right: 72, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, data: [labels.protected, labels.stored] },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      valueFormatter: (value: unknown) => (typeof value === "number" ? options.bytes(value * divisor) : "—"),
    },
    xAxis: { type: "value", min: 0, name: unit, axisLabel: { formatter: (v: number) => String(round(v)) } },
    yAxis: { type: "category", data: rows.map((r) => r.name), inverse: true },
    series: [
      {
        name: labels.protected,
        type: "bar",
        barMaxWidth: 22,
        data: rows.map((r) => r.protectedBytes / divisor),
        itemStyle: { color: palette.primary },
        label,
      },
      {
        name: labels.stored,
        type: "bar",
        barMaxWidth: 22,
        data: rows.map((r) => r.storedBytes / divisor),
        itemStyle: { color: palette.target },
        label,
      },
    ],
  };
}

/** Per day: drills passed/failed stacked, backup jobs completed/failed stacked, side by side. */
export function successOption(options: {
  days: readonly DayCounts[];
  dayLabel: (day: string) => string;
  labels: {
    drillsPassed: string;
    drillsFailed: string;
    jobsCompleted: string;
    jobsFailed: string;
    count: string;
  };
  palette: DashboardPalette;
}) {
  const { days, labels, palette } = options;
  const series = (name: string, stack: string, color: string, value: (d: DayCounts) => number) => ({
    name,
    type: "bar",
    stack,
    barMaxWidth: 18,
    itemStyle: { color },
    data: days.map(value),
  });
  return {
    grid: { left: 16, right: 16, top: 40, bottom: 8, containLabel: true },
    legend: {
      top: 0,
      data: [labels.drillsPassed, labels.drillsFailed, labels.jobsCompleted, labels.jobsFailed],
    },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: { type: "category", data: days.map((d) => options.dayLabel(d.day)) },
    yAxis: { type: "value", min: 0, minInterval: 1, name: labels.count },
    series: [
      series(labels.drillsPassed, "drills", palette.ok, (d) => d.drillsPassed),
      series(labels.drillsFailed, "drills", palette.bad, (d) => d.drillsFailed),
      series(labels.jobsCompleted, "jobs", palette.primary, (d) => d.jobsCompleted),
      series(labels.jobsFailed, "jobs", palette.warn, (d) => d.jobsFailed),
    ],
  };
}
