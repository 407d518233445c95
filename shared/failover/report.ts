import { createHash } from "node:crypto";
import { formatDuration } from "../classification/targets.ts";
import { both, escapeHtml } from "../drills/report.ts";
import { type Switchover, systemsOf } from "./switchover.ts";

/** Where a switchover's emergency-response report goes in the locked reports bucket (R-RPT-03). */
export const switchReportKeys = (s: Pick<Switchover, "tenantId" | "switchId">) => {
  const base = `tenants/${s.tenantId}/switchovers/${s.switchId}/report`;
  return { json: `${base}.json`, html: `${base}.html` };
};

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** JSON with every object's keys sorted: the same record hashes the same whoever stored it. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : item,
  );
}

/**
 * The emergency-response report (R-RPT-03): the switchover as it ended, each system's achieved RTO
 * and RPO against its targets, and the evidence's hash so a copy filed elsewhere can be checked
 * against the locked original. The audit trail holds one event per step (eventSource
 * failovers.govdr, resource govdr::switchover); the report names how to find them.
 */
export function switchoverReport(switchover: Switchover, generatedAt: Date) {
  const record = canonicalJson(switchover);
  return {
    kind: "govdr.emergency-response-report",
    version: 1,
    generatedAt: generatedAt.toISOString(),
    switchover,
    systems: systemsOf(switchover).map((s) => ({
      systemId: s.systemId,
      name: s.name,
      status: s.status,
      targets: { rtoSeconds: s.targets.rtoSeconds, rpoSeconds: s.targets.rpoSeconds },
      achieved: s.achieved ?? null,
      withinTargets: s.withinTargets ?? null,
    })),
    evidence: {
      /** SHA-256 of the record (GET /failovers/{id}) as JSON with its keys sorted. */
      recordSha256: sha256(record),
      auditTrail: {
        eventSource: "failovers.govdr",
        resource: { type: "govdr::switchover", id: switchover.switchId },
      },
    },
  };
}

const statusText: Record<Switchover["status"], { zh: string; en: string }> = {
  running: { zh: "进行中", en: "running" },
  "awaiting-approval": { zh: "等待审批", en: "awaiting approval" },
  completed: { zh: "已完成", en: "completed" },
  "rolled-back": { zh: "已回退", en: "rolled back" },
  failed: { zh: "失败", en: "failed" },
  rejected: { zh: "已驳回", en: "rejected" },
};

/** Achieved RTO per system against its target, as bars (the report is compared, so it is a chart). */
function rtoChart(switchover: Switchover): string {
  const systems = systemsOf(switchover);
  const width = 640;
  const scale = Math.max(1, ...systems.flatMap((s) => [s.targets.rtoSeconds, s.achieved?.rtoSeconds ?? 0]));
  const w = (value: number) => Math.max(2, Math.round((value / scale) * (width - 230)));
  const rows = systems
    .map((s, i) => {
      const y = 10 + i * 46;
      const achieved = s.achieved?.rtoSeconds;
      const missed = achieved !== undefined && achieved > s.targets.rtoSeconds;
      return `<text x="0" y="${y + 14}" font-size="12">${escapeHtml(s.name.slice(0, 24))}</text>
<rect x="200" y="${y}" width="${w(s.targets.rtoSeconds)}" height="16" fill="#90a4ae"><title>target ${s.targets.rtoSeconds} s</title></rect>
${achieved === undefined ? `<text x="200" y="${y + 34}" font-size="12">—</text>` : `<rect x="200" y="${y + 20}" width="${w(achieved)}" height="16" fill="${missed ? "#c62828" : "#2e7d32"}"><title>achieved ${achieved.toFixed(1)} s</title></rect><text x="${206 + w(achieved)}" y="${y + 33}" font-size="12">${achieved.toFixed(1)} s</text>`}`;
    })
    .join("\n");
  const height = 20 + systems.length * 46;
  return `<svg role="img" aria-label="Achieved RTO against target per system" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${rows}</svg>`;
}

/** The report as a self-contained HTML page (no script, no external resource) an auditor can file. */
export function switchoverReportHtml(switchover: Switchover, generatedAt: Date): string {
  const report = switchoverReport(switchover, generatedAt);
  const t = switchover.timings;
  const timing = t
    ? `<table><tr><th>${both({ zh: "发现", en: "Detection" })}</th><th>${both({ zh: "审批", en: "Approval" })}</th><th>${both({ zh: "恢复", en: "Recovery" })}</th><th>${both({ zh: "切换", en: "Switch" })}</th><th>${both({ zh: "合计", en: "Total" })}</th></tr>
<tr>${[t.detectionSeconds, t.approvalSeconds, t.recoverySeconds, t.switchSeconds, t.totalSeconds].map((v) => `<td>${v.toFixed(1)} s</td>`).join("")}</tr></table>`
    : "";
  const waves = switchover.waves
    .map((wave) => {
      const rows = wave.systems
        .map(
          (s) =>
            `<tr><td>${escapeHtml(s.name)}<br><code>${escapeHtml(s.systemId)}</code></td><td>${escapeHtml(s.status)}</td><td>${escapeHtml(formatDuration(s.targets.rtoSeconds).en)}</td><td>${s.achieved ? `${s.achieved.rtoSeconds.toFixed(1)} s` : "—"}</td><td>${s.achieved?.rpoSeconds === undefined ? "—" : `${s.achieved.rpoSeconds.toFixed(0)} s`}</td><td>${s.steps.map((step) => `${escapeHtml(step.name)}: ${escapeHtml(step.status)}${step.detail ? ` — ${escapeHtml(step.detail)}` : ""}`).join("<br>")}${s.error ? `<br><strong>${escapeHtml(s.error.code)}</strong> ${escapeHtml(s.error.message)}` : ""}</td></tr>`,
        )
        .join("\n");
      return `<h3>${both({ zh: `第 ${wave.index + 1} 批`, en: `Wave ${wave.index + 1}` })} — ${escapeHtml(wave.status)}</h3>
<table><tr><th>${both({ zh: "系统", en: "System" })}</th><th>${both({ zh: "状态", en: "Status" })}</th><th>RTO ${both({ zh: "目标", en: "target" })}</th><th>RTO</th><th>RPO</th><th>${both({ zh: "步骤", en: "Steps" })}</th></tr>${rows}</table>`;
    })
    .join("\n");
  const findings = (switchover.precheck?.findings ?? [])
    .map((f) => `<li class="${f.severity}"><code>${escapeHtml(f.code)}</code> ${both(f.message)}</li>`)
    .join("");
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>应急响应报告 Emergency response report ${escapeHtml(switchover.switchId)}</title>
<style>
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#212121}
table{border-collapse:collapse;width:100%;margin:1em 0}td,th{border:1px solid #bdbdbd;padding:4px 8px;text-align:left;vertical-align:top}
.en{color:#555}li.error{color:#c62828}
</style>
</head>
<body>
<h1>${both({ zh: "应急响应报告", en: "Emergency response report" })}</h1>
<p>${both({ zh: switchover.kind === "failover" ? "切换至灾备站点" : "回切至主站点", en: switchover.kind === "failover" ? "Failover to the DR site" : "Failback to the primary site" })} <code>${escapeHtml(switchover.switchId)}</code> — <strong>${both(statusText[switchover.status])}</strong></p>
<table>
<tr><th>${both({ zh: "触发", en: "Trigger" })}</th><td>${escapeHtml(switchover.trigger)} (${escapeHtml(switchover.requestedBy)})</td></tr>
<tr><th>${both({ zh: "原因", en: "Reason" })}</th><td>${escapeHtml(switchover.reason || switchover.approval.reason)}</td></tr>
<tr><th>${both({ zh: "宣告时间", en: "Declared" })}</th><td>${escapeHtml(switchover.declaredAt)}</td></tr>
<tr><th>${both({ zh: "结束时间", en: "Ended" })}</th><td>${escapeHtml(switchover.finishedAt ?? "")}</td></tr>
<tr><th>${both({ zh: "审批", en: "Approval" })}</th><td>${switchover.approval.required ? `${escapeHtml(switchover.approval.decision ?? "—")} ${escapeHtml(switchover.approval.decidedBy ?? "")} ${escapeHtml(switchover.approval.decidedAt ?? "")}` : both({ zh: "无需审批（自动切换）", en: "not required (automatic)" })}</td></tr>
${switchover.error ? `<tr><th>${both({ zh: "错误", en: "Error" })}</th><td><code>${escapeHtml(switchover.error.code)}</code> ${escapeHtml(switchover.error.message)}</td></tr>` : ""}
</table>
<h2>${both({ zh: "耗时构成", en: "Where the time went" })}</h2>
${timing}
<h2>${both({ zh: "各系统实际 RTO 与目标", en: "Achieved RTO against target" })}</h2>
${rtoChart(switchover)}
<h2>${both({ zh: "切换前检查", en: "Precheck" })}</h2>
<ul>${findings || `<li>${both({ zh: "无", en: "None" })}</li>`}</ul>
<h2>${both({ zh: "批次与步骤", en: "Waves and steps" })}</h2>
${waves}
<h2>${both({ zh: "证据", en: "Evidence" })}</h2>
<p>SHA-256 ${both({ zh: "（切换记录）", en: "(switchover record)" })}: <code>${report.evidence.recordSha256}</code></p>
<p>${both({ zh: "审计记录：事件来源 failovers.govdr，资源 govdr::switchover", en: "Audit trail: event source failovers.govdr, resource govdr::switchover" })} <code>${escapeHtml(switchover.switchId)}</code></p>
<p class="en">${escapeHtml(generatedAt.toISOString())}</p>
</body>
</html>
`;
}
