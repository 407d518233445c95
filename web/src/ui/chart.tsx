import { BarChart, GaugeChart, LineChart, PieChart } from "echarts/charts";
import {
  DatasetComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { useEffect, useRef } from "preact/hooks";

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  GaugeChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  DatasetComponent,
  MarkLineComponent,
  SVGRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

/**
 * An ECharts chart (SVG, so text stays sharp and screenshots readable). `label` is its accessible
 * name; `summary` says in words what it shows, for screen readers and for anyone who needs the numbers.
 */
export function Chart(props: { option: ChartOption; label: string; summary?: string; height?: number }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);
  useEffect(() => {
    if (!element.current) return;
    const instance = echarts.init(element.current, undefined, { renderer: "svg" });
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(element.current);
    return () => {
      resize.disconnect();
      instance.dispose();
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption({ animation: false, ...props.option }, true);
  }, [props.option]);
  return (
    <figure class="chart">
      <div ref={element} role="img" aria-label={props.label} style={{ height: `${props.height ?? 260}px` }} />
      {props.summary ? <figcaption class="visually-hidden">{props.summary}</figcaption> : null}
    </figure>
  );
}

/** Colours with enough contrast on white, and the same meaning everywhere. */
export const chartColours = {
  ok: "#1b7f3b",
  bad: "#b42318",
  warn: "#a15c07",
  target: "#475467",
  primary: "#1d4ed8",
  muted: "#98a2b3",
};
