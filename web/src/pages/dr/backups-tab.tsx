import { useState } from "preact/hooks";
import { api } from "../../api/client.ts";
import { useFormat } from "../../i18n/format.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { can, useSession } from "../../session/session.ts";
import { Button, Loading, SelectField } from "../../ui/controls.tsx";
import { ErrorNotice, Notice } from "../../ui/notice.tsx";
import { Section } from "../../ui/tabs.tsx";
import { useLoad, usePaged, usePoll } from "../../ui/use-load.ts";
import {
  backupTypeLabel,
  common,
  DrTable,
  type DrTabProps,
  JobErrorNotice,
  MoreButton,
  StatusBadge,
  triggerLabel,
  useHere,
} from "./common.tsx";
import { backupProgress, elapsedSeconds, sourceLabel } from "./dr-logic.ts";
import type { BackupJobView } from "./responses.ts";

const texts = defineMessages({
  zh: {
    startTitle: "立即备份",
    startIntro:
      "平台直接备份灾备策略中指定的 S3 前缀和 DynamoDB 表（使用本单位授权的角色读取），生成的快照保存在平台备份库并复制到异地。服务器上的文件由备份代理备份。",
    type: "备份类型",
    typePolicy: "按灾备策略设定",
    start: "立即备份",
    cannotStart: "您的角色只能查看备份任务；如需发起备份，请联系本单位管理员或运维人员。",
    listTitle: "备份任务",
    caption: "本系统的平台备份任务",
    empty: "尚无平台备份任务。",
    started: "开始时间",
    trigger: "发起方式",
    status: "状态",
    progress: "进度",
    snapshot: "快照",
    warnings: "警告",
    view: (id: string) => `查看备份任务 ${id}`,
    detailTitle: (id: string) => `备份任务 ${id}`,
    live: "任务进行中，每 2 秒自动刷新。",
    progressLabel: "已完成的数据源",
    sourcesDone: (done: number, total: number) => `数据源 ${done} / ${total}`,
    files: "文件（对象）",
    bytes: "数据量",
    readBytes: "已读取",
    newBytes: "新增数据（去重后）",
    unchanged: "未变化的文件",
    vanished: "备份时已消失的文件",
    updatedAt: "进度更新时间",
    elapsed: "用时",
    finished: "结束时间",
    sources: "数据源",
    repository: "存储库",
    policy: "灾备策略版本",
    noWarnings: "无警告。",
    error: "任务失败的原因",
    snapshotLink: (id: string) => `查看快照 ${id}`,
  },
  en: {
    startTitle: "Back up now",
    startIntro:
      "The platform backs up the S3 prefixes and DynamoDB tables the DR policy names itself (read with the role your unit provides); the snapshot goes to the platform's vault and is copied to the DR site. Files on servers are backed up by the backup agent.",
    type: "Backup type",
    typePolicy: "As the DR policy says",
    start: "Back up now",
    cannotStart:
      "Your role can read backup jobs only; to start one, ask your unit's administrator or an operator.",
    listTitle: "Backup jobs",
    caption: "Platform backup jobs of this system",
    empty: "No platform backup job yet.",
    started: "Started",
    trigger: "Trigger",
    status: "Status",
    progress: "Progress",
    snapshot: "Snapshot",
    warnings: "Warnings",
    view: (id: string) => `View backup job ${id}`,
    detailTitle: (id: string) => `Backup job ${id}`,
    live: "The job is running; this refreshes every 2 seconds.",
    progressLabel: "Sources done",
    sourcesDone: (done: number, total: number) => `Sources ${done} of ${total}`,
    files: "Files (objects)",
    bytes: "Size",
    readBytes: "Read",
    newBytes: "New data (after deduplication)",
    unchanged: "Unchanged files",
    vanished: "Files gone during the backup",
    updatedAt: "Progress updated",
    elapsed: "Time",
    finished: "Finished",
    sources: "Sources",
    repository: "Repository",
    policy: "DR policy version",
    noWarnings: "No warnings.",
    error: "Why the job failed",
    snapshotLink: (id: string) => `View snapshot ${id}`,
  },
});

type BackupType = BackupJobView["type"];

function ProgressBar(props: { job: BackupJobView }) {
  const t = texts.use();
  const format = useFormat();
  const ratio = backupProgress(props.job);
  const total = props.job.sources.length;
  const done = props.job.status === "completed" ? total : props.job.progress.sourcesDone;
  return (
    <div class="dr-progress">
      <div
        class="dr-progress-bar"
        role="progressbar"
        aria-label={t.progressLabel}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={`${t.sourcesDone(done, total)} (${format.percent(ratio)})`}
      >
        <span style={{ width: `${Math.round(ratio * 100)}%` }} />
      </div>
      <span class="dr-progress-text">{t.sourcesDone(done, total)}</span>
    </div>
  );
}

function JobDetail(props: { systemId: string; jobId: string }) {
  const t = texts.use();
  const c = common.use();
  const format = useFormat();
  const here = useHere();
  const loaded = useLoad(
    () =>
      api.get("/systems/{systemId}/backups/{jobId}", {
        path: { systemId: props.systemId, jobId: props.jobId },
      }),
    [props.systemId, props.jobId],
  );
  const job = loaded.data;
  const running = job?.status === "running";
  usePoll(loaded.reload, running, 2000);
  return (
    <Section
      title={t.detailTitle(props.jobId)}
      actions={
        <a class="button button-secondary" href={here.href()}>
          {c.back}
        </a>
      }
    >
      <ErrorNotice error={loaded.error} onRetry={loaded.reload} />
      {!job ? (
        loaded.error ? null : (
          <Loading label={c.loading} />
        )
      ) : (
        <>
          {running ? (
            <p class="field-hint" role="status">
              {t.live}
            </p>
          ) : null}
          <ProgressBar job={job} />
          <dl class="facts">
            <dt>{t.status}</dt>
            <dd>
              <StatusBadge status={job.status} />
            </dd>
            <dt>{t.type}</dt>
            <dd>{backupTypeLabel(c, job.type)}</dd>
            <dt>{t.trigger}</dt>
            <dd>{triggerLabel(c, job.trigger)}</dd>
            <dt>{t.started}</dt>
            <dd>{format.dateTime(job.startedAt)}</dd>
            {job.finishedAt ? (
              <>
                <dt>{t.finished}</dt>
                <dd>{format.dateTime(job.finishedAt)}</dd>
              </>
            ) : null}
            <dt>{t.elapsed}</dt>
            <dd>{format.duration(elapsedSeconds(job, new Date(job.progress.updatedAt)))}</dd>
            <dt>{t.files}</dt>
            <dd>{format.number(job.progress.files)}</dd>
            <dt>{t.bytes}</dt>
            <dd>{format.bytes(job.progress.bytes)}</dd>
            <dt>{t.readBytes}</dt>
            <dd>{format.bytes(job.progress.readBytes)}</dd>
            <dt>{t.newBytes}</dt>
            <dd>{format.bytes(job.progress.newBytes)}</dd>
            <dt>{t.unchanged}</dt>
            <dd>{format.number(job.progress.unchangedFiles)}</dd>
            <dt>{t.vanished}</dt>
            <dd>{format.number(job.progress.vanishedFiles)}</dd>
            <dt>{t.updatedAt}</dt>
            <dd>{format.dateTime(job.progress.updatedAt)}</dd>
            <dt>{t.snapshot}</dt>
            <dd>
              {job.snapshotId ? (
                <a href={here.tab("snapshots", { snapshot: job.snapshotId })}>
                  {t.snapshotLink(job.snapshotId)}
                </a>
              ) : (
                "—"
              )}
            </dd>
            <dt>{t.sources}</dt>
            <dd>
              <ul class="dr-plain-list">
                {job.sources.map((source) => (
                  <li key={sourceLabel(source)}>
                    <code>{sourceLabel(source)}</code>
                  </li>
                ))}
              </ul>
            </dd>
            <dt>{t.repository}</dt>
            <dd>
              <code>{job.repository}</code>
            </dd>
            <dt>{t.policy}</dt>
            <dd>v{job.policyVersion}</dd>
          </dl>
          <h3>{t.warnings}</h3>
          {job.warnings.length === 0 ? (
            <p>{t.noWarnings}</p>
          ) : (
            <ul>
              {job.warnings.map((warning) => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          )}
          {job.error ? <JobErrorNotice title={t.error} error={job.error} /> : null}
        </>
      )}
    </Section>
  );
}

function StartBackup(props: { systemId: string; onStarted: (job: BackupJobView) => void }) {
  const t = texts.use();
  const c = common.use();
  const [type, setType] = useState<BackupType | "">("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const start = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const job = await api.post("/systems/{systemId}/backups", {
        path: { systemId: props.systemId },
        body: type ? { type } : {},
      });
      props.onStarted(job);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={t.startTitle}>
      <p class="dr-intro">{t.startIntro}</p>
      <form
        class="dr-inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void start();
        }}
      >
        <SelectField<BackupType | "">
          label={t.type}
          value={type}
          onValue={setType}
          options={[
            { value: "", label: t.typePolicy },
            { value: "full", label: c.typeFull },
            { value: "incremental", label: c.typeIncremental },
            { value: "differential", label: c.typeDifferential },
          ]}
        />
        <div class="dr-inline-action">
          <Button type="submit" variant="primary" busy={busy}>
            {t.start}
          </Button>
        </div>
      </form>
      <ErrorNotice error={error} />
    </Section>
  );
}

function JobList(props: DrTabProps) {
  const t = texts.use();
  const c = common.use();
  const format = useFormat();
  const here = useHere();
  const session = useSession();
  const { systemId } = props.system;
  const mayStart = can("POST /systems/{systemId}/backups", session);
  const jobs = usePaged<BackupJobView>(
    (cursor) => api.get("/systems/{systemId}/backups", { path: { systemId }, query: { cursor } }),
    [systemId],
  );
  const anyRunning = jobs.items.some((job) => job.status === "running");
  usePoll(jobs.reload, anyRunning, 2000);
  return (
    <>
      {mayStart ? (
        <StartBackup systemId={systemId} onStarted={(job) => here.go(here.href({ job: job.jobId }))} />
      ) : (
        <Notice tone="info">{t.cannotStart}</Notice>
      )}
      <Section
        title={t.listTitle}
        actions={
          <Button onClick={jobs.reload} busy={jobs.loading}>
            {c.refresh}
          </Button>
        }
      >
        <ErrorNotice error={jobs.error} onRetry={jobs.reload} />
        <DrTable
          caption={t.caption}
          captionHidden
          rows={jobs.items}
          rowKey={(job) => job.jobId}
          empty={jobs.loading ? c.loading : t.empty}
          columns={[
            {
              key: "started",
              header: t.started,
              cell: (job) => (
                <a href={here.href({ job: job.jobId })} aria-label={t.view(job.jobId)}>
                  {format.dateTime(job.startedAt)}
                </a>
              ),
            },
            { key: "type", header: t.type, cell: (job) => backupTypeLabel(c, job.type) },
            { key: "trigger", header: t.trigger, cell: (job) => triggerLabel(c, job.trigger) },
            { key: "status", header: t.status, cell: (job) => <StatusBadge status={job.status} /> },
            {
              key: "progress",
              header: t.progress,
              cell: (job) => (
                <>
                  {job.status === "running" ? <ProgressBar job={job} /> : null}
                  <span class="dr-nowrap">
                    {format.number(job.progress.files)} · {format.bytes(job.progress.bytes)}
                  </span>
                </>
              ),
            },
            {
              key: "snapshot",
              header: t.snapshot,
              cell: (job) => (job.snapshotId ? <code>{job.snapshotId}</code> : "—"),
            },
            {
              key: "warnings",
              header: t.warnings,
              numeric: true,
              cell: (job) => format.number(job.warnings.length),
            },
          ]}
        />
        <MoreButton hasMore={jobs.hasMore} loading={jobs.loading} onMore={jobs.more} />
      </Section>
    </>
  );
}

export function BackupsTab(props: DrTabProps) {
  const here = useHere();
  const jobId = here.query.job;
  if (jobId) return <JobDetail systemId={props.system.systemId} jobId={jobId} />;
  return <JobList {...props} />;
}
