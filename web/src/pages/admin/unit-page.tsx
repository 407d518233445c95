import { useEffect, useState } from "preact/hooks";
import { type SiteRuleSet, siteRuleSets } from "../../../../shared/policies/site-rules.ts";
import type { Tenant } from "../../../../shared/tenants/tenant.ts";
import { isApiError } from "../../api/api-error.ts";
import { api } from "../../api/client.ts";
import { useFormat } from "../../i18n/format.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { can, isPlatformUser, useSession } from "../../session/session.ts";
import { Badge, Button, Loading } from "../../ui/controls.tsx";
import { ErrorNotice, Notice } from "../../ui/notice.tsx";
import { Section } from "../../ui/tabs.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { ConfirmDialog } from "./admin-ui.tsx";
import { ipTexts, tenantStatusTexts, tenantStatusTone } from "./tenant-texts.ts";

const texts = defineMessages({
  zh: {
    title: "本单位",
    intro: "本单位在平台上的登记信息、配额和安全设置。",
    platformOnly: "这个页面供各单位的用户使用。平台工作人员请在「单位管理」中查看各单位。",
    toUnits: "前往单位管理",
    loading: "正在加载本单位信息…",
    facts: "基本信息",
    name: "单位名称",
    tenantId: "单位编号",
    creditCode: "统一社会信用代码",
    status: "状态",
    registered: "注册时间",
    quotas: "配额",
    storage: "存储空间",
    systems: "业务系统数",
    gib: (n: string) => `${n} GiB`,
    systemsN: (n: string) => `最多 ${n} 个`,
    contact: "联系人",
    siteRules: "灾备中心距离规则",
    siteRulesIntro:
      "本单位灾备策略中的灾备中心距离按所选规则校验（各文件要求不一致，由单位自行选择适用的规则）。",
    sameCity: (km: number) => `同城灾备：与生产中心相距不超过 ${km} 公里`,
    remote: (km: number, inclusive: boolean) =>
      `异地灾备：与生产中心相距${inclusive ? "不少于" : "超过"} ${km} 公里`,
    sep: "；",
    siteSave: "保存距离规则",
    siteSaved: "已保存距离规则，之后提交和校验的灾备策略按新规则检查。",
    siteReadOnly: "只有单位管理员可以修改。",
    stale: "本单位的设置刚被他人修改。您的选择仍保留，可以载入最新版本后再保存。",
    reload: "载入最新版本（保留我的选择）",
    current: "当前规则",
    ipReadOnly: "IP 白名单由平台安全管理员设置，如需调整请联系平台。",
    exitTitle: "退出服务",
    exitIntro: "如果本单位不再使用灾备服务，可以申请退出。请先阅读以下后果：",
    exit1: "提交后本单位状态变为「退出中」，本单位所有用户（包括您）将不能再登录控制台。",
    exit2: "平台给予至少一个月的数据导出期，用于迁移或下载本单位的数据。",
    exit3: "导出期满后，平台删除本单位的专属加密密钥：全部数据和备份将永久无法恢复。",
    exit4: "退出不能撤销；如需再次使用，须重新注册。",
    exitButton: "申请退出服务",
    exitConfirmTitle: "确认退出服务",
    exitConfirm: "确认退出",
    exiting: "本单位正在办理退出。",
    exitRequested: (when: string) => `退出申请时间：${when}`,
    keyDeletion: (when: string) => `密钥计划删除时间：${when}（此后数据无法恢复）`,
  },
  en: {
    title: "My unit",
    intro: "Your unit's registration, quotas and security settings on the platform.",
    platformOnly: "This page is for the units' users. Platform staff see every unit under “Units”.",
    toUnits: "Go to Units",
    loading: "Loading your unit…",
    facts: "Registration",
    name: "Name",
    tenantId: "Unit id",
    creditCode: "Unified social credit code",
    status: "Status",
    registered: "Registered",
    quotas: "Quotas",
    storage: "Storage",
    systems: "Systems",
    gib: (n: string) => `${n} GiB`,
    systemsN: (n: string) => `up to ${n}`,
    contact: "Contact",
    siteRules: "DR-site distance rules",
    siteRulesIntro:
      "The distance between production and DR sites in your unit's policies is checked against the rules chosen here (the documents differ, so the unit chooses which applies).",
    sameCity: (km: number) => `Same-city DR: at most ${km} km from the production site`,
    remote: (km: number, inclusive: boolean) =>
      `Remote DR: ${inclusive ? "at least" : "more than"} ${km} km from the production site`,
    sep: "; ",
    siteSave: "Save distance rules",
    siteSaved: "The distance rules were saved; policies are checked against them from now on.",
    siteReadOnly: "Only the unit's administrator can change them.",
    stale:
      "Someone changed your unit's settings meanwhile. Your choice is kept: load the latest version and save again.",
    reload: "Load the latest version (keep my choice)",
    current: "Current",
    ipReadOnly:
      "The platform's security administrator sets the IP allow-list; ask the platform to change it.",
    exitTitle: "Exit the service",
    exitIntro: "If your unit no longer uses the DR service, it can exit. Read the consequences first:",
    exit1:
      "Your unit becomes “exiting” and none of its users (you included) can sign in to the console any more.",
    exit2: "The platform gives at least one month to migrate or download your unit's data.",
    exit3:
      "After that window, the platform deletes your unit's encryption key: all its data and backups become unrecoverable.",
    exit4: "An exit cannot be undone; to use the service again, the unit must register again.",
    exitButton: "Request service exit",
    exitConfirmTitle: "Confirm service exit",
    exitConfirm: "Exit the service",
    exiting: "Your unit is exiting the service.",
    exitRequested: (when: string) => `Exit requested: ${when}`,
    keyDeletion: (when: string) => `Key deletion scheduled: ${when} (data unrecoverable afterwards)`,
  },
});

const ruleSetNames = Object.keys(siteRuleSets) as SiteRuleSet[];

function SiteRules(props: { tenant: Tenant; onSaved: (tenant: Tenant) => void }) {
  const t = texts.use();
  const session = useSession();
  const mayEdit = can("PUT /tenants/{tenantId}/site-rules", session);
  const [choice, setChoice] = useState<SiteRuleSet>(props.tenant.siteRuleSet);
  const [version, setVersion] = useState(props.tenant.version);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  useEffect(() => setVersion(props.tenant.version), [props.tenant.version]);
  const stale = isApiError(error) && error.code === "STALE_VERSION";
  return (
    <Section title={t.siteRules}>
      <p class="muted">{t.siteRulesIntro}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setBusy(true);
          setSaved(false);
          setError(undefined);
          api
            .put("/tenants/{tenantId}/site-rules", {
              path: { tenantId: props.tenant.tenantId },
              body: { version, siteRuleSet: choice },
            })
            .then((tenant) => {
              setSaved(true);
              props.onSaved(tenant);
            }, setError)
            .finally(() => setBusy(false));
        }}
      >
        <fieldset>
          <legend class="visually-hidden">{t.siteRules}</legend>
          {ruleSetNames.map((name) => {
            const rule = siteRuleSets[name];
            const id = `site-rule-${name.replace(/[^a-z0-9]/gi, "-")}`;
            return (
              <div class="site-rule-option" key={name}>
                <input
                  type="radio"
                  id={id}
                  name="siteRuleSet"
                  value={name}
                  checked={choice === name}
                  disabled={!mayEdit}
                  aria-describedby={`${id}-rules`}
                  onChange={() => setChoice(name)}
                />
                <label for={id}>
                  {rule.label}{" "}
                  {props.tenant.siteRuleSet === name ? <Badge tone="info">{t.current}</Badge> : null}
                </label>
                <p id={`${id}-rules`}>
                  {t.sameCity(rule.sameCityMaxKm)}
                  {t.sep}
                  {t.remote(rule.remoteMinKm, rule.remoteInclusive)}
                </p>
              </div>
            );
          })}
        </fieldset>
        {saved ? <Notice tone="ok">{t.siteSaved}</Notice> : null}
        <ErrorNotice error={error} />
        {stale ? (
          <>
            <Notice tone="warn">{t.stale}</Notice>
            <Button
              onClick={() =>
                void api
                  .get("/tenants/{tenantId}", { path: { tenantId: props.tenant.tenantId } })
                  .then((fresh) => {
                    setVersion(fresh.version);
                    setError(undefined);
                  }, setError)
              }
            >
              {t.reload}
            </Button>
          </>
        ) : null}
        {mayEdit ? (
          <div class="settings-actions">
            <Button
              type="submit"
              variant="primary"
              busy={busy}
              disabled={choice === props.tenant.siteRuleSet}
            >
              {t.siteSave}
            </Button>
          </div>
        ) : (
          <p class="muted">{t.siteReadOnly}</p>
        )}
      </form>
    </Section>
  );
}

export function UnitPage() {
  const t = texts.use();
  const st = tenantStatusTexts.use();
  const ip = ipTexts.use();
  const format = useFormat();
  const session = useSession();
  const platform = isPlatformUser(session);
  const tenantId = session?.tenantId ?? "";
  const loaded = useLoad(
    () => (platform ? Promise.resolve(undefined) : api.get("/tenants/{tenantId}", { path: { tenantId } })),
    [tenantId],
  );
  const [tenant, setTenant] = useState<Tenant>();
  const [exiting, setExiting] = useState(false);
  useEffect(() => setTenant(loaded.data), [loaded.data]);
  const mayExit = can("POST /tenants/{tenantId}/exit", session);

  if (platform) {
    return (
      <section class="page admin-page">
        <h1>{t.title}</h1>
        <Notice>{t.platformOnly}</Notice>
        <a class="button button-primary" href="/platform/tenants">
          {t.toUnits}
        </a>
      </section>
    );
  }
  if (!tenant) {
    return (
      <section class="page admin-page">
        <h1>{t.title}</h1>
        <ErrorNotice error={loaded.error} onRetry={loaded.reload} />
        {loaded.error ? null : <Loading label={t.loading} />}
      </section>
    );
  }
  return (
    <section class="page admin-page">
      <header class="page-header">
        <div>
          <h1>{t.title}</h1>
          <p>{t.intro}</p>
        </div>
      </header>
      <div class="grid-2">
        <Section title={t.facts}>
          <dl class="facts">
            <dt>{t.name}</dt>
            <dd>{tenant.name}</dd>
            <dt>{t.tenantId}</dt>
            <dd>
              <code>{tenant.tenantId}</code>
            </dd>
            <dt>{t.creditCode}</dt>
            <dd>
              <code>{tenant.unifiedSocialCreditCode}</code>
            </dd>
            <dt>{t.status}</dt>
            <dd>
              <Badge tone={tenantStatusTone(tenant.status)}>{st[tenant.status]}</Badge>
            </dd>
            <dt>{t.registered}</dt>
            <dd>{format.dateTime(tenant.createdAt)}</dd>
            <dt>{t.contact}</dt>
            <dd>
              {tenant.contact.name} · {tenant.contact.email} · {tenant.contact.phone}
            </dd>
          </dl>
        </Section>
        <Section title={t.quotas}>
          <dl class="facts">
            <dt>{t.storage}</dt>
            <dd>{t.gib(format.number(tenant.quotas.storageGiB))}</dd>
            <dt>{t.systems}</dt>
            <dd>{t.systemsN(format.number(tenant.quotas.systems))}</dd>
          </dl>
          <h3>{ip.ipAllowList}</h3>
          <p class="muted">{ip.ipExplain}</p>
          {tenant.ipAllowList.length === 0 ? (
            <p>{ip.ipAny}</p>
          ) : (
            <ul class="ip-list" aria-label={ip.ipAllowList}>
              {tenant.ipAllowList.map((cidr) => (
                <li key={cidr}>{cidr}</li>
              ))}
            </ul>
          )}
          <p class="muted">{t.ipReadOnly}</p>
        </Section>
      </div>
      <SiteRules tenant={tenant} onSaved={setTenant} />
      {tenant.status === "exiting" ? (
        <Section title={t.exitTitle}>
          <Notice tone="warn">
            <p>{t.exiting}</p>
            {tenant.exit ? <p>{t.exitRequested(format.dateTime(tenant.exit.requestedAt))}</p> : null}
            {tenant.exit?.keyDeletionScheduledFor ? (
              <p>{t.keyDeletion(format.dateTime(tenant.exit.keyDeletionScheduledFor))}</p>
            ) : null}
          </Notice>
        </Section>
      ) : mayExit && (tenant.status === "active" || tenant.status === "suspended") ? (
        <Section title={t.exitTitle}>
          <p>{t.exitIntro}</p>
          <ul>
            {[t.exit1, t.exit2, t.exit3, t.exit4].map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <Button variant="danger" onClick={() => setExiting(true)}>
            {t.exitButton}
          </Button>
        </Section>
      ) : null}
      <ConfirmDialog
        open={exiting}
        title={t.exitConfirmTitle}
        confirmLabel={t.exitConfirm}
        variant="danger"
        typeToConfirm={tenant.name}
        onClose={() => setExiting(false)}
        onConfirm={async () => {
          const next = await api.post("/tenants/{tenantId}/exit", { path: { tenantId: tenant.tenantId } });
          setTenant(next);
        }}
      >
        <ul>
          {[t.exit1, t.exit2, t.exit3, t.exit4].map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </ConfirmDialog>
    </section>
  );
}
