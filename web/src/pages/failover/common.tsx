import { useEffect, useState } from "preact/hooks";
import { useFormat } from "../../i18n/format.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { Badge } from "../../ui/controls.tsx";
import "../dr/dr.css";
import "./failover.css";
import { type PhaseLine, type StepLine, type SwitchStatus, systemStepLines } from "./failover-logic.ts";
import type { Switchover, SwitchSystem } from "./responses.ts";

/** Words the failover pages share: statuses, phases, steps, sites. */
export const words = defineMessages({
  zh: {
    failover: "切换",
    failback: "回切",
    status: {
      running: "进行中",
      "awaiting-approval": "等待审批",
      completed: "已完成",
      "rolled-back": "已回滚",
      failed: "失败",
      rejected: "已驳回",
    },
    phase: {
      precheck: "切换前检查",
      resync: "数据回同步",
      approval: "审批",
      waves: "分批切换",
      report: "生成报告",
      done: "结束",
    },
    step: {
      resync: "数据回同步",
      fence: "隔离原站点",
      recover: "启用目标站点",
      check: "检查目标站点",
      switch: "切换路由",
      verify: "切换后验证",
      record: "记录结果",
      rollback: "回滚",
    },
    stepState: {
      pending: "等待",
      running: "进行中",
      succeeded: "已完成",
      failed: "失败",
      skipped: "已跳过",
    },
    phaseState: { done: "已完成", current: "进行中", pending: "等待", skipped: "不适用" },
    systemStatus: {
      pending: "等待",
      running: "切换中",
      switched: "已切换",
      failed: "失败",
      "rolled-back": "已回滚",
    },
    waveStatus: {
      pending: "等待",
      running: "进行中",
      completed: "已完成",
      failed: "失败",
      "rolled-back": "已回滚",
    },
    site: { primary: "主站点", dr: "灾备站点" },
    trigger: { request: "人工发起", heartbeat: "心跳中断自动发起" },
    heartbeat: { healthy: "正常", failing: "探测失败", breached: "已判定故障", unknown: "尚未探测" },
    wave: (n: number) => `第 ${n} 批`,
    stepTimes: (start: string, took: string) => `开始于 ${start}，用时 ${took}`,
    attempts: (n: number) => `（第 ${n} 次尝试）`,
    fromTo: (from: string, to: string) => `${from} → ${to}`,
  },
  en: {
    failover: "Failover",
    failback: "Failback",
    status: {
      running: "Running",
      "awaiting-approval": "Awaiting approval",
      completed: "Completed",
      "rolled-back": "Rolled back",
      failed: "Failed",
      rejected: "Rejected",
    },
    phase: {
      precheck: "Precheck",
      resync: "Resync",
      approval: "Approval",
      waves: "Waves",
      report: "Report",
      done: "Done",
    },
    step: {
      resync: "Resync data",
      fence: "Fence the site it leaves",
      recover: "Bring up the target site",
      check: "Check the target site",
      switch: "Switch the route",
      verify: "Verify through the switch",
      record: "Record",
      rollback: "Roll back",
    },
    stepState: {
      pending: "Waiting",
      running: "Running",
      succeeded: "Done",
      failed: "Failed",
      skipped: "Skipped",
    },
    phaseState: { done: "Done", current: "Under way", pending: "Waiting", skipped: "Not needed" },
    systemStatus: {
      pending: "Waiting",
      running: "Switching",
      switched: "Switched",
      failed: "Failed",
      "rolled-back": "Rolled back",
    },
    waveStatus: {
      pending: "Waiting",
      running: "Running",
      completed: "Completed",
      failed: "Failed",
      "rolled-back": "Rolled back",
    },
    site: { primary: "Primary site", dr: "DR site" },
    trigger: { request: "By a person", heartbeat: "Automatic, on a heartbeat breach" },
    heartbeat: { healthy: "Healthy", failing: "Failing", breached: "Breached", unknown: "Not probed yet" },
    wave: (n: number) => `Wave ${n}`,
    stepTimes: (start: string, took: string) => `started ${start}, took ${took}`,
    attempts: (n: number) => ` (attempt ${n})`,
    fromTo: (from: string, to: string) => `${from} → ${to}`,
  },
});

const statusTone: Record<SwitchStatus, "ok" | "warn" | "bad" | "info" | "neutral"> = {
  running: "info",
  "awaiting-approval": "warn",
  completed: "ok",
  "rolled-back": "bad",
  failed: "bad",
  rejected: "neutral",
};

export function SwitchStatusBadge(props: { status: SwitchStatus }) {
  const w = words.use();
  return (
    <span data-testid="switch-status" data-status={props.status}>
      <Badge tone={statusTone[props.status]}>{w.status[props.status]}</Badge>
    </span>
  );
}

export function KindLabel(props: { kind: Switchover["kind"] }) {
  const w = words.use();
  return <>{props.kind === "failover" ? w.failover : w.failback}</>;
}

const siteTone = { primary: "ok", dr: "warn" } as const;
export function SiteBadge(props: { site: "primary" | "dr" }) {
  const w = words.use();
  return (
    <span data-testid="active-site" data-site={props.site}>
      <Badge tone={siteTone[props.site]}>{w.site[props.site]}</Badge>
    </span>
  );
}

const stepTone = {
  pending: "neutral",
  running: "info",
  succeeded: "ok",
  failed: "bad",
  skipped: "neutral",
} as const;

/** The switchover's phases, left to right. */
export function PhaseBar(props: { lines: PhaseLine[]; label: string }) {
  const w = words.use();
  return (
    <ol class="fo-phases" aria-label={props.label} data-testid="switch-phases">
      {props.lines.map((line) => (
        <li
          key={line.phase}
          data-phase={line.phase}
          data-state={line.state}
          aria-current={line.state === "current" ? "step" : undefined}
        >
          <span class="fo-phase-name">{w.phase[line.phase]}</span>
          <span class="fo-phase-state">{w.phaseState[line.state]}</span>
        </li>
      ))}
    </ol>
  );
}

/** One system's steps as a timeline, like a drill's (web/src/pages/dr/drill-detail.tsx). */
export function StepTimeline(props: { system: SwitchSystem; now: Date }) {
  const w = words.use();
  const format = useFormat();
  const lines: StepLine[] = systemStepLines(props.system, props.now);
  return (
    <ol class="dr-steps" data-testid={`steps-${props.system.systemId}`}>
      {lines.map((line) => (
        <li
          key={line.name}
          data-state={line.state}
          data-step={line.name}
          aria-current={line.current ? "step" : undefined}
          class={line.current ? "dr-step-current" : undefined}
        >
          <div class="dr-step-head">
            <span class="dr-step-name">{w.step[line.name]}</span>
            <Badge tone={stepTone[line.state]}>{w.stepState[line.state]}</Badge>
          </div>
          {line.startedAt ? (
            <div class="dr-step-meta">
              {w.stepTimes(format.dateTime(line.startedAt), format.duration(line.seconds))}
              {line.attempts > 1 ? w.attempts(line.attempts) : null}
            </div>
          ) : null}
          {line.detail ? <div class="dr-step-detail">{line.detail}</div> : null}
        </li>
      ))}
    </ol>
  );
}

/** A clock that ticks every second while `active` (elapsed times, the approval deadline). */
export function useNow(active: boolean): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    setNow(new Date());
    if (!active) return;
    const timer = window.setInterval(() => setNow(new Date()), 1000);
    return () => window.clearInterval(timer);
  }, [active]);
  return now;
}
