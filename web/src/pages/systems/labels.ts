import type { ApitGranularity } from "../../../../shared/classification/dr-levels.ts";
import type { ReplicationMode, SwitchoverMode } from "../../../../shared/classification/priority-schemes.ts";
import type { DrPolicy } from "../../../../shared/policies/policy-schema.ts";
import type { SystemClassification } from "../../../../shared/systems/targets-schema.ts";
import type { Bilingual } from "../../i18n/messages.ts";

/**
 * The words for the domain's values in both languages (no JSX, no DOM): the forms, the summaries
 * and the diff of the systems pages all say the same thing for the same value.
 */

export type Architecture = SystemClassification["architecture"];

export const architectureLabels: Record<Architecture, Bilingual> = {
  "same-city-active-active": { zh: "同城双活", en: "Same-city active-active" },
  "same-city-active-standby": { zh: "同城主备", en: "Same-city active-standby" },
  "remote-active-active": { zh: "异地双活", en: "Remote active-active" },
  "remote-active-standby": { zh: "异地主备", en: "Remote active-standby" },
  "two-sites-three-centres": { zh: "两地三中心", en: "Two sites, three centres" },
};

/**
 * The architectures, in the order the form offers them. Not imported from
 * shared/systems/targets-schema.ts: that module builds zod object schemas when it loads, and zod then
 * probes `new Function`, which the console's Content-Security-Policy reports as a violation.
 */
export const architectures = Object.keys(architectureLabels) as Architecture[];

export const replicationModeLabels: Record<ReplicationMode, Bilingual> = {
  "scheduled-backup": { zh: "定时备份", en: "Scheduled backup" },
  "database-replication-or-cdp": {
    zh: "数据库复制或 CDP 持续数据保护",
    en: "Database replication or CDP",
  },
  "real-time": { zh: "数据实时复制", en: "Real-time replication" },
};

export const switchoverModeLabels: Record<SwitchoverMode, Bilingual> = {
  "restore-from-dr": { zh: "从灾备端恢复", en: "Restore from the DR side" },
  manual: { zh: "手动切换", en: "Manual switchover" },
  automatic: { zh: "自动切换", en: "Automatic switchover" },
};

type Policy = DrPolicy;
export type SourceType = Policy["backup"]["sources"][number]["type"];
export type ScheduleKind = Policy["backup"]["schedule"]["kind"];
export type BackupType = Policy["backup"]["type"];
export type ObjectLockMode = Policy["retention"]["objectLockMode"];
export type Site = Policy["replication"]["site"];
export type Transport = NonNullable<Policy["replication"]["transport"]>;
export type Suite = Policy["crypto"]["suite"];
export type DrillType = NonNullable<Policy["drill"]>["type"];
export type Adapter = Policy["failover"]["adapter"];

export const sourceTypeLabels: Record<SourceType, Bilingual> = {
  directory: { zh: "目录", en: "Directory" },
  file: { zh: "文件", en: "File" },
  stdin: { zh: "标准输入（命令输出）", en: "Standard input (a command's output)" },
  "s3-prefix": { zh: "S3 存储桶前缀（平台备份）", en: "S3 bucket prefix (platform backup)" },
  "dynamodb-table": { zh: "DynamoDB 表（平台备份）", en: "DynamoDB table (platform backup)" },
};

export const scheduleKindLabels: Record<ScheduleKind, Bilingual> = {
  continuous: { zh: "持续备份（CDP）", en: "Continuous (CDP)" },
  every: { zh: "每隔若干分钟", en: "Every few minutes" },
  daily: { zh: "每天", en: "Daily" },
  weekly: { zh: "每周", en: "Weekly" },
};

export const backupTypeLabels: Record<BackupType, Bilingual> = {
  full: { zh: "全量备份", en: "Full" },
  incremental: { zh: "增量备份", en: "Incremental" },
  differential: { zh: "差异备份", en: "Differential" },
};

export const objectLockLabels: Record<ObjectLockMode, Bilingual> = {
  COMPLIANCE: { zh: "合规模式（保留期内任何人都不能删除）", en: "Compliance (nobody can delete early)" },
  GOVERNANCE: {
    zh: "治理模式（有特别权限的人员可以删除）",
    en: "Governance (specially privileged users can delete)",
  },
};

export const siteLabels: Record<Site, Bilingual> = {
  "same-city": { zh: "同城灾备", en: "Same-city DR site" },
  remote: { zh: "异地灾备", en: "Remote DR site" },
};

export const transportLabels: Record<Transport, Bilingual> = {
  native: { zh: "S3 原生复制（默认）", en: "S3 replication (native, default)" },
  managed: { zh: "平台复制器（可设传输时段）", en: "Platform replicator (managed, can keep to a window)" },
};

export const suiteLabels: Record<Suite, Bilingual> = {
  "aes-256-gcm": { zh: "AES-256-GCM", en: "AES-256-GCM" },
  "sm4-ctr+hmac-sm3": { zh: "国密 SM4-CTR + HMAC-SM3", en: "SM4-CTR + HMAC-SM3 (Chinese national)" },
};

export const drillTypeLabels: Record<DrillType, Bilingual> = {
  tabletop: { zh: "桌面推演", en: "Tabletop" },
  simulated: { zh: "模拟演练", en: "Simulated" },
  live: { zh: "实战演练", en: "Live" },
};

export const adapterLabels: Record<Adapter, Bilingual> = {
  route53: { zh: "DNS 切换（Route 53）", en: "DNS switch (Route 53)" },
  webhook: { zh: "调用 Webhook", en: "Call a webhook" },
  record: { zh: "仅记录，由人工执行切换", en: "Record only; people do the switch" },
};

export const recoveryLabels: Record<"promote" | "restore", Bilingual> = {
  promote: { zh: "提升热备站点", en: "Promote the warm DR site" },
  restore: {
    zh: "将灾备库最新恢复点恢复到灾备站点",
    en: "Restore the DR vault's latest point into the DR site",
  },
};

export const apitLabels: Record<ApitGranularity, Bilingual> = {
  day: { zh: "天", en: "day" },
  hour: { zh: "小时", en: "hour" },
  minute: { zh: "分钟", en: "minute" },
  second: { zh: "秒", en: "second" },
  millisecond: { zh: "毫秒", en: "millisecond" },
};

export const severityLabels: Record<"error" | "warning" | "info", Bilingual> = {
  error: { zh: "不符合", en: "Error" },
  warning: { zh: "提醒", en: "Warning" },
  info: { zh: "提示", en: "Note" },
};

/** ISO weekday 1–7 (Monday first), as the policy's weekly schedule counts. */
export const weekdayLabels: readonly Bilingual[] = [
  { zh: "周一", en: "Monday" },
  { zh: "周二", en: "Tuesday" },
  { zh: "周三", en: "Wednesday" },
  { zh: "周四", en: "Thursday" },
  { zh: "周五", en: "Friday" },
  { zh: "周六", en: "Saturday" },
  { zh: "周日", en: "Sunday" },
];

/** The words for an enumerated policy value at `path` (a leaf of the policy), if it is one. */
export function policyValueLabel(path: string, value: unknown): Bilingual | undefined {
  if (typeof value === "boolean") return value ? { zh: "是", en: "yes" } : { zh: "否", en: "no" };
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const field = normalisePath(path);
  const tables: Record<string, Record<string, Bilingual>> = {
    "backup.sources.*.type": sourceTypeLabels,
    "backup.type": backupTypeLabels,
    "backup.schedule.kind": scheduleKindLabels,
    "retention.objectLockMode": objectLockLabels,
    "replication.mode": replicationModeLabels,
    "replication.site": siteLabels,
    "replication.transport": transportLabels,
    "crypto.suite": suiteLabels,
    "drill.type": drillTypeLabels,
    "failover.mode": switchoverModeLabels,
    "failover.adapter": adapterLabels,
    "failover.recovery": recoveryLabels,
  };
  if (field === "backup.schedule.weekday" && typeof value === "number") return weekdayLabels[value - 1];
  return tables[field]?.[String(value)];
}

/** `backup.sources.2.path` → `backup.sources.*.path`: the field, whichever item of a list. */
export const normalisePath = (path: string) => path.replace(/\.\d+(?=\.|$)/g, ".*");

const fieldLabels: Record<string, Bilingual> = {
  backup: { zh: "备份", en: "Backup" },
  "backup.sources": { zh: "备份源", en: "Backup sources" },
  "backup.sources.*": { zh: "备份源", en: "Backup source" },
  "backup.sources.*.type": { zh: "备份源类型", en: "Source type" },
  "backup.sources.*.path": { zh: "路径", en: "Path" },
  "backup.sources.*.excludes": { zh: "排除的路径", en: "Excluded paths" },
  "backup.sources.*.excludes.*": { zh: "排除的路径", en: "Excluded path" },
  "backup.sources.*.name": { zh: "数据名称", en: "Data name" },
  "backup.sources.*.bucket": { zh: "存储桶", en: "Bucket" },
  "backup.sources.*.prefix": { zh: "前缀", en: "Prefix" },
  "backup.sources.*.tableArn": { zh: "表 ARN", en: "Table ARN" },
  "backup.sources.*.roleArn": { zh: "访问角色 ARN", en: "Role ARN" },
  "backup.type": { zh: "备份方式", en: "Backup type" },
  "backup.schedule": { zh: "备份计划", en: "Backup schedule" },
  "backup.schedule.kind": { zh: "备份频率", en: "Backup frequency" },
  "backup.schedule.minutes": { zh: "备份间隔（分钟）", en: "Backup interval (minutes)" },
  "backup.schedule.at": { zh: "备份时间", en: "Backup time" },
  "backup.schedule.weekday": { zh: "备份日", en: "Backup day" },
  "backup.schedule.timezone": { zh: "备份计划时区", en: "Schedule time zone" },
  "backup.window": { zh: "备份窗口", en: "Backup window" },
  "backup.window.start": { zh: "备份窗口开始", en: "Backup window start" },
  "backup.window.end": { zh: "备份窗口结束", en: "Backup window end" },
  "backup.window.timezone": { zh: "备份窗口时区", en: "Backup window time zone" },
  retention: { zh: "保留", en: "Retention" },
  "retention.days": { zh: "保留天数", en: "Retention (days)" },
  "retention.objectLockMode": { zh: "防篡改锁定模式", en: "Object lock mode" },
  replication: { zh: "异地复制", en: "Replication" },
  "replication.mode": { zh: "数据复制方式", en: "Replication mode" },
  "replication.site": { zh: "灾备中心", en: "DR site" },
  "replication.region": { zh: "灾备区域", en: "DR region" },
  "replication.distanceKm": { zh: "与主数据中心的距离（公里）", en: "Distance from the primary (km)" },
  "replication.transport": { zh: "复制通道", en: "Transport" },
  "replication.transferWindow": { zh: "传输时段", en: "Transfer window" },
  "replication.transferWindow.start": { zh: "传输时段开始", en: "Transfer window start" },
  "replication.transferWindow.end": { zh: "传输时段结束", en: "Transfer window end" },
  "replication.transferWindow.timezone": { zh: "传输时段时区", en: "Transfer window time zone" },
  crypto: { zh: "加密", en: "Encryption" },
  "crypto.suite": { zh: "加密算法", en: "Cipher suite" },
  drill: { zh: "恢复演练", en: "Drills" },
  "drill.type": { zh: "演练方式", en: "Drill type" },
  "drill.periodMinutes": { zh: "演练周期（分钟）", en: "Drill cycle (minutes)" },
  "drill.startAt": { zh: "演练开始时间", en: "Drill start time" },
  "drill.timezone": { zh: "演练时区", en: "Drill time zone" },
  failover: { zh: "切换", en: "Failover" },
  "failover.mode": { zh: "切换方式", en: "Switchover mode" },
  "failover.approvalRequired": { zh: "切换须经审批", en: "Switchover needs approval" },
  "failover.heartbeat": { zh: "心跳检测", en: "Heartbeat" },
  "failover.heartbeat.intervalSeconds": { zh: "心跳间隔（秒）", en: "Heartbeat interval (s)" },
  "failover.heartbeat.failureThreshold": { zh: "连续失败阈值", en: "Consecutive failures" },
  "failover.heartbeat.timeoutSeconds": { zh: "单次探测超时（秒）", en: "Probe timeout (s)" },
  "failover.adapter": { zh: "切换执行方式", en: "Switch adapter" },
  "failover.drHealthEndpoint": { zh: "灾备站点健康检查地址", en: "DR site health endpoint" },
  "failover.drData": { zh: "灾备站点数据位置", en: "DR site's data location" },
  "failover.drData.bucket": { zh: "灾备数据存储桶", en: "DR data bucket" },
  "failover.drData.prefix": { zh: "灾备数据前缀", en: "DR data prefix" },
  "failover.drData.roleArn": { zh: "灾备数据写入角色", en: "DR data writing role" },
  "failover.recovery": { zh: "灾备站点启用方式", en: "How the DR site is brought up" },
  "failover.approvalTimeoutMinutes": { zh: "审批等待时限（分钟）", en: "Approval timeout (minutes)" },
  "failover.route53": { zh: "Route 53 记录", en: "Route 53 record" },
  "failover.route53.roleArn": { zh: "切换角色 ARN", en: "Switching role ARN" },
  "failover.route53.hostedZoneId": { zh: "托管区域 ID", en: "Hosted zone id" },
  "failover.route53.recordName": { zh: "记录名称", en: "Record name" },
  "failover.route53.recordType": { zh: "记录类型", en: "Record type" },
  "failover.route53.primaryTarget": { zh: "主站点目标", en: "Primary target" },
  "failover.route53.drTarget": { zh: "灾备站点目标", en: "DR target" },
  "failover.route53.ttlSeconds": { zh: "TTL（秒）", en: "TTL (s)" },
  "failover.webhook": { zh: "Webhook", en: "Webhook" },
  "failover.webhook.url": { zh: "切换接口地址（Webhook）", en: "Switching endpoint (webhook)" },
  drLevel: { zh: "灾难恢复能力等级", en: "DR level" },
};

/** What the field at `path` is called, with the item's number for lists ("备份源 2：路径"). */
export function policyFieldLabel(path: string, locale: "zh" | "en"): string {
  const own = fieldLabels[normalisePath(path)]?.[locale];
  const item = /^backup\.sources\.(\d+)/.exec(path);
  const excluded = /\.excludes\.(\d+)$/.exec(path);
  if (!own) return path;
  if (!item || normalisePath(path) === "backup.sources.*") {
    return item ? `${own} ${Number(item[1]) + 1}` : own;
  }
  const source = `${fieldLabels["backup.sources.*"]?.[locale]} ${Number(item[1]) + 1}`;
  const label = excluded ? `${own} ${Number(excluded[1]) + 1}` : own;
  return locale === "zh" ? `${source}：${label}` : `${source}: ${label}`;
}
