import { formatDuration } from "../classification/targets.ts";
import type { DrillRecord } from "./drill.ts";

/** What the JSON report holds: the drill as it ended, and the App. C evaluation items (R-RPT-02). */
export function drillReport(drill: DrillRecord, generatedAt: Date) {
  return {
    kind: "govdr.drill-report",
    version: 1,
    generatedAt: generatedAt.toISOString(),
    drill,
    evaluation: evaluationItems(drill),
  };
}

/**
 * 000 App. C(4)2)'s eight evaluation items. What the platform measured fills items 1–3 and 7; the
 * organisation, people and coordination (4–6) and the plan updates (8) are the drill team's to write,
 * so the report says so instead of inventing them.
 */
export function evaluationItems(drill: DrillRecord) {
  const errors = drill.findings.filter((f) => f.severity === "error");
  const manual = { zh: "由演练组织方填写", en: "to be completed by the drill's organisers" };
  const achieved = drill.achieved;
  return [
    {
      item: 1,
      title: { zh: "应急预案的有效性和可用性", en: "Effectiveness and usability of the emergency plan" },
      result:
        drill.verdict === "PASS"
          ? { zh: "按预案恢复成功，数据完整", en: "Recovered as planned, data complete" }
          : {
              zh: "按预案未能达到目标，见问题清单",
              en: "The plan did not meet its targets; see the findings",
            },
    },
    {
      item: 2,
      title: { zh: "演练结果与演练目标的差距", en: "Gap between drill results and objectives" },
      result: {
        zh: `RTO 目标 ${formatDuration(drill.targets.rtoSeconds).zh}，实际 ${achieved?.rtoSeconds === undefined ? "—" : formatDuration(Math.round(achieved.rtoSeconds)).zh}；RPO 目标 ${formatDuration(drill.targets.rpoSeconds).zh}，实际 ${achieved ? formatDuration(Math.round(achieved.rpoSeconds)).zh : "—"}`,
        en: `RTO target ${formatDuration(drill.targets.rtoSeconds).en}, achieved ${achieved?.rtoSeconds === undefined ? "—" : formatDuration(Math.round(achieved.rtoSeconds)).en}; RPO target ${formatDuration(drill.targets.rpoSeconds).en}, achieved ${achieved ? formatDuration(Math.round(achieved.rpoSeconds)).en : "—"}`,
      },
    },
    {
      item: 3,
      title: { zh: "演练中发现的问题", en: "Problems found during the drill" },
      result:
        errors.length === 0
          ? { zh: "未发现问题", en: "None found" }
          : {
              zh: errors.map((f) => f.message.zh).join("；"),
              en: errors.map((f) => f.message.en).join("; "),
            },
    },
    { item: 4, title: { zh: "演练的组织情况", en: "How the drill was organised" }, result: manual },
    {
      item: 5,
      title: { zh: "参演人员的应急处置能力", en: "Emergency capability of the participants" },
      result: manual,
    },
    {
      item: 6,
      title: { zh: "应急资源的协调和保障", en: "Coordination and support of emergency resources" },
      result: manual,
    },
    {
      item: 7,
      title: { zh: "演练总结", en: "Drill summary" },
      result: {
        zh: `${drill.type === "tabletop" ? "桌面演练" : drill.type === "live" ? "实战演练" : "模拟演练"}，结论：${drill.verdict === "PASS" ? "通过" : "未通过"}`,
        en: `${drill.type} drill, verdict: ${drill.verdict ?? "none"}`,
      },
    },
    {
      item: 8,
      title: { zh: "改进建议和预案修订", en: "Improvement suggestions and plan updates" },
      result: manual,
    },
  ];
}

export const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

export const both = (text: { zh: string; en: string }) =>
  `<span lang="zh-CN">${escapeHtml(text.zh)}</span><br><span lang="en" class="en">${escapeHtml(text.en)}</span>`;

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/**
 * Target against achieved RTO and RPO as horizontal bars, on one log-free scale per row: the longer
 * of the two fills the width, so a miss shows at a glance. Inline SVG: the page needs no script.
 */
function targetsChart(drill: DrillRecord): string {
  const rows = [
    { label: "RTO", target: drill.targets.rtoSeconds, achieved: drill.achieved?.rtoSeconds },
    { label: "RPO", target: drill.targets.rpoSeconds, achieved: drill.achieved?.rpoSeconds },
  ];
  const width = 520;
  const bars = rows
    .map((row, i) => {
      const scale = Math.max(row.target, row.achieved ?? 0, 1);
      const y = 20 + i * 70;
      const w = (value: number) => Math.max(2, Math.round((value / scale) * (width - 160)));
      const missed = row.achieved !== undefined && row.achieved > row.target;
      const achievedBar =
        row.achieved === undefined
          ? `<text x="120" y="${y + 42}" font-size="12">—</text>`
          : `<rect x="120" y="${y + 30}" width="${w(row.achieved)}" height="18" fill="${missed ? "#c62828" : "#2e7d32"}"><title>achieved ${row.achieved.toFixed(1)} s</title></rect>
<text x="${126 + w(row.achieved)}" y="${y + 44}" font-size="12">${escapeHtml(formatDuration(Math.round(row.achieved)).en)}</text>`;
      return `<text x="0" y="${y + 14}" font-size="14" font-weight="bold">${row.label}</text>
<text x="40" y="${y + 14}" font-size="12">目标 target</text>
<rect x="120" y="${y}" width="${w(row.target)}" height="18" fill="#90a4ae"><title>target ${row.target} s</title></rect>
<text x="${126 + w(row.target)}" y="${y + 14}" font-size="12">${escapeHtml(formatDuration(row.target).en)}</text>
<text x="40" y="${y + 44}" font-size="12">实际 achieved</text>
${achievedBar}`;
    })
    .join("\n");
  return `<svg role="img" aria-label="Target and achieved RTO and RPO" width="${width}" height="170" viewBox="0 0 ${width} 170" xmlns="http://www.w3.org/2000/svg">${bars}</svg>`;
}

/** The steps on one time axis, from the drill's start to its end. */
function timelineChart(drill: DrillRecord): string {
  const start = Date.parse(drill.startedAt);
  const end = Math.max(start + 1000, ...drill.steps.map((s) => Date.parse(s.finishedAt ?? s.startedAt)));
  const width = 520;
  const x = (t: number) => 100 + Math.round(((t - start) / (end - start)) * (width - 110));
  const colour = { succeeded: "#2e7d32", failed: "#c62828", skipped: "#bdbdbd", running: "#f9a825" };
  const rows = drill.steps
    .map((step, i) => {
      const from = x(Date.parse(step.startedAt));
      const to = x(Date.parse(step.finishedAt ?? step.startedAt));
      const y = 10 + i * 24;
      return `<text x="0" y="${y + 13}" font-size="12">${escapeHtml(step.name)}</text>
<rect x="${from}" y="${y}" width="${Math.max(3, to - from)}" height="16" fill="${colour[step.status]}"><title>${escapeHtml(step.status)} ${((Date.parse(step.finishedAt ?? step.startedAt) - Date.parse(step.startedAt)) / 1000).toFixed(1)} s</title></rect>`;
    })
    .join("\n");
  const height = 20 + drill.steps.length * 24;
  return `<svg role="img" aria-label="Drill steps over time" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${rows}</svg>`;
}

/** The report as a self-contained HTML page an auditor can file: no script, no external resource. */
export function drillReportHtml(drill: DrillRecord, generatedAt: Date): string {
  const v = drill.verification;
  const verdict = drill.verdict ?? "—";
  const stepRows = drill.steps
    .map(
      (s) =>
        `<tr><td>${escapeHtml(s.name)}</td><td>${escapeHtml(s.status)}</td><td>${escapeHtml(s.startedAt)}</td><td>${escapeHtml(s.finishedAt ?? "")}</td><td>${((Date.parse(s.finishedAt ?? s.startedAt) - Date.parse(s.startedAt)) / 1000).toFixed(1)} s</td><td>${escapeHtml(s.detail ?? "")}</td></tr>`,
    )
    .join("\n");
  const findings =
    drill.findings.length === 0
      ? `<p>${both({ zh: "无", en: "None" })}</p>`
      : `<ul>${drill.findings.map((f) => `<li class="${f.severity}"><code>${escapeHtml(f.code)}</code> ${both(f.message)}</li>`).join("")}</ul>`;
  const damaged =
    v && v.damaged.length > 0
      ? `<h3>${both({ zh: "损坏或未恢复的文件", en: "Damaged or unrestored files" })}</h3><ul>${v.damaged.map((d) => `<li><code>${escapeHtml(d.path)}</code>: ${escapeHtml(d.reason)}</li>`).join("")}</ul>`
      : "";
  const evaluation = evaluationItems(drill)
    .map((e) => `<tr><td>${e.item}</td><td>${both(e.title)}</td><td>${both(e.result)}</td></tr>`)
    .join("\n");
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>灾备演练报告 Drill report ${escapeHtml(drill.drillId)}</title>
<style>
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#212121}
table{border-collapse:collapse;width:100%;margin:1em 0}td,th{border:1px solid #bdbdbd;padding:4px 8px;text-align:left;vertical-align:top}
.en{color:#555}.verdict{font-size:1.6em;font-weight:bold}.PASS{color:#2e7d32}.FAIL{color:#c62828}li.error{color:#c62828}
</style>
</head>
<body>
<h1>${both({ zh: "灾备演练报告", en: "Disaster-recovery drill report" })}</h1>
<p class="verdict ${escapeHtml(verdict)}">${escapeHtml(verdict)}</p>
<table>
<tr><th>${both({ zh: "演练", en: "Drill" })}</th><td><code>${escapeHtml(drill.drillId)}</code> (${escapeHtml(drill.type)}, ${escapeHtml(drill.trigger)})</td></tr>
<tr><th>${both({ zh: "单位 / 系统", en: "Unit / system" })}</th><td><code>${escapeHtml(drill.tenantId)}</code> / <code>${escapeHtml(drill.systemId)}</code>, ${both({ zh: `重要等级 ${drill.targets.importanceClass}，灾备等级 ${drill.targets.drLevel}`, en: `class ${drill.targets.importanceClass}, DR level ${drill.targets.drLevel}` })}</td></tr>
<tr><th>${both({ zh: "开始 / 结束", en: "Started / ended" })}</th><td>${escapeHtml(drill.startedAt)} — ${escapeHtml(drill.finishedAt ?? "")}</td></tr>
<tr><th>${both({ zh: "事件时间", en: "Incident time" })}</th><td>${escapeHtml(drill.incidentAt)}</td></tr>
<tr><th>${both({ zh: "恢复点", en: "Recovery point" })}</th><td>${drill.recoveryPoint ? `<code>${escapeHtml(drill.recoveryPoint.snapshotId)}</code> ${escapeHtml(drill.recoveryPoint.takenAt)}, ${escapeHtml(drill.recoveryPoint.drRepository)}` : "—"}</td></tr>
<tr><th>${both({ zh: "策略版本", en: "Policy version" })}</th><td>v${drill.policyVersion}</td></tr>
</table>
<h2>${both({ zh: "目标与实际 RTO / RPO", en: "Target and achieved RTO / RPO" })}</h2>
${targetsChart(drill)}
<h2>${both({ zh: "数据校验", en: "Data verification" })}</h2>
${
  v
    ? `<table><tr><th></th><th>${both({ zh: "清单", en: "Manifest" })}</th><th>${both({ zh: "已校验", en: "Verified" })}</th></tr>
<tr><td>${both({ zh: "文件", en: "Files" })}</td><td>${v.expectedFiles}</td><td>${v.verifiedFiles}</td></tr>
<tr><td>${both({ zh: "字节", en: "Bytes" })}</td><td>${v.expectedBytes} (${mib(v.expectedBytes)})</td><td>${v.verifiedBytes} (${mib(v.verifiedBytes)})</td></tr>
<tr><td>${both({ zh: "目录 / 符号链接", en: "Directories / symlinks" })}</td><td colspan="2">${v.directories} / ${v.symlinks}</td></tr>
<tr><td>${both({ zh: "恢复 / 校验用时", en: "Restore / verify time" })}</td><td colspan="2">${v.restoreSeconds.toFixed(1)} s / ${v.verifySeconds.toFixed(1)} s</td></tr></table>${damaged}`
    : `<p>${both({ zh: "桌面演练不恢复数据", en: "A tabletop drill restores no data" })}</p>`
}
<h2>${both({ zh: "步骤时间线", en: "Timeline of the steps" })}</h2>
${timelineChart(drill)}
<table><tr><th>step</th><th>status</th><th>started</th><th>ended</th><th>time</th><th>detail</th></tr>
${stepRows}
</table>
<h2>${both({ zh: "发现的问题", en: "Findings" })}</h2>
${findings}
${drill.error ? `<p class="FAIL"><code>${escapeHtml(drill.error.code)}</code> ${escapeHtml(drill.error.message)}</p>` : ""}
<h2>${both({ zh: "演练评估（附录 C）", en: "Drill evaluation (App. C)" })}</h2>
<table><tr><th>#</th><th>${both({ zh: "评估项", en: "Item" })}</th><th>${both({ zh: "结果", en: "Result" })}</th></tr>
${evaluation}
</table>
<p class="en">govdr, ${escapeHtml(generatedAt.toISOString())}</p>
</body>
</html>
`;
}
