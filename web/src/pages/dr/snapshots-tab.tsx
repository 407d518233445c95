import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api/client.ts";
import { useFormat } from "../../i18n/format.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { can, useSession } from "../../session/session.ts";
import { Badge, Button, Loading, TextField } from "../../ui/controls.tsx";
import { ErrorNotice, Notice } from "../../ui/notice.tsx";
import { Section } from "../../ui/tabs.tsx";
import { useLoad } from "../../ui/use-load.ts";
import {
  backupTypeLabel,
  common,
  DrTable,
  type DrTabProps,
  MoreButton,
  TimeField,
  timeZoneHint,
  useHere,
} from "./common.tsx";
import { abbreviate, localFields, localMoment, recoveryPointAt } from "./dr-logic.ts";
import type { SnapshotRecord } from "./responses.ts";

const texts = defineMessages({
  zh: {
    title: "快照",
    intro: "本系统已登记的快照（由备份代理或平台备份任务生成），按时间从新到旧排列。",
    caption: "本系统的快照",
    empty: "尚未登记任何快照。备份代理完成一次备份后，快照会出现在这里。",
    time: "时间",
    type: "类型",
    host: "主机",
    sources: "数据源",
    files: "文件数",
    fileCount: (n: string) => `${n} 个文件`,
    bytes: "数据量",
    newBytes: "新增数据",
    merkle: "Merkle 根",
    pitTitle: "按时间点查找恢复点",
    pitIntro:
      "选择一个时间点，查找当时有效的恢复点，即该时间点及之前最新的快照。发起演练时，平台将使用其中已复制到异地灾备库的最新快照。",
    find: "查找恢复点",
    finding: "正在查找…",
    badMoment: "请填写完整有效的日期和时间。",
    found: (time: string) => `该时间点的恢复点是 ${time} 的快照：`,
    notFound: "该时间点及之前没有快照，无法恢复到该时间点。请选择更晚的时间。",
    picked: "所选时间点的恢复点",
    drill: "演练恢复到此时间点",
    view: "查看",
    viewLabel: (id: string) => `查看快照 ${id}`,
    detailTitle: (id: string) => `快照 ${id}`,
    snapshotId: "快照编号",
    startedAt: "开始读取",
    parent: "父快照",
    suite: "加密套件",
    repository: "存储库",
    repositoryId: "存储库编号",
    dirs: "目录数",
    readBytes: "读取数据",
    newBlobs: "新增数据块",
    vanished: "备份时已消失的文件",
    registeredAt: "登记时间",
    registeredBy: "登记者（备份代理密钥）",
  },
  en: {
    title: "Snapshots",
    intro:
      "The snapshots recorded for this system (by backup agents or the platform's backup jobs), newest first.",
    caption: "Snapshots of this system",
    empty: "No snapshot is recorded yet. Once a backup agent completes a backup, its snapshot shows here.",
    time: "Time",
    type: "Type",
    host: "Host",
    sources: "Sources",
    files: "Files",
    fileCount: (n: string) => `${n} files`,
    bytes: "Size",
    newBytes: "New data",
    merkle: "Merkle root",
    pitTitle: "Find the recovery point at a point in time",
    pitIntro:
      "Choose a moment to find the recovery point in force then: the newest snapshot at or before it. A drill uses the newest of these that has reached the DR vault.",
    find: "Find recovery point",
    finding: "Searching…",
    badMoment: "Enter a complete, valid date and time.",
    found: (time: string) => `The recovery point at that time is the snapshot of ${time}:`,
    notFound:
      "There is no snapshot at or before that time, so nothing can be recovered to it. Choose a later time.",
    picked: "Recovery point at the chosen time",
    drill: "Run a drill to this point",
    view: "View",
    viewLabel: (id: string) => `View snapshot ${id}`,
    detailTitle: (id: string) => `Snapshot ${id}`,
    snapshotId: "Snapshot id",
    startedAt: "Started reading",
    parent: "Parent snapshot",
    suite: "Crypto suite",
    repository: "Repository",
    repositoryId: "Repository id",
    dirs: "Directories",
    readBytes: "Data read",
    newBlobs: "New chunks",
    vanished: "Files gone during the backup",
    registeredAt: "Recorded",
    registeredBy: "Recorded by (agent key)",
  },
});

/** The snapshot list, paged by hand so that the picker can load pages until it finds its point. */
function useSnapshotPages(systemId: string) {
  const [items, setItems] = useState<SnapshotRecord[]>([]);
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const state = useRef<{
    items: SnapshotRecord[];
    cursor?: string;
    done: boolean;
    /** Bumped by a reload: an answer for an older generation is dropped. */
    generation: number;
    /** The page being fetched: a second call waits for it instead of fetching the same page again. */
    inflight?: Promise<void>;
  }>({ items: [], done: false, generation: 0 });
  const loadNext = useCallback((): Promise<void> => {
    const current = state.current;
    if (current.inflight) return current.inflight;
    const run = (async () => {
      setLoading(true);
      try {
        const page = await api.get("/systems/{systemId}/snapshots", {
          path: { systemId },
          query: { cursor: current.cursor },
        });
        if (state.current !== current) return;
        state.current = {
          items: [...current.items, ...page.items],
          cursor: page.nextCursor,
          done: page.nextCursor === undefined,
          generation: current.generation,
        };
        setItems(state.current.items);
        setError(undefined);
      } catch (failure) {
        if (state.current === current) {
          current.inflight = undefined;
          setError(failure);
        }
        throw failure;
      } finally {
        if (state.current.generation === current.generation) setLoading(false);
      }
    })();
    current.inflight = run;
    return run;
  }, [systemId]);
  const reload = useCallback(() => {
    state.current = { items: [], done: false, generation: state.current.generation + 1 };
    setItems([]);
    void loadNext().catch(() => undefined);
  }, [loadNext]);
  useEffect(reload, [reload]);
  return { items, error, loading, state, loadNext, reload, hasMore: !state.current.done };
}

function SnapshotDetail(props: { systemId: string; snapshotId: string }) {
  const t = texts.use();
  const c = common.use();
  const format = useFormat();
  const here = useHere();
  const snapshot = useLoad(
    () =>
      api.get("/systems/{systemId}/snapshots/{snapshotId}", {
        path: { systemId: props.systemId, snapshotId: props.snapshotId },
      }),
    [props.systemId, props.snapshotId],
  );
  const s = snapshot.data;
  return (
    <Section
      title={t.detailTitle(props.snapshotId)}
      actions={
        <a class="button button-secondary" href={here.href()}>
          {c.back}
        </a>
      }
    >
      <ErrorNotice error={snapshot.error} onRetry={snapshot.reload} />
      {!s ? (
        snapshot.error ? null : (
          <Loading label={c.loading} />
        )
      ) : (
        <dl class="facts">
          <dt>{t.snapshotId}</dt>
          <dd>
            <code>{s.snapshotId}</code>
          </dd>
          <dt>{t.time}</dt>
          <dd>{format.dateTime(s.time)}</dd>
          <dt>{t.startedAt}</dt>
          <dd>{format.dateTime(s.startedAt)}</dd>
          <dt>{t.type}</dt>
          <dd>{backupTypeLabel(c, s.type)}</dd>
          <dt>{t.parent}</dt>
          <dd>
            {s.parent ? (
              <a href={here.href({ snapshot: s.parent })}>
                <code>{s.parent}</code>
              </a>
            ) : (
              c.none
            )}
          </dd>
          <dt>{t.host}</dt>
          <dd>{s.hostname}</dd>
          <dt>{t.sources}</dt>
          <dd>
            <ul class="dr-plain-list">
              {s.sources.map((source) => (
                <li key={source}>
                  <code>{source}</code>
                </li>
              ))}
            </ul>
          </dd>
          <dt>{t.suite}</dt>
          <dd>
            <code>{s.suite}</code>
          </dd>
          <dt>{t.merkle}</dt>
          <dd>
            <code>{s.merkleRoot}</code>
          </dd>
          <dt>{t.repository}</dt>
          <dd>
            <code>{s.repository}</code>
          </dd>
          <dt>{t.repositoryId}</dt>
          <dd>
            <code>{s.repositoryId}</code>
          </dd>
          <dt>{t.files}</dt>
          <dd>{format.number(s.stats.files)}</dd>
          <dt>{t.dirs}</dt>
          <dd>{format.number(s.stats.dirs)}</dd>
          <dt>{t.bytes}</dt>
          <dd>{format.bytes(s.stats.bytes)}</dd>
          <dt>{t.readBytes}</dt>
          <dd>{format.bytes(s.stats.readBytes)}</dd>
          <dt>{t.newBlobs}</dt>
          <dd>{format.number(s.stats.newBlobs)}</dd>
          <dt>{t.newBytes}</dt>
          <dd>{format.bytes(s.stats.newBytes)}</dd>
          {s.stats.vanished !== undefined ? (
            <>
              <dt>{t.vanished}</dt>
              <dd>{format.number(s.stats.vanished)}</dd>
            </>
          ) : null}
          <dt>{t.registeredAt}</dt>
          <dd>{format.dateTime(s.registeredAt)}</dd>
          <dt>{t.registeredBy}</dt>
          <dd>
            <code>{s.registeredBy}</code>
          </dd>
        </dl>
      )}
    </Section>
  );
}

export function SnapshotsTab(props: DrTabProps) {
  const here = useHere();
  const detailId = here.query.snapshot;
  if (detailId) return <SnapshotDetail systemId={props.system.systemId} snapshotId={detailId} />;
  return <SnapshotList {...props} />;
}

function SnapshotList(props: DrTabProps) {
  const t = texts.use();
  const c = common.use();
  const format = useFormat();
  const here = useHere();
  const session = useSession();
  const { systemId } = props.system;
  const pages = useSnapshotPages(systemId);
  const initial = localFields(new Date());
  const [date, setDate] = useState(initial.date);
  const [time, setTime] = useState(initial.time);
  const [badMoment, setBadMoment] = useState(false);
  const [finding, setFinding] = useState(false);
  const [findError, setFindError] = useState<unknown>();
  const [result, setResult] = useState<{ at: Date; snapshot?: SnapshotRecord } | undefined>();
  const mayDrill = can("POST /systems/{systemId}/drills", session);

  const picked = result?.snapshot?.snapshotId;
  useEffect(() => {
    if (picked) document.getElementById(`snapshot-${picked}`)?.scrollIntoView({ block: "nearest" });
  }, [picked]);

  const find = async () => {
    const at = localMoment(date, time);
    setBadMoment(!at);
    if (!at) return;
    setFinding(true);
    setFindError(undefined);
    try {
      for (;;) {
        const answer = recoveryPointAt(pages.state.current.items, at, !pages.state.current.done);
        if (answer.kind === "found") {
          setResult({ at, snapshot: answer.snapshot });
          break;
        }
        if (answer.kind === "none") {
          setResult({ at });
          break;
        }
        await pages.loadNext();
      }
    } catch (error) {
      setFindError(error);
    } finally {
      setFinding(false);
    }
  };

  return (
    <>
      <Section title={t.pitTitle}>
        <p class="dr-intro">{t.pitIntro}</p>
        <form
          class="dr-inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            void find();
          }}
        >
          <TextField type="date" label={c.date} value={date} onValue={setDate} required />
          <TimeField
            label={c.time}
            value={time}
            onValue={setTime}
            hint={timeZoneHint(c)}
            error={badMoment ? t.badMoment : undefined}
          />
          <div class="dr-inline-action">
            <Button type="submit" variant="primary" busy={finding}>
              {finding ? t.finding : t.find}
            </Button>
          </div>
        </form>
        <ErrorNotice error={findError} />
        {result ? (
          result.snapshot ? (
            <div class="notice notice-ok dr-found" role="status" data-testid="recovery-point">
              <p>{t.found(format.dateTime(result.snapshot.time))}</p>
              <p>
                <code>{result.snapshot.snapshotId}</code> · {backupTypeLabel(c, result.snapshot.type)} ·{" "}
                {result.snapshot.hostname} · {t.fileCount(format.number(result.snapshot.stats.files))} ·{" "}
                {format.bytes(result.snapshot.stats.bytes)}
              </p>
              <div class="dr-actions">
                <a class="button button-secondary" href={here.href({ snapshot: result.snapshot.snapshotId })}>
                  {c.details}
                </a>
                {mayDrill ? (
                  <a
                    class="button button-primary"
                    href={here.tab("drills", { pointInTime: result.at.toISOString() })}
                  >
                    {t.drill}
                  </a>
                ) : null}
              </div>
            </div>
          ) : (
            <Notice tone="warn">{t.notFound}</Notice>
          )
        ) : null}
      </Section>
      <Section
        title={t.title}
        actions={
          <Button onClick={pages.reload} busy={pages.loading}>
            {c.refresh}
          </Button>
        }
      >
        <p class="dr-intro">{t.intro}</p>
        <ErrorNotice error={pages.error} onRetry={pages.reload} />
        <DrTable
          caption={t.caption}
          captionHidden
          rows={pages.items}
          rowKey={(s) => s.snapshotId}
          empty={pages.loading ? c.loading : t.empty}
          columns={[
            {
              key: "time",
              header: t.time,
              cell: (s) => (
                <span
                  id={`snapshot-${s.snapshotId}`}
                  class={s.snapshotId === picked ? "dr-picked" : undefined}
                >
                  {format.dateTime(s.time)}
                  {s.snapshotId === picked ? (
                    <span class="dr-picked-badge">
                      <Badge tone="info">{t.picked}</Badge>
                    </span>
                  ) : null}
                </span>
              ),
            },
            { key: "id", header: t.snapshotId, cell: (s) => <code>{s.snapshotId}</code> },
            { key: "type", header: t.type, cell: (s) => backupTypeLabel(c, s.type) },
            { key: "host", header: t.host, cell: (s) => s.hostname },
            {
              key: "sources",
              header: t.sources,
              cell: (s) => <span class="dr-sources">{s.sources.join(", ")}</span>,
            },
            { key: "files", header: t.files, numeric: true, cell: (s) => format.number(s.stats.files) },
            { key: "bytes", header: t.bytes, numeric: true, cell: (s) => format.bytes(s.stats.bytes) },
            {
              key: "newBytes",
              header: t.newBytes,
              numeric: true,
              cell: (s) => format.bytes(s.stats.newBytes),
            },
            {
              key: "merkle",
              header: t.merkle,
              cell: (s) => (
                <code title={s.merkleRoot} class="dr-nowrap">
                  {abbreviate(s.merkleRoot)}
                </code>
              ),
            },
            {
              key: "view",
              header: <span class="visually-hidden">{c.details}</span>,
              cell: (s) => (
                <a href={here.href({ snapshot: s.snapshotId })} aria-label={t.viewLabel(s.snapshotId)}>
                  {t.view}
                </a>
              ),
            },
          ]}
        />
        <MoreButton
          hasMore={pages.hasMore}
          loading={pages.loading}
          onMore={() => void pages.loadNext().catch(() => undefined)}
        />
      </Section>
    </>
  );
}
