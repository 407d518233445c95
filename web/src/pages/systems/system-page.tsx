import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { isApiError } from "../../api/api-error.ts";
import { api } from "../../api/client.ts";
import { useLocale } from "../../i18n/locale.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { can, useSession } from "../../session/session.ts";
import { Loading } from "../../ui/controls.tsx";
import { ErrorNotice, Notice } from "../../ui/notice.tsx";
import { TabLinks } from "../../ui/tabs.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { allSystemTabs } from "../system-tabs.ts";
import { ComplianceBadges, classText, PolicyBadge, shared, TargetValue } from "./parts.tsx";
import { systemTargets } from "./system-model.ts";

const texts = defineMessages({
  zh: {
    tabs: "系统页面",
    back: "返回业务系统列表",
    noSuchTitle: "本单位没有这个业务系统",
    noSuchText: (id: string) =>
      `找不到编号为 ${id} 的业务系统：它可能已被删除、编号有误，或属于其他单位。您只能查看本单位的业务系统。`,
    noSuchTab: "这个页面没有该标签，或您的角色不能查看。请从上方选择一个标签。",
    onboarded: (version: string) => `业务系统已登记，灾备策略 v${version} 已生效。`,
    agreed: "（三方约定）",
  },
  en: {
    tabs: "System page",
    back: "Back to the systems",
    noSuchTitle: "No such system in your unit",
    noSuchText: (id: string) =>
      `There is no system ${id}: it may have been removed, the id may be wrong, or it belongs to another unit. You can only see your own unit's systems.`,
    noSuchTab: "This page has no such tab, or your role cannot see it. Choose a tab above.",
    onboarded: (version: string) => `The system is registered and DR policy v${version} is in force.`,
    agreed: " (agreed)",
  },
});

/**
 * A system's page: its header (class, level, targets) and the tabs the user's roles may see, from
 * every group (web/src/pages/system-tabs.ts); each tab gets `{ system, reload }`. Another unit's
 * system, or one that does not exist, is "no such system in your unit" and nothing else.
 */
export function SystemPage(props: { systemId: string; tab?: string }) {
  const t = texts.use();
  const s = shared.use();
  const locale = useLocale();
  const session = useSession();
  const location = useLocation();
  const loaded = useLoad(
    () => api.get("/systems/{systemId}", { path: { systemId: props.systemId } }),
    [props.systemId],
  );
  const system = loaded.data?.systemId === props.systemId ? loaded.data : undefined;
  const tabs = allSystemTabs.filter((tab) => can(tab.operation, session));
  const tabId = props.tab ?? "overview";
  const current = tabs.find((tab) => tab.id === tabId) ?? (props.tab ? undefined : tabs[0]);
  const missing =
    isApiError(loaded.error) &&
    (loaded.error.code === "NOT_FOUND" ||
      (loaded.error.code === "VALIDATION_FAILED" &&
        loaded.error.fieldErrors.some((f) => f.path === "systemId")));

  useEffect(() => {
    if (system) document.title = `${system.name} · govdr`;
  }, [system?.name]);

  if (missing && !system) {
    return (
      <section class="page" data-testid="no-such-system">
        <h1>{t.noSuchTitle}</h1>
        <p>{t.noSuchText(props.systemId)}</p>
        <a href="/systems">{t.back}</a>
      </section>
    );
  }
  if (!system) {
    return (
      <section class="page">
        {loaded.error ? (
          <>
            <h1>{t.tabs}</h1>
            <ErrorNotice error={loaded.error} onRetry={loaded.reload} />
          </>
        ) : (
          <Loading label={s.loading} />
        )}
      </section>
    );
  }

  const targets = systemTargets(system);
  const Tab = current?.component;
  const onboarded = location.query.onboarded;
  return (
    <section class="page system-page">
      <p class="breadcrumb">
        <a href="/systems">{t.back}</a>
      </p>
      <header class="system-header">
        <div class="system-title">
          <h1>{system.name}</h1>
          <PolicyBadge version={system.policyVersion} />
          <ComplianceBadges findings={system.drLevelFindings} />
        </div>
        <dl class="system-facts">
          <div>
            <dt>{s.importanceClass}</dt>
            <dd>{classText(system.importanceClass, locale)}</dd>
          </div>
          <div>
            <dt>{s.drLevel}</dt>
            <dd>{s.levelN(system.drLevel)}</dd>
          </div>
          <div>
            <dt>RTO</dt>
            <dd>
              <TargetValue target={targets.required.rto} />
              {system.targetOverride?.rtoSeconds !== undefined ? t.agreed : null}
            </dd>
          </div>
          <div>
            <dt>RPO</dt>
            <dd>
              <TargetValue target={targets.required.rpo} />
              {system.targetOverride?.rpoSeconds !== undefined ? t.agreed : null}
            </dd>
          </div>
        </dl>
      </header>
      {onboarded ? <Notice tone="ok">{t.onboarded(onboarded)}</Notice> : null}
      <TabLinks
        label={t.tabs}
        tabs={tabs.map((tab) => ({
          href: `/systems/${system.systemId}/${tab.id}`,
          label: tab.title[locale],
          current: tab === current,
        }))}
      />
      {Tab ? <Tab system={system} reload={loaded.reload} /> : <Notice tone="warn">{t.noSuchTab}</Notice>}
    </section>
  );
}
