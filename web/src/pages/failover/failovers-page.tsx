import { useState } from "preact/hooks";
import { isApiError } from "../../api/api-error.ts";
import { api } from "../../api/client.ts";
import { useFormat } from "../../i18n/format.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { can, useSession } from "../../session/session.ts";
import { Button, CheckboxField, TextAreaField } from "../../ui/controls.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { ErrorNotice, Notice } from "../../ui/notice.tsx";
import { Section } from "../../ui/tabs.tsx";
import { usePaged, usePoll } from "../../ui/use-load.ts";
import { common, DrTable, MoreButton } from "../dr/common.tsx";
import type { SystemView } from "../systems/responses.ts";
import { KindLabel, SwitchStatusBadge, words } from "./common.tsx";
import { isEnded, plannedWaves, reasonBody, systemsOf } from "./failover-logic.ts";
import type { Switchover } from "./responses.ts";

const texts = defineMessages({
  zh: {
    title: "切换与回切",
    intro:
      "本单位业务系统的切换（主站点 → 灾备站点）和回切记录。单个系统的切换在该系统页面的“切换”标签中发起；多个系统可在此一并切换。",
    planTitle: "多个系统一并切换",
    planIntro: "选择要切换的系统，平台按恢复优先级和依赖关系分批（被依赖的系统先切换），经审批后逐批执行。",
    systems: "要切换的系统",
    noSystems: "本单位尚无业务系统。",
    priority: (n: number) => `恢复优先级 ${n}`,
    reason: "原因（选填，写入报告）",
    start: "发起切换",
    pickOne: "请至少选择一个系统。",
    confirmTitle: "确认多个系统一并切换",
    confirmText: (n: number) => `将所选 ${n} 个系统切换到灾备站点？切换经审批后按批次执行。`,
    confirm: "确认发起",
    cancel: "取消",
    plannedTitle: (id: string) => `已发起切换 ${id}，计划批次如下：`,
    planned: (n: number) => `第 ${n} 批`,
    follow: "查看进度并审批",
    listTitle: "切换记录",
    caption: "本单位的切换与回切",
    empty: "尚无切换记录。",
    started: "开始时间",
    kind: "类型",
    status: "状态",
    phase: "阶段",
    involved: "涉及系统",
    rto: "实际 RTO",
    view: (id: string) => `查看切换 ${id}`,
    refresh: "刷新",
  },
  en: {
    title: "Failovers and failbacks",
    intro:
      "Your unit's failovers (primary → DR site) and failbacks. Fail one system over from its Failover tab; fail several over together here.",
    planTitle: "Fail several systems over",
    planIntro:
      "Choose the systems: the platform plans the waves from their recovery priority and dependencies (what others depend on goes first), and runs them wave by wave once approved.",
    systems: "Systems to fail over",
    noSystems: "Your unit has no systems yet.",
    priority: (n: number) => `recovery priority ${n}`,
    reason: "Reason (optional, in the report)",
    start: "Start failover",
    pickOne: "Choose at least one system.",
    confirmTitle: "Fail several systems over",
    confirmText: (n: number) =>
      `Fail the ${n} systems chosen over to their DR sites? It runs wave by wave once approved.`,
    confirm: "Start",
    cancel: "Cancel",
    plannedTitle: (id: string) => `Failover ${id} started; its planned waves:`,
    planned: (n: number) => `Wave ${n}`,
    follow: "Follow it and approve",
    listTitle: "Switchovers",
    caption: "Failovers and failbacks of your unit",
    empty: "No switchover yet.",
    started: "Started",
    kind: "Kind",
    status: "Status",
    phase: "Phase",
    involved: "Systems",
    rto: "Achieved RTO",
    view: (id: string) => `View switchover ${id}`,
    refresh: "Refresh",
  },
});

function PlanForm(props: { onStarted: () => void }) {
  const t = texts.use();
  const systems = usePaged<SystemView>((cursor) => api.get("/systems", { query: { cursor } }), []);
  const [chosen, setChosen] = useState<string[]>([]);
  const [reason, setReason] = useState("");
  const [asking, setAsking] = useState(false);
  const [pickOne, setPickOne] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [started, setStarted] = useState<Switchover | undefined>();
  const toggle = (systemId: string, on: boolean) =>
    setChosen((list) => (on ? [...list, systemId] : list.filter((id) => id !== systemId)));
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const switchover = await api.post("/failovers", { body: { systems: chosen, ...reasonBody(reason) } });
      setStarted(switchover);
      setChosen([]);
      setReason("");
      props.onStarted();
    } catch (failure) {
      setError(failure);
    } finally {
      setAsking(false);
      setBusy(false);
    }
  };
  return (
    <Section title={t.planTitle}>
      <p class="dr-intro">{t.planIntro}</p>
      {started ? (
        <div class="notice notice-ok" role="status" data-testid="planned-waves">
          <p class="notice-title">{t.plannedTitle(started.switchId)}</p>
          <ol>
            {plannedWaves(started).map((wave, index) => (
              <li key={index}>
                {t.planned(index + 1)}: {wave.map((s) => s.name).join("、")}
              </li>
            ))}
          </ol>
          <a class="button button-primary" href={`/failovers/${started.switchId}`}>
            {t.follow}
          </a>
        </div>
      ) : null}
      <form
        class="form form-wide"
        onSubmit={(event) => {
          event.preventDefault();
          setPickOne(chosen.length === 0);
          if (chosen.length > 0) setAsking(true);
        }}
      >
        <fieldset>
          <legend>{t.systems}</legend>
          <ErrorNotice error={systems.error} onRetry={systems.reload} />
          {systems.items.length === 0 && !systems.loading ? <p>{t.noSystems}</p> : null}
          <div class="fo-choices">
            {systems.items.map((system) => (
              <CheckboxField
                key={system.systemId}
                label={`${system.name} (${t.priority(system.recoveryPriority)})`}
                checked={chosen.includes(system.systemId)}
                onChecked={(on) => toggle(system.systemId, on)}
              />
            ))}
          </div>
          <MoreButton hasMore={systems.hasMore} loading={systems.loading} onMore={systems.more} />
          {pickOne ? <p class="field-error">{t.pickOne}</p> : null}
        </fieldset>
        <div class="dr-narrow fo-reason">
          <TextAreaField
            label={t.reason}
            rows={2}
            value={reason}
            onValue={setReason}
            error={isApiError(error) ? error.fieldError("reason") : undefined}
          />
        </div>
        <ErrorNotice error={error} />
        <div>
          <Button type="submit" variant="danger">
            {t.start}
          </Button>
        </div>
      </form>
      <Dialog title={t.confirmTitle} open={asking} onClose={() => setAsking(false)}>
        <p>{t.confirmText(chosen.length)}</p>
        <div class="dialog-actions">
          <Button variant="danger" busy={busy} onClick={() => void submit()}>
            {t.confirm}
          </Button>
          <Button onClick={() => setAsking(false)}>{t.cancel}</Button>
        </div>
      </Dialog>
    </Section>
  );
}

/** The unit's switchovers (/failovers), newest first, and a failover of several systems at once. */
export function FailoversPage() {
  const t = texts.use();
  const w = words.use();
  const c = common.use();
  const format = useFormat();
  const session = useSession();
  const list = usePaged<Switchover>((cursor) => api.get("/failovers", { query: { cursor } }), []);
  usePoll(
    list.reload,
    list.items.some((s) => !isEnded(s)),
    3000,
  );
  return (
    <section class="page fo-page">
      <h1>{t.title}</h1>
      <p class="dr-intro">{t.intro}</p>
      {can("POST /failovers", session) ? <PlanForm onStarted={list.reload} /> : null}
      <Section
        title={t.listTitle}
        actions={
          <Button onClick={list.reload} busy={list.loading}>
            {t.refresh}
          </Button>
        }
      >
        <ErrorNotice error={list.error} onRetry={list.reload} />
        <DrTable
          caption={t.caption}
          captionHidden
          rows={list.items}
          rowKey={(s) => s.switchId}
          empty={list.loading ? c.loading : t.empty}
          columns={[
            {
              key: "started",
              header: t.started,
              cell: (s) => (
                <a href={`/failovers/${s.switchId}`} aria-label={t.view(s.switchId)}>
                  {format.dateTime(s.startedAt)}
                </a>
              ),
            },
            { key: "kind", header: t.kind, cell: (s) => <KindLabel kind={s.kind} /> },
            { key: "status", header: t.status, cell: (s) => <SwitchStatusBadge status={s.status} /> },
            { key: "phase", header: t.phase, cell: (s) => w.phase[s.phase] },
            {
              key: "systems",
              header: t.involved,
              cell: (s) => (
                <span class="dr-wrap">
                  {systemsOf(s)
                    .map((system) => system.name)
                    .join("、")}
                </span>
              ),
            },
            {
              key: "rto",
              header: t.rto,
              numeric: true,
              cell: (s) => format.duration(s.achieved?.rtoSeconds),
            },
          ]}
        />
        <MoreButton hasMore={list.hasMore} loading={list.loading} onMore={list.more} />
      </Section>
      {list.items.length === 0 && !list.loading && !can("POST /failovers", session) ? (
        <Notice tone="info">{t.empty}</Notice>
      ) : null}
    </section>
  );
}
