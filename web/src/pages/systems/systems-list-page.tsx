import { api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { can, useSession } from "../../session/session.ts";
import { Loading } from "../../ui/controls.tsx";
import { ErrorNotice } from "../../ui/notice.tsx";
import { DataTable } from "../../ui/table.tsx";
import { usePaged } from "../../ui/use-load.ts";
import { ComplianceBadges, classText, MoreButton, PolicyBadge, shared, TargetValue } from "./parts.tsx";
import type { SystemView } from "./responses.ts";
import { systemTargets } from "./system-model.ts";

const texts = defineMessages({
  zh: {
    title: "业务系统",
    intro: "本单位登记的受保护业务系统：重要等级、灾难恢复能力等级、灾备指标、灾备策略和合规情况。",
    register: "登记业务系统",
    caption: "本单位的业务系统",
    name: "系统名称",
    policy: "灾备策略",
    compliance: "合规情况",
    emptyTitle: "还没有登记业务系统",
    emptyText: "登记第一个业务系统：填写系统信息，按附录A、附录B定级，再设置灾备策略。",
    emptyStart: "开始登记",
    emptyReadOnly: "请联系本单位管理员登记业务系统。",
    agreedMark: "（约定）",
  },
  en: {
    title: "Systems",
    intro: "The unit's protected systems: importance class, DR level, targets, DR policy and compliance.",
    register: "Register a system",
    caption: "The unit's systems",
    name: "System",
    policy: "DR policy",
    compliance: "Compliance",
    emptyTitle: "No system registered yet",
    emptyText:
      "Register the first system: describe it, grade it with the App. A and App. B tables, then set its DR policy.",
    emptyStart: "Start",
    emptyReadOnly: "Ask your unit's administrator to register the systems.",
    agreedMark: " (agreed)",
  },
});

export function SystemsListPage() {
  const t = texts.use();
  const s = shared.use();
  const locale = useLocale();
  const session = useSession();
  const mayRegister = can("POST /systems", session);
  const list = usePaged((cursor) => api.get("/systems", { query: { cursor, limit: 25 } }), []);
  const empty = !list.loading && !list.error && list.items.length === 0;

  return (
    <section class="page systems-page">
      <header class="page-header">
        <div>
          <h1>{t.title}</h1>
          <p>{t.intro}</p>
        </div>
        {mayRegister && !empty ? (
          <a class="button button-primary" href="/onboarding">
            {t.register}
          </a>
        ) : null}
      </header>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {empty ? (
        <section class="section empty-state" data-testid="systems-empty">
          <h2>{t.emptyTitle}</h2>
          {mayRegister ? (
            <>
              <p>{t.emptyText}</p>
              <a class="button button-primary" href="/onboarding">
                {t.emptyStart}
              </a>
            </>
          ) : (
            <p>{t.emptyReadOnly}</p>
          )}
        </section>
      ) : list.loading && list.items.length === 0 ? (
        <Loading label={s.loading} />
      ) : (
        <>
          <DataTable<SystemView>
            caption={t.caption}
            captionHidden
            rowKey={(system) => system.systemId}
            rows={list.items}
            empty={t.emptyTitle}
            columns={[
              {
                key: "name",
                header: t.name,
                cell: (system) => <a href={`/systems/${system.systemId}/overview`}>{system.name}</a>,
              },
              {
                key: "class",
                header: s.importanceClass,
                cell: (system) => <span class="nowrap">{classText(system.importanceClass, locale)}</span>,
              },
              {
                key: "level",
                header: s.drLevel,
                cell: (system) => <span class="nowrap">{s.levelN(system.drLevel)}</span>,
              },
              {
                key: "rto",
                header: "RTO",
                cell: (system) => <Targets system={system} which="rto" mark={t.agreedMark} />,
              },
              {
                key: "rpo",
                header: "RPO",
                cell: (system) => <Targets system={system} which="rpo" mark={t.agreedMark} />,
              },
              {
                key: "policy",
                header: t.policy,
                cell: (system) => <PolicyBadge version={system.policyVersion} />,
              },
              {
                key: "compliance",
                header: t.compliance,
                cell: (system) => <ComplianceBadges findings={system.drLevelFindings} />,
              },
            ]}
          />
          <MoreButton hasMore={list.hasMore} loading={list.loading} onMore={list.more} />
        </>
      )}
    </section>
  );
}

function Targets(props: { system: SystemView; which: "rto" | "rpo"; mark: string }) {
  const { required } = systemTargets(props.system);
  const agreed =
    props.which === "rto"
      ? props.system.targetOverride?.rtoSeconds !== undefined
      : props.system.targetOverride?.rpoSeconds !== undefined;
  return (
    <span class="nowrap">
      <TargetValue target={required[props.which]} />
      {agreed ? props.mark : null}
    </span>
  );
}
