import { useMemo } from "preact/hooks";
import type { ReplicationStatus } from "../../../../shared/replication/replication-check.ts";
import { api } from "../../api/client.ts";
import { formatterFor, useFormat } from "../../i18n/format.ts";
import { languageTags, useLocale } from "../../i18n/locale.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { Chart, chartColours } from "../../ui/chart.tsx";
import { Badge, Button, Loading } from "../../ui/controls.tsx";
import { ErrorNotice } from "../../ui/notice.tsx";
import { Section } from "../../ui/tabs.tsx";
import { useLoad, usePaged } from "../../ui/use-load.ts";
import { common, DrTable, type DrTabProps, MoreButton, unitNames } from "./common.tsx";
import { achievedVsTargetOption, rpoHistoryOption } from "./dr-charts.ts";
import { latestTarget, replicationTone, rpoHistory } from "./dr-logic.ts";
import type { ReplicationCheck } from "./responses.ts";

const texts = defineMessages({
  zh: {
    title: "异地复制",
    status: "复制状态",
    statusLabel: "复制状态：",
    statusOk: "达标",
    statusBreach: "超出 RPO 目标",
    statusNoSnapshot: "尚无快照",
    statusNotReplicable: "无法复制",
    explainOk: "已完整复制到异地灾备库的最新快照在 RPO 目标之内：此时发生灾难，丢失的数据不超过目标。",
    explainBreach:
      "已完整复制到异地灾备库的最新快照早于 RPO 目标允许的时间（或尚无快照复制完成）：此时发生灾难，丢失的数据将超过目标。请检查备份是否按计划运行、复制是否积压。",
    explainNoSnapshot: "本系统还没有任何快照，异地灾备库中没有可恢复的数据。请先完成一次备份。",
    explainNotReplicable:
      "最新的快照保存在本地存储库中，不在平台的备份库里，因此不会被复制到异地。请让备份代理将数据备份到平台的备份库（s3:// 存储库）。",
    mode: "复制方式",
    modeNative: "存储原生跨区域复制（S3 复制）",
    modeManaged: "平台复制程序（托管复制）",
    achievable: "可达 RPO",
    target: "RPO 目标",
    rpoText: (achievable: string, target: string) => `当前可达 RPO 为 ${achievable}，RPO 目标为 ${target}。`,
    rpoNone: (target: string) => `当前没有已复制完成的快照，无法计算可达 RPO；RPO 目标为 ${target}。`,
    chartLabel: "可达 RPO 与 RPO 目标对比图",
    newest: "最新快照",
    newestReplicated: "最新已复制快照",
    lag: "待复制",
    lagText: (bytes: string, objects: string) => `${bytes}，${objects} 个对象`,
    checkedAt: "检查时间",
    noneYet: "无",
    historyTitle: "复制监测历史",
    historyIntro: "平台每分钟检查一次异地复制情况（保留 200 天）。下图为可达 RPO 的变化，虚线为 RPO 目标。",
    historyChart: "可达 RPO 随时间变化图",
    historySummary: (count: number, breaches: number) =>
      `共 ${count} 次检查，其中 ${breaches} 次超出 RPO 目标。`,
    historyCaption: "复制监测记录",
    historyEmpty: "暂无监测记录。平台的复制监测每分钟运行一次，稍后刷新即可看到。",
  },
  en: {
    title: "Replication",
    status: "Status",
    statusLabel: "Status:",
    statusOk: "Within target",
    statusBreach: "RPO breached",
    statusNoSnapshot: "No snapshot",
    statusNotReplicable: "Not replicable",
    explainOk:
      "The newest snapshot fully copied to the DR vault is within the RPO target: a disaster now would lose no more data than the target allows.",
    explainBreach:
      "The newest snapshot fully copied to the DR vault is older than the RPO target allows (or none has been copied yet): a disaster now would lose more data than the target. Check that backups run on schedule and replication is not backed up.",
    explainNoSnapshot:
      "This system has no snapshot yet, so the DR vault holds nothing to recover. Complete a backup first.",
    explainNotReplicable:
      "The newest snapshot is in a local repository, not in the platform's vault, so nothing copies it to the DR site. Have the backup agent back up into the platform's vault (an s3:// repository).",
    mode: "Mode",
    modeNative: "Storage-native cross-region replication (S3 replication)",
    modeManaged: "The platform's replicator (managed)",
    achievable: "Achievable RPO",
    target: "RPO target",
    rpoText: (achievable: string, target: string) =>
      `The achievable RPO is ${achievable} now, against a target of ${target}.`,
    rpoNone: (target: string) =>
      `No snapshot has been fully replicated, so no RPO is achievable now; the target is ${target}.`,
    chartLabel: "Achievable RPO against the RPO target",
    newest: "Newest snapshot",
    newestReplicated: "Newest replicated snapshot",
    lag: "Not yet replicated",
    lagText: (bytes: string, objects: string) => `${bytes} in ${objects} objects`,
    checkedAt: "Checked at",
    noneYet: "None",
    historyTitle: "Replication history",
    historyIntro:
      "The platform checks replication every minute (kept for 200 days). The chart shows the achievable RPO over time; the dashed line is the target.",
    historyChart: "Achievable RPO over time",
    historySummary: (count: number, breaches: number) =>
      `${count} checks, ${breaches} of them over the RPO target.`,
    historyCaption: "Replication checks",
    historyEmpty: "No check recorded yet. The replication monitor runs every minute; refresh in a while.",
  },
});

type Texts = ReturnType<typeof texts.use>;

export const statusText = (t: Texts, status: ReplicationStatus) =>
  ({
    ok: { label: t.statusOk, explain: t.explainOk },
    breach: { label: t.statusBreach, explain: t.explainBreach },
    "no-snapshot": { label: t.statusNoSnapshot, explain: t.explainNoSnapshot },
    "not-replicable": { label: t.statusNotReplicable, explain: t.explainNotReplicable },
  })[status];

function SnapshotRef(props: { snapshot: ReplicationCheck["newestSnapshot"]; none: string }) {
  const format = useFormat();
  if (!props.snapshot) return <>{props.none}</>;
  return (
    <>
      <code>{props.snapshot.snapshotId}</code> · {format.dateTime(props.snapshot.takenAt)}
    </>
  );
}

function Current(props: { systemId: string }) {
  const t = texts.use();
  const c = common.use();
  const format = useFormat();
  const check = useLoad(
    () => api.get("/systems/{systemId}/replication", { path: { systemId: props.systemId } }),
    [props.systemId],
  );
  const r = check.data;
  const option = useMemo(
    () =>
      r
        ? achievedVsTargetOption({
            measures: [{ label: "RPO", achieved: r.achievableRpoSeconds, target: r.targetRpoSeconds }],
            labels: { achieved: t.achievable, target: t.target },
            duration: format.duration,
            units: unitNames(c),
            palette: chartColours,
          })
        : undefined,
    [r, t],
  );
  const rpoSentence = r
    ? r.achievableRpoSeconds === null
      ? t.rpoNone(format.duration(r.targetRpoSeconds))
      : t.rpoText(format.duration(r.achievableRpoSeconds), format.duration(r.targetRpoSeconds))
    : "";
  return (
    <Section
      title={t.title}
      actions={
        <Button onClick={check.reload} busy={check.loading}>
          {c.refresh}
        </Button>
      }
    >
      <ErrorNotice error={check.error} onRetry={check.reload} />
      {!r ? (
        check.error ? null : (
          <Loading label={c.loading} />
        )
      ) : (
        <div class="dr-two">
          <div>
            <div class="dr-status-line" role="status">
              <span>{t.statusLabel}</span>
              <Badge tone={replicationTone(r.status)}>
                <span data-testid="replication-status" data-status={r.status}>
                  {statusText(t, r.status).label}
                </span>
              </Badge>
            </div>
            <p>{statusText(t, r.status).explain}</p>
            <p>{rpoSentence}</p>
            <dl class="facts">
              <dt>{t.mode}</dt>
              <dd>{r.mode === "native" ? t.modeNative : t.modeManaged}</dd>
              <dt>{t.newest}</dt>
              <dd>
                <SnapshotRef snapshot={r.newestSnapshot} none={t.noneYet} />
              </dd>
              <dt>{t.newestReplicated}</dt>
              <dd>
                <SnapshotRef snapshot={r.newestReplicatedSnapshot} none={t.noneYet} />
              </dd>
              <dt>{t.lag}</dt>
              <dd>{t.lagText(format.bytes(r.lagBytes), format.number(r.lagObjects))}</dd>
              <dt>{t.checkedAt}</dt>
              <dd>{format.dateTime(r.checkedAt)}</dd>
            </dl>
          </div>
          {option ? <Chart option={option} label={t.chartLabel} summary={rpoSentence} height={150} /> : null}
        </div>
      )}
    </Section>
  );
}

function History(props: { systemId: string }) {
  const t = texts.use();
  const c = common.use();
  const format = useFormat();
  const locale = useLocale();
  const checks = usePaged<ReplicationCheck>(
    (cursor) =>
      api.get("/systems/{systemId}/replication/history", {
        path: { systemId: props.systemId },
        query: { cursor, limit: 100 },
      }),
    [props.systemId],
  );
  const option = useMemo(() => {
    const time = new Intl.DateTimeFormat(languageTags[locale], {
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
    });
    return rpoHistoryOption({
      points: rpoHistory(checks.items),
      target: latestTarget(checks.items),
      labels: { achievable: t.achievable, target: t.target },
      duration: formatterFor(locale).duration,
      units: unitNames(c),
      time: (ms) => time.format(new Date(ms)),
      palette: chartColours,
    });
  }, [checks.items, locale]);
  const breaches = checks.items.filter((check) => check.status === "breach").length;
  return (
    <Section
      title={t.historyTitle}
      actions={
        <Button onClick={checks.reload} busy={checks.loading}>
          {c.refresh}
        </Button>
      }
    >
      <p class="dr-intro">{t.historyIntro}</p>
      <ErrorNotice error={checks.error} onRetry={checks.reload} />
      {checks.items.length > 0 ? (
        <Chart
          option={option}
          label={t.historyChart}
          summary={t.historySummary(checks.items.length, breaches)}
          height={240}
        />
      ) : null}
      <DrTable
        caption={t.historyCaption}
        captionHidden
        rows={checks.items}
        rowKey={(check) => check.checkedAt}
        empty={checks.loading ? c.loading : t.historyEmpty}
        columns={[
          { key: "checkedAt", header: t.checkedAt, cell: (check) => format.dateTime(check.checkedAt) },
          {
            key: "status",
            header: t.status,
            cell: (check) => (
              <Badge tone={replicationTone(check.status)}>{statusText(t, check.status).label}</Badge>
            ),
          },
          {
            key: "achievable",
            header: t.achievable,
            numeric: true,
            cell: (check) =>
              check.achievableRpoSeconds === null ? "—" : format.duration(check.achievableRpoSeconds),
          },
          {
            key: "target",
            header: t.target,
            numeric: true,
            cell: (check) => format.duration(check.targetRpoSeconds),
          },
          {
            key: "lag",
            header: t.lag,
            numeric: true,
            cell: (check) => t.lagText(format.bytes(check.lagBytes), format.number(check.lagObjects)),
          },
        ]}
      />
      <MoreButton hasMore={checks.hasMore} loading={checks.loading} onMore={checks.more} />
    </Section>
  );
}

export function ReplicationTab(props: DrTabProps) {
  return (
    <>
      <Current systemId={props.system.systemId} />
      <History systemId={props.system.systemId} />
    </>
  );
}
