import type { ComponentChildren } from "preact";
import { useRef } from "preact/hooks";
import { type SiteRuleSet, siteRuleSets } from "../../../../shared/policies/site-rules.ts";
import { isApiError } from "../../api/api-error.ts";
import { errorMessages } from "../../i18n/error-messages.ts";
import { type Locale, useLocale } from "../../i18n/locale.ts";
import { type Bilingual, defineMessages } from "../../i18n/messages.ts";
import { Button, CheckboxField, Field, SelectField, TextAreaField, TextField } from "../../ui/controls.tsx";
import { ErrorNotice } from "../../ui/notice.tsx";
import {
  adapterLabels,
  backupTypeLabels,
  drillTypeLabels,
  objectLockLabels,
  policyFieldLabel,
  replicationModeLabels,
  scheduleKindLabels,
  severityLabels,
  siteLabels,
  sourceTypeLabels,
  suiteLabels,
  switchoverModeLabels,
  transportLabels,
  weekdayLabels,
} from "./labels.ts";
import {
  bySeverity,
  type DrDataDraft,
  drillPeriods,
  type Issue,
  issuesAt,
  issuesOf,
  newSource,
  type PolicyDraft,
  type Route53Draft,
  rpoPreview,
  type SourceDraft,
  type WindowDraft,
} from "./policy-model.ts";
import { targetText } from "./policy-text.ts";

const texts = defineMessages({
  zh: {
    sources: "备份源",
    sourcesHint:
      "要备份的数据：备份代理读取目录、文件或命令输出；S3 前缀和 DynamoDB 表由平台按计划直接备份。",
    source: (n: number) => `备份源 ${n}`,
    sourceType: "类型",
    path: "路径",
    pathPlaceholder: "/srv/app",
    excludes: "排除的路径",
    excludesHint: "每行一个，选填。",
    stdinName: "数据名称",
    stdinHint: "例如 pg_dump，备份代理从命令输出读取数据。",
    bucket: "存储桶",
    prefix: "前缀",
    prefixHint: "留空则备份整个存储桶。",
    tableArn: "表 ARN",
    roleArn: "访问角色 ARN",
    roleArnHint: "本单位账号中名为 govdr-source-<名称> 的角色，以本单位 ID 作为 ExternalId 信任本平台。",
    addSource: "添加备份源",
    removeSource: (n: number) => `删除备份源 ${n}`,
    backup: "备份方式与计划",
    backupType: "备份方式",
    schedule: "备份计划",
    kind: "备份频率",
    minutes: "间隔（分钟）",
    minutesHint: "5 至 10080 分钟。",
    at: "备份时间",
    weekday: "星期",
    timezone: "时区",
    windowOn: "只在非业务时段内备份（备份窗口）",
    window: "备份窗口",
    start: "开始",
    end: "结束",
    windowHint: "可跨午夜，例如 22:00–06:00。",
    retention: "保留与防篡改",
    days: "保留天数",
    daysHint: "1 至 36500 天。",
    lock: "防篡改锁定模式",
    replication: "异地复制",
    mode: "数据复制方式",
    site: "灾备中心",
    region: "灾备区域",
    regionHint: "须与主区域不同，例如 cn-northwest-1。",
    distance: "与主数据中心的距离（公里）",
    distanceHint: (rules: string, sameCity: number, remote: string) =>
      `按 ${rules}：同城不超过 ${sameCity} 公里，异地${remote}。`,
    remoteAtLeast: (km: number) => `不少于 ${km} 公里`,
    remoteMore: (km: number) => `超过 ${km} 公里`,
    transport: "复制通道",
    transferWindowOn: "只在传输时段内向灾备中心发送数据",
    transferWindow: "传输时段",
    crypto: "加密",
    suite: "加密算法",
    drill: "恢复演练",
    drillOn: "按计划自动进行恢复演练",
    drillType: "演练方式",
    period: "演练周期",
    periodOption: (minutes: number) =>
      minutes === 1440 ? "每天" : minutes % 60 === 0 ? `每 ${minutes / 60} 小时` : `每 ${minutes} 分钟`,
    startAt: "开始时间",
    failover: "切换",
    failoverMode: "切换方式",
    approval: "切换须经审批",
    heartbeatOn: "心跳检测（自动切换须配置）",
    heartbeat: "心跳检测",
    interval: "心跳间隔（秒）",
    threshold: "连续失败阈值（次）",
    adapter: "切换执行方式",
    heartbeatTimeout: "单次探测超时（秒）",
    heartbeatTimeoutHint: "留空为 5 秒；不得超过心跳间隔。",
    drHealthEndpoint: "灾备站点健康检查地址",
    drHealthEndpointHint: "切换前平台检查该地址返回 2xx，确认灾备站点已可提供服务。",
    recovery: "灾备站点启用方式",
    recoveryDefault: "由平台决定",
    recoveryPromote: "提升热备站点",
    recoveryRestore: "将灾备库最新恢复点恢复到灾备站点",
    drData: "灾备站点数据位置",
    drDataHint:
      "灾备区域中灾备站点读取数据的 S3 前缀。切换时平台先清空该前缀，再写入最新恢复点；回切时平台备份该前缀，并恢复到主站点的备份源。备份源须恰好是一个 S3 前缀。",
    drDataBucket: "存储桶",
    drDataPrefix: "前缀",
    drDataRole: "写入角色 ARN（本单位账号中的 govdr-source-<名称>）",
    approvalTimeout: "审批等待时限（分钟）",
    approvalTimeoutHint: "留空为平台默认值；超时未审批则切换停止，不做任何切换。",
    route53: "Route 53 记录",
    route53Hint: "切换时把该记录指向灾备站点的目标，回切时指回主站点的目标。",
    switchRoleArn: "切换角色 ARN（本单位账号中的 govdr-switch-<名称>，以本单位 ID 为 ExternalId 信任本平台）",
    hostedZoneId: "托管区域 ID",
    recordName: "记录名称",
    recordType: "记录类型",
    primaryTarget: "主站点目标",
    drTarget: "灾备站点目标",
    ttl: "TTL（秒，选填）",
    webhookUrl: "切换接口地址（Webhook）",
    webhookHint: "平台以 HMAC-SHA256 签名调用该地址；签名密钥在系统的“切换”标签中生成。",
    rpoOk: (offered: string, required: string) =>
      `按当前设置，灾备端最多丢失 ${offered} 的数据，满足 RPO ${required}。`,
    rpoBad: (offered: string, required: string) =>
      `按当前设置，灾备端最多可能丢失 ${offered} 的数据，达不到 RPO ${required}，提交后平台会拒绝。`,
    issues: (n: number) => `共 ${n} 项，已在对应字段旁标出：`,
    goTo: "转到此项",
    fieldError: (message: string) => `此项不符合要求，请按提示修改（${message}）。`,
    requestId: "请求编号：",
  },
  en: {
    sources: "Backup sources",
    sourcesHint:
      "The data to back up: the backup agent reads directories, files or a command's output; the platform backs up S3 prefixes and DynamoDB tables itself, on the schedule.",
    source: (n: number) => `Backup source ${n}`,
    sourceType: "Type",
    path: "Path",
    pathPlaceholder: "/srv/app",
    excludes: "Excluded paths",
    excludesHint: "One a line, optional.",
    stdinName: "Data name",
    stdinHint: "e.g. pg_dump: the agent reads the data from a command's output.",
    bucket: "Bucket",
    prefix: "Prefix",
    prefixHint: "Blank backs up the whole bucket.",
    tableArn: "Table ARN",
    roleArn: "Role ARN",
    roleArnHint:
      "A role in the unit's account named govdr-source-<name>, trusting the platform with ExternalId = the unit's id.",
    addSource: "Add a source",
    removeSource: (n: number) => `Remove source ${n}`,
    backup: "Backup type and schedule",
    backupType: "Backup type",
    schedule: "Backup schedule",
    kind: "Frequency",
    minutes: "Interval (minutes)",
    minutesHint: "5 to 10080 minutes.",
    at: "Time",
    weekday: "Day",
    timezone: "Time zone",
    windowOn: "Back up only outside business hours (backup window)",
    window: "Backup window",
    start: "Start",
    end: "End",
    windowHint: "May wrap midnight, e.g. 22:00–06:00.",
    retention: "Retention and immutability",
    days: "Retention (days)",
    daysHint: "1 to 36500 days.",
    lock: "Object lock mode",
    replication: "Replication",
    mode: "Replication mode",
    site: "DR site",
    region: "DR region",
    regionHint: "Must differ from the primary region, e.g. cn-northwest-1.",
    distance: "Distance from the primary data centre (km)",
    distanceHint: (rules: string, sameCity: number, remote: string) =>
      `Under ${rules}: same-city at most ${sameCity} km, remote ${remote}.`,
    remoteAtLeast: (km: number) => `at least ${km} km`,
    remoteMore: (km: number) => `more than ${km} km`,
    transport: "Transport",
    transferWindowOn: "Send data to the DR site only within a transfer window",
    transferWindow: "Transfer window",
    crypto: "Encryption",
    suite: "Cipher suite",
    drill: "Recovery drills",
    drillOn: "Run recovery drills on a schedule",
    drillType: "Drill type",
    period: "Cycle",
    periodOption: (minutes: number) =>
      minutes === 1440 ? "Daily" : minutes % 60 === 0 ? `Every ${minutes / 60} h` : `Every ${minutes} min`,
    startAt: "Start time",
    failover: "Failover",
    failoverMode: "Switchover mode",
    approval: "Switchover needs approval",
    heartbeatOn: "Heartbeat (needed for automatic switchover)",
    heartbeat: "Heartbeat",
    interval: "Interval (seconds)",
    threshold: "Consecutive failures",
    adapter: "Switch adapter",
    heartbeatTimeout: "Probe timeout (seconds)",
    heartbeatTimeoutHint: "Empty: 5 seconds; at most the interval.",
    drHealthEndpoint: "DR site health endpoint",
    drHealthEndpointHint:
      "Before switching, the platform checks that this answers 2xx: the DR site is ready to serve.",
    recovery: "How the DR site is brought up",
    recoveryDefault: "As the platform decides",
    recoveryPromote: "Promote the warm DR site",
    recoveryRestore: "Restore the DR vault's latest point into the DR site",
    drData: "DR site's data location",
    drDataHint:
      "The S3 prefix in the DR region the DR site reads its data from. A failover empties it, then restores the latest point into it; a failback backs it up and restores it into the primary's backup source, which must be a single S3 prefix.",
    drDataBucket: "Bucket",
    drDataPrefix: "Prefix",
    drDataRole: "Writing role ARN (govdr-source-<name> in the unit's account)",
    approvalTimeout: "Approval timeout (minutes)",
    approvalTimeoutHint:
      "Empty: the platform's default; unapproved by then, the switchover stops, switching nothing.",
    route53: "Route 53 record",
    route53Hint:
      "A failover points this record at the DR target; a failback points it back at the primary's.",
    switchRoleArn:
      "Switching role ARN (govdr-switch-<name> in the unit's account, trusting the platform with ExternalId = the unit's id)",
    hostedZoneId: "Hosted zone id",
    recordName: "Record name",
    recordType: "Record type",
    primaryTarget: "Primary target",
    drTarget: "DR target",
    ttl: "TTL (seconds, optional)",
    webhookUrl: "Switching endpoint (webhook)",
    webhookHint:
      "The platform calls it signed with HMAC-SHA256; issue the signing secret on the system's Failover tab.",
    rpoOk: (offered: string, required: string) =>
      `As set, the DR site loses at most ${offered} of data, which meets RPO ${required}.`,
    rpoBad: (offered: string, required: string) =>
      `As set, the DR site can lose up to ${offered} of data, which misses RPO ${required}: the platform will refuse it.`,
    issues: (n: number) => `${n} in all, each marked next to its field:`,
    goTo: "Go to the field",
    fieldError: (message: string) => message,
    requestId: "Request id: ",
  },
});

const zones = ["Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei", "UTC"];
const zoneNames: Record<string, Bilingual> = {
  "Asia/Shanghai": { zh: "Asia/Shanghai（北京时间）", en: "Asia/Shanghai (Beijing)" },
  "Asia/Urumqi": { zh: "Asia/Urumqi（乌鲁木齐）", en: "Asia/Urumqi (Urumqi)" },
  "Asia/Hong_Kong": { zh: "Asia/Hong_Kong（香港）", en: "Asia/Hong_Kong (Hong Kong)" },
  "Asia/Macau": { zh: "Asia/Macau（澳门）", en: "Asia/Macau (Macau)" },
  "Asia/Taipei": { zh: "Asia/Taipei（台北）", en: "Asia/Taipei (Taipei)" },
  UTC: { zh: "UTC（协调世界时）", en: "UTC" },
};

export interface PolicyFormProps {
  draft: PolicyDraft;
  onDraft: (update: (draft: PolicyDraft) => PolicyDraft) => void;
  /** The system the policy is for: its targets drive the RPO hint. */
  system: {
    name: string;
    importanceClass: number;
    drLevel: number;
    recoveryPriority: number;
    targetOverride?: { rtoSeconds?: number; rpoSeconds?: number } | undefined;
  };
  siteRuleSet: SiteRuleSet;
  /** The last refusal (or any other error of the last submission); what was typed stays. */
  error: unknown;
  busy: boolean;
  submitLabel: string;
  onSubmit: () => void;
  onCancel?: () => void;
  cancelLabel?: string;
  /** Extra buttons after submit and cancel (e.g. "set the policy later"). */
  actions?: ComponentChildren;
}

/**
 * Every field of the DR policy (shared/policies/policy-schema.ts newPolicySchema), for the wizard and
 * the policy tab alike. A refusal's findings (POLICY_REJECTED) or malformed fields
 * (VALIDATION_FAILED) are listed at the top and shown in place, next to the field their path names.
 */
export function PolicyForm(props: PolicyFormProps) {
  const t = texts.use();
  const locale = useLocale();
  const form = useRef<HTMLFormElement>(null);
  const { draft, onDraft } = props;
  const apiError = isApiError(props.error) ? props.error : undefined;
  const issues =
    apiError && (apiError.code === "POLICY_REJECTED" || apiError.code === "VALIDATION_FAILED")
      ? bySeverity(issuesOf(apiError))
      : [];
  const ctx: IssueContext = { issues, locale, fieldError: t.fieldError };
  const set =
    <K extends keyof PolicyDraft>(key: K) =>
    (value: PolicyDraft[K]) =>
      onDraft((d) => ({ ...d, [key]: value }));
  const text = <K extends keyof PolicyDraft>(key: K, path: string) => ({
    value: draft[key] as string,
    onValue: set(key) as (value: string) => void,
    error: errorText(ctx, path),
  });
  const route53 = (key: keyof Route53Draft) => ({
    value: draft.route53[key],
    onValue: (value: string) => onDraft((d) => ({ ...d, route53: { ...d.route53, [key]: value } })),
    error: errorText(ctx, `failover.route53.${key}`),
  });
  const drData = (key: keyof DrDataDraft) => ({
    value: draft.drData[key],
    onValue: (value: string) => onDraft((d) => ({ ...d, drData: { ...d.drData, [key]: value } })),
    error: errorText(ctx, `failover.drData.${key}`),
  });
  const setSource = (index: number, update: Partial<SourceDraft>) =>
    onDraft((d) => ({
      ...d,
      sources: d.sources.map((source, i) => (i === index ? { ...source, ...update } : source)),
    }));
  const rules = siteRuleSets[props.siteRuleSet];
  const preview = rpoPreview(draft, props.system);
  const goTo = (path: string) => {
    const root = form.current;
    if (!root) return;
    let target: Element | null = null;
    for (let p = path; p !== "" && !target; p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "") {
      target = root.querySelector(`[data-path="${CSS.escape(p)}"]`);
    }
    if (!target) return;
    target.scrollIntoView({ block: "center" });
    (target.querySelector("input, select, textarea") as HTMLElement | null)?.focus();
  };
  const refusal = apiError ? errorMessages[apiError.code] : undefined;

  return (
    <form
      ref={form}
      class="form form-wide policy-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit();
      }}
    >
      {issues.length > 0 && refusal ? (
        <div class="notice notice-error" role="alert" data-code={apiError?.code} data-testid="policy-issues">
          <p class="notice-title">{refusal[locale].message}</p>
          <p>{refusal[locale].next}</p>
          <p>{t.issues(issues.length)}</p>
          <ul class="issue-summary">
            {issues.map((issue, index) => (
              <li key={index} data-severity={issue.severity}>
                <strong>{issue.path ? policyFieldLabel(issue.path, locale) : "—"}</strong>
                {locale === "zh" ? "：" : ": "}
                <IssueMessage issue={issue} locale={locale} fieldError={t.fieldError} />{" "}
                {issue.path ? (
                  <Button variant="link" onClick={() => goTo(issue.path)}>
                    {t.goTo}
                  </Button>
                ) : null}
              </li>
            ))}
          </ul>
          {apiError?.requestId ? (
            <p class="notice-meta">
              {t.requestId} <code>{apiError.requestId}</code>
            </p>
          ) : null}
        </div>
      ) : (
        <ErrorNotice error={props.error} />
      )}

      <fieldset data-path="backup.sources">
        <legend>{t.sources}</legend>
        <p class="field-hint">{t.sourcesHint}</p>
        <GroupIssues ctx={ctx} path="backup.sources" />
        {draft.sources.map((source, index) => {
          const base = `backup.sources.${index}`;
          return (
            <fieldset key={source.key} class="source" data-path={base}>
              <legend>{t.source(index + 1)}</legend>
              <GroupIssues ctx={ctx} path={base} />
              <div class="form-row">
                <div data-path={`${base}.type`}>
                  <SelectField
                    label={t.sourceType}
                    value={source.type}
                    onValue={(type) => setSource(index, { type })}
                    options={(Object.keys(sourceTypeLabels) as SourceDraft["type"][]).map((type) => ({
                      value: type,
                      label: sourceTypeLabels[type][locale],
                    }))}
                    error={errorText(ctx, `${base}.type`)}
                  />
                </div>
                {source.type === "directory" || source.type === "file" ? (
                  <div data-path={`${base}.path`}>
                    <TextField
                      label={t.path}
                      placeholder={t.pathPlaceholder}
                      value={source.path}
                      onValue={(path) => setSource(index, { path })}
                      error={errorText(ctx, `${base}.path`)}
                    />
                  </div>
                ) : null}
                {source.type === "stdin" ? (
                  <div data-path={`${base}.name`}>
                    <TextField
                      label={t.stdinName}
                      hint={t.stdinHint}
                      value={source.name}
                      onValue={(name) => setSource(index, { name })}
                      error={errorText(ctx, `${base}.name`)}
                    />
                  </div>
                ) : null}
                {source.type === "s3-prefix" ? (
                  <>
                    <div data-path={`${base}.bucket`}>
                      <TextField
                        label={t.bucket}
                        value={source.bucket}
                        onValue={(bucket) => setSource(index, { bucket })}
                        error={errorText(ctx, `${base}.bucket`)}
                      />
                    </div>
                    <div data-path={`${base}.prefix`}>
                      <TextField
                        label={t.prefix}
                        hint={t.prefixHint}
                        value={source.prefix}
                        onValue={(prefix) => setSource(index, { prefix })}
                        error={errorText(ctx, `${base}.prefix`)}
                      />
                    </div>
                  </>
                ) : null}
                {source.type === "dynamodb-table" ? (
                  <div data-path={`${base}.tableArn`}>
                    <TextField
                      label={t.tableArn}
                      placeholder="arn:aws-cn:dynamodb:cn-north-1:123456789012:table/orders"
                      value={source.tableArn}
                      onValue={(tableArn) => setSource(index, { tableArn })}
                      error={errorText(ctx, `${base}.tableArn`)}
                    />
                  </div>
                ) : null}
              </div>
              {source.type === "directory" ? (
                <div data-path={`${base}.excludes`}>
                  <TextAreaField
                    label={t.excludes}
                    hint={t.excludesHint}
                    rows={2}
                    spellcheck={false}
                    value={source.excludes}
                    onValue={(excludes) => setSource(index, { excludes })}
                    error={errorText(ctx, `${base}.excludes`)}
                  />
                </div>
              ) : null}
              {source.type === "s3-prefix" || source.type === "dynamodb-table" ? (
                <div data-path={`${base}.roleArn`}>
                  <TextField
                    label={t.roleArn}
                    hint={t.roleArnHint}
                    placeholder="arn:aws-cn:iam::123456789012:role/govdr-source-files"
                    value={source.roleArn}
                    onValue={(roleArn) => setSource(index, { roleArn })}
                    error={errorText(ctx, `${base}.roleArn`)}
                  />
                </div>
              ) : null}
              {draft.sources.length > 1 ? (
                <div>
                  <Button
                    variant="link"
                    onClick={() =>
                      onDraft((d) => ({ ...d, sources: d.sources.filter((_, i) => i !== index) }))
                    }
                  >
                    {t.removeSource(index + 1)}
                  </Button>
                </div>
              ) : null}
            </fieldset>
          );
        })}
        {draft.sources.length < 50 ? (
          <div>
            <Button onClick={() => onDraft((d) => ({ ...d, sources: [...d.sources, newSource()] }))}>
              {t.addSource}
            </Button>
          </div>
        ) : null}
      </fieldset>

      <fieldset data-path="backup">
        <legend>{t.backup}</legend>
        <div data-path="backup.type">
          <SelectField
            label={t.backupType}
            value={draft.backupType}
            onValue={set("backupType")}
            options={options(backupTypeLabels, locale)}
            error={errorText(ctx, "backup.type")}
          />
        </div>
        <fieldset data-path="backup.schedule">
          <legend>{t.schedule}</legend>
          <GroupIssues ctx={ctx} path="backup.schedule" />
          <div class="form-row">
            <div data-path="backup.schedule.kind">
              <SelectField
                label={t.kind}
                value={draft.scheduleKind}
                onValue={set("scheduleKind")}
                options={options(scheduleKindLabels, locale)}
                error={errorText(ctx, "backup.schedule.kind")}
              />
            </div>
            {draft.scheduleKind === "every" ? (
              <div data-path="backup.schedule.minutes">
                <TextField
                  type="number"
                  min={5}
                  max={10080}
                  label={t.minutes}
                  hint={t.minutesHint}
                  {...text("everyMinutes", "backup.schedule.minutes")}
                />
              </div>
            ) : null}
            {draft.scheduleKind === "weekly" ? (
              <div data-path="backup.schedule.weekday">
                <SelectField
                  label={t.weekday}
                  value={draft.weekday}
                  onValue={set("weekday")}
                  options={weekdayLabels.map((day, i) => ({ value: String(i + 1), label: day[locale] }))}
                  error={errorText(ctx, "backup.schedule.weekday")}
                />
              </div>
            ) : null}
            {draft.scheduleKind === "daily" || draft.scheduleKind === "weekly" ? (
              <>
                <div data-path="backup.schedule.at">
                  <TimeField
                    label={t.at}
                    value={draft.at}
                    onValue={set("at")}
                    error={errorText(ctx, "backup.schedule.at")}
                  />
                </div>
                <div data-path="backup.schedule.timezone">
                  <ZoneField
                    label={t.timezone}
                    value={draft.scheduleTimezone}
                    onValue={set("scheduleTimezone")}
                    error={errorText(ctx, "backup.schedule.timezone")}
                  />
                </div>
              </>
            ) : null}
          </div>
          {preview ? (
            <p
              class={`rpo-preview ${preview.verdict === "no" ? "rpo-bad" : "rpo-ok"}`}
              role="status"
              data-testid="rpo-preview"
            >
              {(preview.verdict === "no" ? t.rpoBad : t.rpoOk)(
                targetText(preview.offered, locale).replace(/^≤/, ""),
                targetText(preview.required, locale),
              )}
            </p>
          ) : null}
        </fieldset>
        <CheckboxField label={t.windowOn} checked={draft.windowOn} onChecked={set("windowOn")} />
        {draft.windowOn ? (
          <WindowFields
            ctx={ctx}
            path="backup.window"
            legend={t.window}
            hint={t.windowHint}
            value={draft.window}
            onValue={set("window")}
          />
        ) : null}
      </fieldset>

      <fieldset data-path="retention">
        <legend>{t.retention}</legend>
        <div class="form-row">
          <div data-path="retention.days">
            <TextField
              type="number"
              min={1}
              max={36500}
              label={t.days}
              hint={t.daysHint}
              {...text("retentionDays", "retention.days")}
            />
          </div>
          <div data-path="retention.objectLockMode">
            <SelectField
              label={t.lock}
              value={draft.objectLockMode}
              onValue={set("objectLockMode")}
              options={options(objectLockLabels, locale)}
              error={errorText(ctx, "retention.objectLockMode")}
            />
            <FieldNotes ctx={ctx} path="retention.objectLockMode" />
          </div>
        </div>
      </fieldset>

      <fieldset data-path="replication">
        <legend>{t.replication}</legend>
        <div class="form-row">
          <div data-path="replication.mode">
            <SelectField
              label={t.mode}
              value={draft.replicationMode}
              onValue={set("replicationMode")}
              options={options(replicationModeLabels, locale)}
              error={errorText(ctx, "replication.mode")}
            />
          </div>
          <div data-path="replication.site">
            <SelectField
              label={t.site}
              value={draft.site}
              onValue={set("site")}
              options={options(siteLabels, locale)}
              error={errorText(ctx, "replication.site")}
            />
          </div>
        </div>
        <div class="form-row">
          <div data-path="replication.region">
            <TextField label={t.region} hint={t.regionHint} {...text("region", "replication.region")} />
          </div>
          <div data-path="replication.distanceKm">
            <TextField
              type="number"
              min={1}
              label={t.distance}
              hint={t.distanceHint(
                rules.label,
                rules.sameCityMaxKm,
                rules.remoteInclusive ? t.remoteAtLeast(rules.remoteMinKm) : t.remoteMore(rules.remoteMinKm),
              )}
              {...text("distanceKm", "replication.distanceKm")}
            />
          </div>
        </div>
        <div data-path="replication.transport">
          <SelectField
            label={t.transport}
            value={draft.transport}
            onValue={set("transport")}
            options={options(transportLabels, locale)}
            error={errorText(ctx, "replication.transport")}
          />
        </div>
        {draft.transport === "managed" ? (
          <CheckboxField
            label={t.transferWindowOn}
            checked={draft.transferWindowOn}
            onChecked={set("transferWindowOn")}
          />
        ) : null}
        {draft.transport === "managed" && draft.transferWindowOn ? (
          <WindowFields
            ctx={ctx}
            path="replication.transferWindow"
            legend={t.transferWindow}
            hint={t.windowHint}
            value={draft.transferWindow}
            onValue={set("transferWindow")}
          />
        ) : (
          <GroupIssues ctx={ctx} path="replication.transferWindow" />
        )}
      </fieldset>

      <fieldset data-path="crypto">
        <legend>{t.crypto}</legend>
        <div data-path="crypto.suite">
          <SelectField
            label={t.suite}
            value={draft.suite}
            onValue={set("suite")}
            options={options(suiteLabels, locale)}
            error={errorText(ctx, "crypto.suite")}
          />
        </div>
      </fieldset>

      <fieldset data-path="drill">
        <legend>{t.drill}</legend>
        <GroupIssues ctx={ctx} path="drill" />
        <CheckboxField label={t.drillOn} checked={draft.drillOn} onChecked={set("drillOn")} />
        {draft.drillOn ? (
          <div class="form-row">
            <div data-path="drill.type">
              <SelectField
                label={t.drillType}
                value={draft.drillType}
                onValue={set("drillType")}
                options={options(drillTypeLabels, locale)}
                error={errorText(ctx, "drill.type")}
              />
            </div>
            <div data-path="drill.periodMinutes">
              <SelectField
                label={t.period}
                value={draft.drillPeriodMinutes}
                onValue={set("drillPeriodMinutes")}
                options={periodOptions(draft.drillPeriodMinutes).map((minutes) => ({
                  value: minutes,
                  label: Number.isFinite(Number(minutes)) ? t.periodOption(Number(minutes)) : minutes,
                }))}
                error={errorText(ctx, "drill.periodMinutes")}
              />
            </div>
            <div data-path="drill.startAt">
              <TimeField
                label={t.startAt}
                value={draft.drillStartAt}
                onValue={set("drillStartAt")}
                error={errorText(ctx, "drill.startAt")}
              />
            </div>
            <div data-path="drill.timezone">
              <ZoneField
                label={t.timezone}
                value={draft.drillTimezone}
                onValue={set("drillTimezone")}
                error={errorText(ctx, "drill.timezone")}
              />
            </div>
          </div>
        ) : null}
      </fieldset>

      <fieldset data-path="failover">
        <legend>{t.failover}</legend>
        <div class="form-row">
          <div data-path="failover.mode">
            <SelectField
              label={t.failoverMode}
              value={draft.failoverMode}
              onValue={set("failoverMode")}
              options={options(switchoverModeLabels, locale)}
              error={errorText(ctx, "failover.mode")}
            />
            <FieldNotes ctx={ctx} path="failover.mode" />
          </div>
          <div data-path="failover.adapter">
            <SelectField
              label={t.adapter}
              value={draft.adapter}
              onValue={set("adapter")}
              options={options(adapterLabels, locale)}
              error={errorText(ctx, "failover.adapter")}
            />
          </div>
        </div>
        <div data-path="failover.approvalRequired">
          <CheckboxField
            label={t.approval}
            checked={draft.approvalRequired}
            onChecked={set("approvalRequired")}
          />
        </div>
        <div data-path="failover.heartbeat">
          <CheckboxField label={t.heartbeatOn} checked={draft.heartbeatOn} onChecked={set("heartbeatOn")} />
          <GroupIssues ctx={ctx} path="failover.heartbeat" />
        </div>
        {draft.heartbeatOn ? (
          <div class="form-row">
            <div data-path="failover.heartbeat.intervalSeconds">
              <TextField
                type="number"
                min={5}
                max={3600}
                label={t.interval}
                {...text("heartbeatIntervalSeconds", "failover.heartbeat.intervalSeconds")}
              />
            </div>
            <div data-path="failover.heartbeat.failureThreshold">
              <TextField
                type="number"
                min={1}
                max={100}
                label={t.threshold}
                {...text("heartbeatFailureThreshold", "failover.heartbeat.failureThreshold")}
              />
            </div>
            <div data-path="failover.heartbeat.timeoutSeconds">
              <TextField
                type="number"
                min={1}
                max={60}
                label={t.heartbeatTimeout}
                hint={t.heartbeatTimeoutHint}
                {...text("heartbeatTimeoutSeconds", "failover.heartbeat.timeoutSeconds")}
              />
            </div>
          </div>
        ) : null}
        <div class="form-row">
          <div data-path="failover.drHealthEndpoint">
            <TextField
              type="url"
              label={t.drHealthEndpoint}
              hint={t.drHealthEndpointHint}
              placeholder="https://dr.app.example.gov.cn/health"
              {...text("drHealthEndpoint", "failover.drHealthEndpoint")}
            />
          </div>
          <div data-path="failover.approvalTimeoutMinutes">
            <TextField
              type="number"
              min={5}
              max={1440}
              label={t.approvalTimeout}
              hint={t.approvalTimeoutHint}
              {...text("approvalTimeoutMinutes", "failover.approvalTimeoutMinutes")}
            />
          </div>
          <div data-path="failover.recovery">
            <SelectField<PolicyDraft["recovery"]>
              label={t.recovery}
              value={draft.recovery}
              onValue={set("recovery")}
              options={[
                { value: "", label: t.recoveryDefault },
                { value: "promote", label: t.recoveryPromote },
                { value: "restore", label: t.recoveryRestore },
              ]}
              error={errorText(ctx, "failover.recovery")}
            />
          </div>
        </div>
        {draft.recovery === "restore" ? (
          <fieldset data-path="failover.drData">
            <legend>{t.drData}</legend>
            <p class="field-hint">{t.drDataHint}</p>
            <GroupIssues ctx={ctx} path="failover.drData" />
            <div class="form-row">
              <div data-path="failover.drData.bucket">
                <TextField label={t.drDataBucket} placeholder="portal-dr-data" {...drData("bucket")} />
              </div>
              <div data-path="failover.drData.prefix">
                <TextField label={t.drDataPrefix} placeholder="site/" {...drData("prefix")} />
              </div>
            </div>
            <div data-path="failover.drData.roleArn">
              <TextField
                label={t.drDataRole}
                placeholder="arn:aws-cn:iam::123456789012:role/govdr-source-portal-dr"
                {...drData("roleArn")}
              />
            </div>
          </fieldset>
        ) : null}
        {draft.adapter === "route53" ? (
          <fieldset data-path="failover.route53">
            <legend>{t.route53}</legend>
            <p class="field-hint">{t.route53Hint}</p>
            <GroupIssues ctx={ctx} path="failover.route53" />
            <div data-path="failover.route53.roleArn">
              <TextField
                label={t.switchRoleArn}
                placeholder="arn:aws-cn:iam::123456789012:role/govdr-switch-portal"
                {...route53("roleArn")}
              />
            </div>
            <div class="form-row">
              <div data-path="failover.route53.hostedZoneId">
                <TextField label={t.hostedZoneId} placeholder="Z0123456789ABC" {...route53("hostedZoneId")} />
              </div>
              <div data-path="failover.route53.recordName">
                <TextField label={t.recordName} placeholder="app.example.gov.cn" {...route53("recordName")} />
              </div>
              <div data-path="failover.route53.recordType">
                <SelectField<Route53Draft["recordType"]>
                  label={t.recordType}
                  value={draft.route53.recordType}
                  onValue={(recordType) => onDraft((d) => ({ ...d, route53: { ...d.route53, recordType } }))}
                  options={[
                    { value: "CNAME", label: "CNAME" },
                    { value: "A", label: "A" },
                  ]}
                  error={errorText(ctx, "failover.route53.recordType")}
                />
              </div>
            </div>
            <div class="form-row">
              <div data-path="failover.route53.primaryTarget">
                <TextField
                  label={t.primaryTarget}
                  placeholder="primary.app.example.gov.cn"
                  {...route53("primaryTarget")}
                />
              </div>
              <div data-path="failover.route53.drTarget">
                <TextField label={t.drTarget} placeholder="dr.app.example.gov.cn" {...route53("drTarget")} />
              </div>
              <div data-path="failover.route53.ttlSeconds">
                <TextField type="number" min={1} max={86400} label={t.ttl} {...route53("ttlSeconds")} />
              </div>
            </div>
          </fieldset>
        ) : null}
        {draft.adapter === "webhook" ? (
          <div data-path="failover.webhook">
            <GroupIssues ctx={ctx} path="failover.webhook" />
            <div data-path="failover.webhook.url">
              <TextField
                type="url"
                label={t.webhookUrl}
                hint={t.webhookHint}
                placeholder="https://lb.example.gov.cn/govdr/switch"
                {...text("webhookUrl", "failover.webhook.url")}
              />
            </div>
          </div>
        ) : null}
      </fieldset>

      <div class="form-actions">
        <Button type="submit" variant="primary" busy={props.busy}>
          {props.submitLabel}
        </Button>
        {props.onCancel ? <Button onClick={props.onCancel}>{props.cancelLabel}</Button> : null}
        {props.actions}
      </div>
    </form>
  );
}

// ── Issues in place ──

interface IssueContext {
  issues: readonly Issue[];
  locale: Locale;
  fieldError: (message: string) => string;
}

function messageOf(issue: Issue, locale: Locale, fieldError: (message: string) => string): string {
  if (typeof issue.message !== "string") {
    if (!issue.rule) return issue.message[locale];
    return locale === "zh"
      ? `${issue.message[locale]}（${issue.rule}）`
      : `${issue.message[locale]} (${issue.rule})`;
  }
  return fieldError(issue.message);
}

function IssueMessage(props: { issue: Issue; locale: Locale; fieldError: (message: string) => string }) {
  const severity = severityLabels[props.issue.severity][props.locale];
  return (
    <span>
      {props.issue.severity === "error" ? null : <span class="issue-severity">[{severity}] </span>}
      {messageOf(props.issue, props.locale, props.fieldError)}
    </span>
  );
}

/** The errors at exactly this field, for its `error` (shown next to it, and making it invalid). */
function errorText(ctx: IssueContext, path: string): string | undefined {
  const errors = issuesAt(ctx.issues, path).filter((i) => i.severity === "error");
  if (errors.length === 0) return undefined;
  return errors.map((issue) => messageOf(issue, ctx.locale, ctx.fieldError)).join(" ");
}

/** Warnings and notes at exactly this field, under it. */
function FieldNotes(props: { ctx: IssueContext; path: string }) {
  const notes = issuesAt(props.ctx.issues, props.path).filter((i) => i.severity !== "error");
  if (notes.length === 0) return null;
  return (
    <ul class="field-notes">
      {notes.map((issue, index) => (
        <li key={index}>
          <IssueMessage issue={issue} locale={props.ctx.locale} fieldError={props.ctx.fieldError} />
        </li>
      ))}
    </ul>
  );
}

/** Everything said about a group of fields itself (the schedule, a source, the heartbeat). */
function GroupIssues(props: { ctx: IssueContext; path: string }) {
  const here = issuesAt(props.ctx.issues, props.path);
  if (here.length === 0) return null;
  return (
    <div class="group-issues" role="alert" data-testid={`issues-${props.path}`}>
      {here.map((issue, index) => (
        <p key={index} class={issue.severity === "error" ? "field-error" : "field-note"}>
          <IssueMessage issue={issue} locale={props.ctx.locale} fieldError={props.ctx.fieldError} />
        </p>
      ))}
    </div>
  );
}

// ── Small fields ──

function options<V extends string>(labels: Record<V, Bilingual>, locale: Locale) {
  return (Object.keys(labels) as V[]).map((value) => ({ value, label: labels[value][locale] }));
}

function periodOptions(current: string): string[] {
  const all = drillPeriods.map(String);
  return all.includes(current) ? all : [current, ...all];
}

function TimeField(props: {
  label: string;
  value: string;
  onValue: (value: string) => void;
  error?: string | undefined;
  hint?: string;
}) {
  return (
    <Field label={props.label} hint={props.hint} error={props.error}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          type="time"
          value={props.value}
          aria-describedby={describedBy}
          aria-invalid={invalid ? "true" : undefined}
          onInput={(event) => props.onValue((event.target as HTMLInputElement).value)}
        />
      )}
    </Field>
  );
}

function ZoneField(props: {
  label: string;
  value: string;
  onValue: (value: string) => void;
  error?: string | undefined;
}) {
  const locale = useLocale();
  const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const all = [...new Set([...zones, browser, props.value].filter(Boolean))];
  return (
    <SelectField
      label={props.label}
      value={props.value}
      onValue={props.onValue}
      options={all.map((zone) => ({ value: zone, label: zoneNames[zone]?.[locale] ?? zone }))}
      error={props.error}
    />
  );
}

function WindowFields(props: {
  ctx: IssueContext;
  path: string;
  legend: string;
  hint: string;
  value: WindowDraft;
  onValue: (value: WindowDraft) => void;
}) {
  const t = texts.use();
  const { path, value } = props;
  return (
    <fieldset data-path={path}>
      <legend>{props.legend}</legend>
      <GroupIssues ctx={props.ctx} path={path} />
      <div class="form-row">
        <div data-path={`${path}.start`}>
          <TimeField
            label={t.start}
            hint={props.hint}
            value={value.start}
            onValue={(start) => props.onValue({ ...value, start })}
            error={errorText(props.ctx, `${path}.start`)}
          />
        </div>
        <div data-path={`${path}.end`}>
          <TimeField
            label={t.end}
            value={value.end}
            onValue={(end) => props.onValue({ ...value, end })}
            error={errorText(props.ctx, `${path}.end`)}
          />
        </div>
        <div data-path={`${path}.timezone`}>
          <ZoneField
            label={t.timezone}
            value={value.timezone}
            onValue={(timezone) => props.onValue({ ...value, timezone })}
            error={errorText(props.ctx, `${path}.timezone`)}
          />
        </div>
      </div>
    </fieldset>
  );
}
