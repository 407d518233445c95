import { useState } from "preact/hooks";
import { meets } from "../../../../shared/classification/targets.ts";
import { achievableRpo } from "../../../../shared/policies/achievable.ts";
import { defaultSiteRuleSet } from "../../../../shared/policies/site-rules.ts";
import { isApiError } from "../../api/api-error.ts";
import { api } from "../../api/client.ts";
import { useFormat } from "../../i18n/format.ts";
import { useLocale } from "../../i18n/locale.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { can, useSession } from "../../session/session.ts";
import { Badge, Button, Loading, SelectField } from "../../ui/controls.tsx";
import { ErrorNotice, Notice } from "../../ui/notice.tsx";
import { DataTable } from "../../ui/table.tsx";
import { Section } from "../../ui/tabs.tsx";
import { useLoad, usePaged } from "../../ui/use-load.ts";
import {
  adapterLabels,
  backupTypeLabels,
  objectLockLabels,
  recoveryLabels,
  replicationModeLabels,
  siteLabels,
  suiteLabels,
  switchoverModeLabels,
  transportLabels,
} from "./labels.ts";
import { FindingList, MoreButton, shared } from "./parts.tsx";
import { type DiffEntry, diffCounts, diffPolicies } from "./policy-diff.ts";
import { PolicyForm } from "./policy-form.tsx";
import { defaultPolicyDraft, draftToPolicy, type PolicyDraft, policyToDraft } from "./policy-model.ts";
import {
  drillText,
  leafText,
  policyFieldLabel,
  scheduleText,
  sourceText,
  targetText,
  windowText,
} from "./policy-text.ts";
import type { PolicyRecord, SystemTabProps } from "./responses.ts";
import { systemTargets } from "./system-model.ts";
import { useSiteRuleSet, useSubmission } from "./use-systems.ts";

const texts = defineMessages({
  zh: {
    inForce: "现行灾备策略",
    none: "该系统尚未设置灾备策略：在设置之前，平台不会为它备份、复制或演练。",
    noneReadOnly: "请联系本单位管理员设置灾备策略。",
    set: "设置灾备策略",
    edit: "修改策略",
    editTitle: "修改灾备策略",
    newTitle: "设置灾备策略",
    save: "保存为新版本",
    cancel: "取消",
    saved: (n: number) => `灾备策略 v${n} 已生效。`,
    version: (n: number) => `v${n}`,
    meta: (version: number, by: string, at: string) => `第 ${version} 版，由 ${by} 于 ${at} 设置。`,
    backup: "备份",
    sources: "备份源",
    backupType: "备份方式",
    schedule: "备份计划",
    window: "备份窗口",
    noWindow: "不限时段",
    retention: "保留",
    days: (n: number) => `${n} 天`,
    keptFor: "保留期",
    you: (id: string) => `您（${id}）`,
    lock: "锁定模式",
    replication: "异地复制",
    mode: "复制方式",
    site: "灾备中心",
    siteText: (site: string, region: string, km: number) => `${site}，${region}，距主数据中心 ${km} 公里`,
    transport: "复制通道",
    transferWindow: "传输时段",
    crypto: "加密",
    drill: "恢复演练",
    noDrill: "未设置自动演练",
    failover: "切换",
    failoverMode: "切换方式",
    approval: "审批",
    approvalYes: "切换须经审批",
    approvalNo: "无须审批",
    heartbeat: "心跳检测",
    heartbeatText: (s: number, n: number) => `每 ${s} 秒一次，连续 ${n} 次失败判定故障`,
    noHeartbeat: "未配置",
    adapter: "执行方式",
    probeTimeout: (s: number) => `，单次探测超时 ${s} 秒`,
    drHealthEndpoint: "灾备站点健康检查",
    recovery: "灾备站点启用",
    approvalTimeout: "审批时限",
    minutes: (n: number) => `${n} 分钟`,
    route53: "Route 53 记录",
    route53Text: (name: string, type: string, zone: string, primary: string, dr: string) =>
      `${name}（${type}，托管区域 ${zone}）：主站点 ${primary}，灾备站点 ${dr}`,
    webhook: "切换接口",
    notSet: "未设置",
    rpo: "RPO 达成情况：",
    rpoMet: (offered: string, required: string) => `最多丢失 ${offered} 的数据，满足 RPO ${required}`,
    rpoMissed: (offered: string, required: string) =>
      `最多可能丢失 ${offered} 的数据，达不到 RPO ${required}`,
    findings: "保存时的提醒",
    versions: "版本历史",
    versionsCaption: "灾备策略的各个版本",
    versionColumn: "版本",
    createdAt: "设置时间",
    createdBy: "设置人",
    notes: "提醒",
    current: "现行",
    noVersions: "还没有版本。",
    diff: "版本对比",
    from: "原版本",
    to: "新版本",
    onlyOne: "只有一个版本，修改策略后即可对比。",
    diffCaption: (a: number, b: number) => `v${a} → v${b} 的变化`,
    noChange: "两个版本完全相同。",
    counts: (changed: number, added: number, removed: number) =>
      `修改 ${changed} 项，新增 ${added} 项，删除 ${removed} 项。`,
    field: "字段",
    change: "变化",
    before: "原值",
    after: "新值",
    added: "新增",
    removed: "删除",
    changed: "修改",
  },
  en: {
    inForce: "The DR policy in force",
    none: "This system has no DR policy yet: until it has one, the platform does not back it up, replicate it or drill it.",
    noneReadOnly: "Ask your unit's administrator to set the DR policy.",
    set: "Set the DR policy",
    edit: "Change the policy",
    editTitle: "Change the DR policy",
    newTitle: "Set the DR policy",
    save: "Save as a new version",
    cancel: "Cancel",
    saved: (n: number) => `DR policy v${n} is in force.`,
    version: (n: number) => `v${n}`,
    meta: (version: number, by: string, at: string) => `Version ${version}, set by ${by} at ${at}.`,
    backup: "Backup",
    sources: "Sources",
    backupType: "Backup type",
    schedule: "Schedule",
    window: "Backup window",
    noWindow: "any time",
    retention: "Retention",
    days: (n: number) => `${n} days`,
    keptFor: "Kept for",
    you: (id: string) => `you (${id})`,
    lock: "Object lock",
    replication: "Replication",
    mode: "Mode",
    site: "DR site",
    siteText: (site: string, region: string, km: number) => `${site}, ${region}, ${km} km from the primary`,
    transport: "Transport",
    transferWindow: "Transfer window",
    crypto: "Encryption",
    drill: "Recovery drills",
    noDrill: "no scheduled drills",
    failover: "Failover",
    failoverMode: "Switchover",
    approval: "Approval",
    approvalYes: "switchover needs approval",
    approvalNo: "no approval needed",
    heartbeat: "Heartbeat",
    heartbeatText: (s: number, n: number) => `every ${s} s; down after ${n} failures in a row`,
    noHeartbeat: "none",
    adapter: "Adapter",
    probeTimeout: (s: number) => `; a probe times out after ${s} s`,
    drHealthEndpoint: "DR health check",
    recovery: "DR site brought up by",
    approvalTimeout: "Approval timeout",
    minutes: (n: number) => `${n} min`,
    route53: "Route 53 record",
    route53Text: (name: string, type: string, zone: string, primary: string, dr: string) =>
      `${name} (${type}, hosted zone ${zone}): primary ${primary}, DR ${dr}`,
    webhook: "Switching endpoint",
    notSet: "not set",
    rpo: "RPO: ",
    rpoMet: (offered: string, required: string) => `loses at most ${offered} of data, meets RPO ${required}`,
    rpoMissed: (offered: string, required: string) =>
      `can lose up to ${offered} of data, misses RPO ${required}`,
    findings: "Warnings when it was saved",
    versions: "Version history",
    versionsCaption: "The versions of the DR policy",
    versionColumn: "Version",
    createdAt: "Set at",
    createdBy: "Set by",
    notes: "Warnings",
    current: "in force",
    noVersions: "No version yet.",
    diff: "Compare versions",
    from: "From version",
    to: "To version",
    onlyOne: "There is one version only; change the policy to compare.",
    diffCaption: (a: number, b: number) => `What changed from v${a} to v${b}`,
    noChange: "The two versions are the same.",
    counts: (changed: number, added: number, removed: number) =>
      `${changed} changed, ${added} added, ${removed} removed.`,
    field: "Field",
    change: "Change",
    before: "Before",
    after: "After",
    added: "added",
    removed: "removed",
    changed: "changed",
  },
});

/** The policy tab: the policy in force in words, its edit form, version history and diff. */
export function PolicyTab(props: SystemTabProps) {
  const t = texts.use();
  const s = shared.use();
  const session = useSession();
  const { system } = props;
  const mayEdit = can("PUT /systems/{systemId}/policy", session);
  const siteRuleSet = useSiteRuleSet() ?? defaultSiteRuleSet;
  const current = useLoad(
    async () =>
      system.policyVersion > 0
        ? await api.get("/systems/{systemId}/policy", { path: { systemId: system.systemId } })
        : undefined,
    [system.systemId, system.policyVersion],
  );
  const versions = usePaged(
    (cursor) =>
      api.get("/systems/{systemId}/policy/versions", {
        path: { systemId: system.systemId },
        query: { cursor, limit: 25 },
      }),
    [system.systemId, system.policyVersion],
  );
  const [draft, setDraft] = useState<PolicyDraft>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<number>();
  const submit = useSubmission();
  const record = current.data?.systemId === system.systemId ? current.data : undefined;

  const startEditing = () => {
    const defaults = defaultPolicyDraft(system, siteRuleSet);
    setSaved(undefined);
    setError(undefined);
    setDraft(record ? policyToDraft(record.policy, defaults) : defaults);
  };
  const save = async () => {
    if (!draft) return;
    const body = draftToPolicy(draft);
    setBusy(true);
    setError(undefined);
    try {
      const stored = await submit(body, (idempotencyKey) =>
        api.put("/systems/{systemId}/policy", { path: { systemId: system.systemId }, body, idempotencyKey }),
      );
      setDraft(undefined);
      setSaved(stored.version);
      props.reload();
    } catch (failure) {
      setError(failure);
      window.scrollTo({ top: 0 });
    } finally {
      setBusy(false);
    }
  };

  if (draft) {
    return (
      <Section title={record ? t.editTitle : t.newTitle}>
        <PolicyForm
          draft={draft}
          onDraft={(update) => setDraft((d) => (d ? update(d) : d))}
          system={system}
          siteRuleSet={siteRuleSet}
          error={error}
          busy={busy}
          submitLabel={t.save}
          onSubmit={() => void save()}
          onCancel={() => {
            setDraft(undefined);
            setError(undefined);
          }}
          cancelLabel={t.cancel}
        />
      </Section>
    );
  }

  const notFound = isApiError(current.error) && current.error.code === "NOT_FOUND";
  return (
    <div class="policy-tab">
      {saved ? <Notice tone="ok">{t.saved(saved)}</Notice> : null}
      <Section
        title={t.inForce}
        actions={
          mayEdit && record ? (
            <Button variant="primary" onClick={startEditing}>
              {t.edit}
            </Button>
          ) : null
        }
      >
        {system.policyVersion === 0 || notFound ? (
          <div class="empty-state" data-testid="no-policy">
            <p>{t.none}</p>
            {mayEdit ? (
              <Button variant="primary" onClick={startEditing}>
                {t.set}
              </Button>
            ) : (
              <p>{t.noneReadOnly}</p>
            )}
          </div>
        ) : record ? (
          <PolicySummary record={record} system={system} />
        ) : current.error ? (
          <ErrorNotice error={current.error} onRetry={current.reload} />
        ) : (
          <Loading label={s.loading} />
        )}
      </Section>
      {system.policyVersion > 0 ? (
        <>
          <Section title={t.versions}>
            <ErrorNotice error={versions.error} onRetry={versions.reload} />
            <VersionTable items={versions.items} inForce={system.policyVersion} />
            <MoreButton hasMore={versions.hasMore} loading={versions.loading} onMore={versions.more} />
          </Section>
          <Section title={t.diff}>
            <VersionDiff items={versions.items} />
          </Section>
        </>
      ) : null}
    </div>
  );
}

/** The policy in words, section by section, with the RPO it reaches against the system's. */
function PolicySummary(props: { record: PolicyRecord; system: SystemTabProps["system"] }) {
  const t = texts.use();
  const who = useWho();
  const locale = useLocale();
  const format = useFormat();
  const { policy } = props.record;
  const { backup, replication, failover } = policy;
  const offered = achievableRpo(policy);
  const required = systemTargets(props.system).required.rpo;
  const met = meets(offered, required) !== "no";
  const offeredText = targetText(offered, locale).replace(/^≤/, "");
  return (
    <div class="policy-summary" data-testid="policy-summary">
      <p class="muted">
        {t.meta(props.record.version, who(props.record.createdBy), format.dateTime(props.record.createdAt))}
      </p>
      <p>
        <strong>{t.rpo}</strong>
        <Badge tone={met ? "ok" : "bad"}>
          {(met ? t.rpoMet : t.rpoMissed)(offeredText, targetText(required, locale))}
        </Badge>
      </p>
      <div class="summary-grid">
        <section>
          <h3>{t.backup}</h3>
          <dl class="facts">
            <dt>{t.sources}</dt>
            <dd>
              <ul class="plain-list">
                {backup.sources.map((source, index) => (
                  <li key={index}>{sourceText(source, locale)}</li>
                ))}
              </ul>
            </dd>
            <dt>{t.backupType}</dt>
            <dd>{backupTypeLabels[backup.type][locale]}</dd>
            <dt>{t.schedule}</dt>
            <dd>{scheduleText(backup.schedule, locale)}</dd>
            <dt>{t.window}</dt>
            <dd>{backup.window ? windowText(backup.window, locale) : t.noWindow}</dd>
          </dl>
        </section>
        <section>
          <h3>{t.retention}</h3>
          <dl class="facts">
            <dt>{t.keptFor}</dt>
            <dd>{t.days(policy.retention.days)}</dd>
            <dt>{t.lock}</dt>
            <dd>{objectLockLabels[policy.retention.objectLockMode][locale]}</dd>
          </dl>
          <h3>{t.crypto}</h3>
          <p>{suiteLabels[policy.crypto.suite][locale]}</p>
        </section>
        <section>
          <h3>{t.replication}</h3>
          <dl class="facts">
            <dt>{t.mode}</dt>
            <dd>{replicationModeLabels[replication.mode][locale]}</dd>
            <dt>{t.site}</dt>
            <dd>
              {t.siteText(siteLabels[replication.site][locale], replication.region, replication.distanceKm)}
            </dd>
            <dt>{t.transport}</dt>
            <dd>{transportLabels[replication.transport ?? "native"][locale]}</dd>
            {replication.transferWindow ? (
              <>
                <dt>{t.transferWindow}</dt>
                <dd>{windowText(replication.transferWindow, locale)}</dd>
              </>
            ) : null}
          </dl>
        </section>
        <section>
          <h3>{t.drill}</h3>
          <p>{policy.drill ? drillText(policy.drill, locale) : t.noDrill}</p>
          <h3>{t.failover}</h3>
          <dl class="facts">
            <dt>{t.failoverMode}</dt>
            <dd>{switchoverModeLabels[failover.mode][locale]}</dd>
            <dt>{t.approval}</dt>
            <dd>{failover.approvalRequired ? t.approvalYes : t.approvalNo}</dd>
            <dt>{t.heartbeat}</dt>
            <dd>
              {failover.heartbeat
                ? t.heartbeatText(failover.heartbeat.intervalSeconds, failover.heartbeat.failureThreshold) +
                  (failover.heartbeat.timeoutSeconds !== undefined
                    ? t.probeTimeout(failover.heartbeat.timeoutSeconds)
                    : "")
                : t.noHeartbeat}
            </dd>
            <dt>{t.adapter}</dt>
            <dd>{adapterLabels[failover.adapter][locale]}</dd>
            <dt>{t.drHealthEndpoint}</dt>
            <dd>{failover.drHealthEndpoint ? <code>{failover.drHealthEndpoint}</code> : t.notSet}</dd>
            {failover.recovery ? (
              <>
                <dt>{t.recovery}</dt>
                <dd>{recoveryLabels[failover.recovery][locale]}</dd>
              </>
            ) : null}
            {failover.approvalTimeoutMinutes !== undefined ? (
              <>
                <dt>{t.approvalTimeout}</dt>
                <dd>{t.minutes(failover.approvalTimeoutMinutes)}</dd>
              </>
            ) : null}
            {failover.route53 ? (
              <>
                <dt>{t.route53}</dt>
                <dd>
                  {t.route53Text(
                    failover.route53.recordName,
                    failover.route53.recordType,
                    failover.route53.hostedZoneId,
                    failover.route53.primaryTarget,
                    failover.route53.drTarget,
                  )}
                </dd>
              </>
            ) : null}
            {failover.webhook ? (
              <>
                <dt>{t.webhook}</dt>
                <dd>
                  <code>{failover.webhook.url}</code>
                </dd>
              </>
            ) : null}
          </dl>
        </section>
      </div>
      {props.record.findings.length > 0 ? (
        <>
          <h3>{t.findings}</h3>
          <FindingList findings={props.record.findings} />
        </>
      ) : null}
    </div>
  );
}

function VersionTable(props: { items: readonly PolicyRecord[]; inForce: number }) {
  const t = texts.use();
  const who = useWho();
  const format = useFormat();
  const rows = [...props.items].sort((a, b) => b.version - a.version);
  return (
    <DataTable<PolicyRecord>
      caption={t.versionsCaption}
      captionHidden
      rows={rows}
      rowKey={(record) => String(record.version)}
      empty={t.noVersions}
      columns={[
        {
          key: "version",
          header: t.versionColumn,
          cell: (record) => (
            <span class="nowrap">
              {t.version(record.version)}{" "}
              {record.version === props.inForce ? <Badge tone="ok">{t.current}</Badge> : null}
            </span>
          ),
        },
        { key: "at", header: t.createdAt, cell: (record) => format.dateTime(record.createdAt) },
        { key: "by", header: t.createdBy, cell: (record) => who(record.createdBy) },
        {
          key: "notes",
          header: t.notes,
          numeric: true,
          cell: (record) => format.number(record.findings.length),
        },
      ]}
    />
  );
}

/** Who set a version: the user id the API records, "you" for the signed-in user. */
function useWho() {
  const t = texts.use();
  const session = useSession();
  return (userId: string) => (userId === session?.userId ? t.you(userId) : userId);
}

/** Two versions side by side, field by field. */
function VersionDiff(props: { items: readonly PolicyRecord[] }) {
  const t = texts.use();
  const locale = useLocale();
  const sorted = [...props.items].sort((a, b) => a.version - b.version);
  const newest = sorted.at(-1);
  const previous = sorted.at(-2);
  const [from, setFrom] = useState<string>();
  const [to, setTo] = useState<string>();
  if (!newest || !previous) return <p class="muted">{t.onlyOne}</p>;
  const fromVersion = Number(from ?? previous.version);
  const toVersion = Number(to ?? newest.version);
  const a = sorted.find((record) => record.version === fromVersion) ?? previous;
  const b = sorted.find((record) => record.version === toVersion) ?? newest;
  const entries = diffPolicies(a.policy, b.policy);
  const counts = diffCounts(entries);
  const choices = [...sorted]
    .reverse()
    .map((record) => ({ value: String(record.version), label: `v${record.version}` }));
  const kindLabel = { added: t.added, removed: t.removed, changed: t.changed };
  const kindTone = { added: "ok", removed: "bad", changed: "warn" } as const;
  return (
    <div class="policy-diff" data-testid="policy-diff">
      <div class="form-row diff-choice">
        <SelectField label={t.from} value={String(a.version)} onValue={setFrom} options={choices} />
        <SelectField label={t.to} value={String(b.version)} onValue={setTo} options={choices} />
      </div>
      <p role="status">
        {entries.length === 0 ? t.noChange : t.counts(counts.changed, counts.added, counts.removed)}
      </p>
      {entries.length > 0 ? (
        <DataTable<DiffEntry>
          caption={t.diffCaption(a.version, b.version)}
          rows={entries}
          rowKey={(entry) => entry.path}
          empty={t.noChange}
          columns={[
            {
              key: "field",
              header: t.field,
              cell: (entry) => (
                <span title={entry.path} data-path={entry.path}>
                  {policyFieldLabel(entry.path, locale)}
                </span>
              ),
            },
            {
              key: "kind",
              header: t.change,
              cell: (entry) => <Badge tone={kindTone[entry.kind]}>{kindLabel[entry.kind]}</Badge>,
            },
            {
              key: "before",
              header: t.before,
              cell: (entry) =>
                entry.kind === "added" ? (
                  "—"
                ) : (
                  <span class="diff-removed">{leafText(entry.path, entry.before, locale)}</span>
                ),
            },
            {
              key: "after",
              header: t.after,
              cell: (entry) =>
                entry.kind === "removed" ? (
                  "—"
                ) : (
                  <span class="diff-added">{leafText(entry.path, entry.after, locale)}</span>
                ),
            },
          ]}
        />
      ) : null}
    </div>
  );
}
