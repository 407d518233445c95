import { useState } from "preact/hooks";
import type { Tenant, TenantStatus } from "../../../../shared/tenants/tenant.ts";
import { isApiError } from "../../api/api-error.ts";
import { api } from "../../api/client.ts";
import { useFormat } from "../../i18n/format.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { can, useSession } from "../../session/session.ts";
import { Badge, Button, Loading, TextAreaField, TextField } from "../../ui/controls.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { ErrorNotice, Notice } from "../../ui/notice.tsx";
import { DataTable } from "../../ui/table.tsx";
import { usePaged } from "../../ui/use-load.ts";
import { ipListErrors, ipListOf, type TenantAction, tenantActions, tenantStatuses } from "./admin-logic.ts";
import { ConfirmDialog } from "./admin-ui.tsx";
import { ipTexts, tenantStatusTexts, tenantStatusTone } from "./tenant-texts.ts";

const texts = defineMessages({
  zh: {
    title: "单位管理",
    intro: "按状态查看在平台注册的单位，审核新注册的单位，暂停、恢复服务或办理退出。",
    filter: "按状态查看",
    find: "在已加载的单位中查找",
    findHint: "按单位名称、统一社会信用代码或单位编号筛选。",
    caption: (status: string) => `状态为「${status}」的单位`,
    name: "单位",
    creditCode: "统一社会信用代码",
    contact: "联系人",
    created: "注册时间",
    actions: "操作",
    empty: "没有这个状态的单位。",
    noMatch: "已加载的单位中没有符合条件的。",
    loading: "正在加载单位…",
    more: "加载更多",
    editIp: "设置 IP 白名单",
    approve: "批准",
    reject: "驳回",
    suspend: "暂停服务",
    resume: "恢复服务",
    exit: "办理退出",
    confirmTitle: (action: string, name: string) => `${action}「${name}」`,
    explain: {
      approve:
        "批准后单位状态变为「服务中」：平台为其创建专属加密密钥，单位管理员即可登录，登记业务系统并设置灾备策略。",
      reject: "驳回后单位状态变为「已驳回」，其账号不能登录。驳回不能撤销，单位如需使用须重新注册。",
      suspend: "暂停后单位的用户不能再登录，备份写入和策略修改停止；已有数据和备份全部保留，可随时恢复服务。",
      resume: "恢复后单位状态回到「服务中」，其用户可以重新登录，备份和灾备工作继续进行。",
      exit: "单位进入退出流程：其用户不能再登录；平台给予至少一个月的数据导出期，期满后删除单位的加密密钥，单位的全部数据和备份将永久无法恢复。此操作不能撤销。",
    } as Record<TenantAction, string>,
    done: (name: string, status: string) => `「${name}」现在的状态：${status}。`,
    ipTitle: (name: string) => `「${name}」的 IP 白名单`,
    ipField: "允许的网段（每行一个）",
    ipHint: "IPv4 或 IPv6 网段（CIDR），例如 10.20.0.0/16 或 2001:db8::/32；最多 50 个；留空表示不限制。",
    ipLine: (line: number, entry: string, why: string) => `第 ${line} 行「${entry}」不是有效的网段（${why}）`,
    ipSep: "；",
    ipSave: "保存白名单",
    ipSaved: (name: string) => `已更新「${name}」的 IP 白名单。`,
    ipStale: "这个单位的设置刚被他人修改。您输入的内容仍保留，可以载入最新版本后再保存。",
    ipReload: "载入最新版本（保留我的输入）",
    cancel: "取消",
  },
  en: {
    title: "Units",
    intro:
      "The units registered on the platform by status: approve new registrations, suspend or resume service, handle service exit.",
    filter: "Show units that are",
    find: "Find among the loaded units",
    findHint: "By name, unified social credit code or unit id.",
    caption: (status: string) => `Units: ${status}`,
    name: "Unit",
    creditCode: "Unified social credit code",
    contact: "Contact",
    created: "Registered",
    actions: "Actions",
    empty: "No unit has this status.",
    noMatch: "None of the loaded units matches.",
    loading: "Loading units…",
    more: "Load more",
    editIp: "Set IP allow-list",
    approve: "Approve",
    reject: "Reject",
    suspend: "Suspend",
    resume: "Resume",
    exit: "Service exit",
    confirmTitle: (action: string, name: string) => `${action}: ${name}`,
    explain: {
      approve:
        "The unit becomes active: the platform creates its own encryption key, and its administrator can sign in, register systems and set DR policies.",
      reject:
        "The unit becomes rejected and its account cannot sign in. This cannot be undone: the unit would have to register again.",
      suspend:
        "The unit's users can no longer sign in; backups and policy changes stop. All data and backups are kept, and service can be resumed at any time.",
      resume: "The unit becomes active again: its users can sign in and DR work continues.",
      exit: "The unit starts its service exit: its users can no longer sign in; after an export window of at least one month its encryption key is deleted and all its data and backups become unrecoverable. This cannot be undone.",
    } as Record<TenantAction, string>,
    done: (name: string, status: string) => `“${name}” is now: ${status}.`,
    ipTitle: (name: string) => `IP allow-list of “${name}”`,
    ipField: "Allowed networks (one a line)",
    ipHint:
      "IPv4 or IPv6 networks (CIDR), e.g. 10.20.0.0/16 or 2001:db8::/32; at most 50; empty: no restriction.",
    ipLine: (line: number, entry: string, why: string) =>
      `Line ${line} “${entry}” is not a valid network (${why})`,
    ipSep: "; ",
    ipSave: "Save allow-list",
    ipSaved: (name: string) => `The IP allow-list of “${name}” was updated.`,
    ipStale:
      "Someone changed this unit's settings meanwhile. What you typed is still here: load the latest version and save again.",
    ipReload: "Load the latest version (keep what I typed)",
    cancel: "Cancel",
  },
});

type Texts = ReturnType<typeof texts.use>;

function IpAllowListDialog(props: {
  tenant?: Tenant;
  onClose: () => void;
  onSaved: (tenant: Tenant) => void;
}) {
  const t = texts.use();
  const ip = ipTexts.use();
  const [text, setText] = useState((props.tenant?.ipAllowList ?? []).join("\n"));
  const [version, setVersion] = useState(props.tenant?.version ?? 1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const tenant = props.tenant;
  const apiError = isApiError(error) ? error : undefined;
  const lines = apiError ? ipListErrors(text, apiError.fieldErrors) : [];
  const whole = apiError?.fieldErrors.find((e) => e.path === "ipAllowList")?.message;
  const fieldError =
    lines.length > 0
      ? lines.map((l) => t.ipLine(l.line, l.entry, l.message)).join(t.ipSep)
      : whole
        ? apiError?.fieldError("ipAllowList")
        : undefined;
  return (
    <Dialog title={tenant ? t.ipTitle(tenant.name) : ""} open={tenant !== undefined} onClose={props.onClose}>
      {tenant ? (
        <form
          class="form"
          onSubmit={(event) => {
            event.preventDefault();
            setBusy(true);
            setError(undefined);
            api
              .put("/tenants/{tenantId}/ip-allow-list", {
                path: { tenantId: tenant.tenantId },
                body: { version, ipAllowList: ipListOf(text) },
              })
              .then(props.onSaved, setError)
              .finally(() => setBusy(false));
          }}
        >
          <p class="muted">{ip.ipExplain}</p>
          <TextAreaField
            label={t.ipField}
            hint={t.ipHint}
            value={text}
            onValue={setText}
            rows={6}
            spellcheck={false}
            error={fieldError}
          />
          <ErrorNotice error={error} />
          {apiError?.code === "STALE_VERSION" ? (
            <>
              <Notice tone="warn">{t.ipStale}</Notice>
              <Button
                onClick={() =>
                  void api
                    .get("/tenants/{tenantId}", { path: { tenantId: tenant.tenantId } })
                    .then((fresh) => {
                      setVersion(fresh.version);
                      setError(undefined);
                    }, setError)
                }
              >
                {t.ipReload}
              </Button>
            </>
          ) : null}
          <div class="dialog-actions">
            <Button onClick={props.onClose} disabled={busy}>
              {t.cancel}
            </Button>
            <Button type="submit" variant="primary" busy={busy}>
              {t.ipSave}
            </Button>
          </div>
        </form>
      ) : null}
    </Dialog>
  );
}

const actionCalls = {
  approve: (tenantId: string) => api.post("/tenants/{tenantId}/approve", { path: { tenantId } }),
  reject: (tenantId: string) => api.post("/tenants/{tenantId}/reject", { path: { tenantId } }),
  suspend: (tenantId: string) => api.post("/tenants/{tenantId}/suspend", { path: { tenantId } }),
  resume: (tenantId: string) => api.post("/tenants/{tenantId}/resume", { path: { tenantId } }),
  exit: (tenantId: string) => api.post("/tenants/{tenantId}/exit", { path: { tenantId } }),
} satisfies Record<TenantAction, (tenantId: string) => Promise<Tenant>>;

export function TenantsPage() {
  const t = texts.use();
  const st = tenantStatusTexts.use();
  const ip = ipTexts.use();
  const format = useFormat();
  const session = useSession();
  const [status, setStatus] = useState<TenantStatus>("pending");
  const [find, setFind] = useState("");
  const [pending, setPending] = useState<{ action: TenantAction; tenant: Tenant }>();
  const [editing, setEditing] = useState<Tenant>();
  // What was just done, worded when shown (so it follows a language switch).
  const [done, setDone] = useState<{
    say: (t: Texts, st: ReturnType<typeof tenantStatusTexts.use>) => string;
  }>();
  const list = usePaged((cursor) => api.get("/tenants", { query: { status, cursor, limit: 50 } }), [status]);
  const mayAct = (action: TenantAction) => can(`POST /tenants/{tenantId}/${action}`, session);
  const mayIp = can("PUT /tenants/{tenantId}/ip-allow-list", session);
  const needle = find.trim().toLowerCase();
  const rows = needle
    ? list.items.filter((tenant) =>
        [tenant.name, tenant.unifiedSocialCreditCode, tenant.tenantId].some((v) =>
          v.toLowerCase().includes(needle),
        ),
      )
    : list.items;

  return (
    <section class="page admin-page">
      <header class="page-header">
        <div>
          <h1>{t.title}</h1>
          <p>{t.intro}</p>
        </div>
      </header>
      <fieldset class="filters">
        <legend class="visually-hidden">{t.filter}</legend>
        <div class="filter-buttons">
          {tenantStatuses.map((option) => (
            <button
              key={option}
              type="button"
              class="button button-secondary"
              aria-pressed={option === status ? "true" : "false"}
              onClick={() => {
                setStatus(option);
                setDone(undefined);
              }}
            >
              {st[option]}
            </button>
          ))}
        </div>
      </fieldset>
      <div class="form">
        <TextField label={t.find} hint={t.findHint} type="search" value={find} onValue={setFind} />
      </div>
      {done ? <Notice tone="ok">{done.say(t, st)}</Notice> : null}
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && list.items.length === 0 ? (
        <Loading label={t.loading} />
      ) : (
        <DataTable<Tenant>
          caption={t.caption(st[status])}
          rows={rows}
          rowKey={(tenant) => tenant.tenantId}
          empty={needle && list.items.length > 0 ? t.noMatch : t.empty}
          columns={[
            {
              key: "name",
              header: t.name,
              cell: (tenant) => (
                <>
                  <strong id={`tenant-name-${tenant.tenantId}`}>{tenant.name}</strong>
                  <br />
                  <span class="muted">
                    <code>{tenant.tenantId}</code>
                  </span>{" "}
                  <Badge tone={tenantStatusTone(tenant.status)}>{st[tenant.status]}</Badge>
                </>
              ),
            },
            {
              key: "code",
              header: t.creditCode,
              cell: (tenant) => <code>{tenant.unifiedSocialCreditCode}</code>,
            },
            {
              key: "contact",
              header: t.contact,
              cell: (tenant) => (
                <>
                  {tenant.contact.name}
                  <br />
                  <span class="muted">
                    {tenant.contact.email}
                    <br />
                    {tenant.contact.phone}
                  </span>
                </>
              ),
            },
            {
              key: "created",
              header: t.created,
              cell: (tenant) => <span class="nowrap">{format.dateTime(tenant.createdAt)}</span>,
            },
            {
              key: "ip",
              header: ip.ipAllowList,
              cell: (tenant) =>
                tenant.ipAllowList.length === 0 ? (
                  <span class="muted">{ip.ipAny}</span>
                ) : (
                  <span title={tenant.ipAllowList.join("\n")}>{ip.ipCount(tenant.ipAllowList.length)}</span>
                ),
            },
            {
              key: "actions",
              header: t.actions,
              cell: (tenant) => (
                <div class="row-actions">
                  {tenantActions(tenant.status)
                    .filter(mayAct)
                    .map((action) => (
                      <Button
                        key={action}
                        variant={action === "approve" || action === "resume" ? "primary" : "secondary"}
                        aria-describedby={`tenant-name-${tenant.tenantId}`}
                        onClick={() => setPending({ action, tenant })}
                      >
                        {t[action]}
                      </Button>
                    ))}
                  {mayIp && tenant.status !== "rejected" ? (
                    <Button
                      aria-describedby={`tenant-name-${tenant.tenantId}`}
                      onClick={() => setEditing(tenant)}
                    >
                      {t.editIp}
                    </Button>
                  ) : null}
                </div>
              ),
            },
          ]}
        />
      )}
      {list.hasMore ? (
        <div class="list-more">
          <Button onClick={list.more} busy={list.loading}>
            {t.more}
          </Button>
        </div>
      ) : null}
      <ConfirmDialog
        open={pending !== undefined}
        title={pending ? t.confirmTitle(t[pending.action], pending.tenant.name) : ""}
        confirmLabel={pending ? t[pending.action] : ""}
        variant={pending && ["reject", "suspend", "exit"].includes(pending.action) ? "danger" : "primary"}
        onClose={() => setPending(undefined)}
        onConfirm={async () => {
          if (!pending) return;
          const next = await actionCalls[pending.action](pending.tenant.tenantId);
          setDone({ say: (t, st) => t.done(next.name, st[next.status]) });
          list.reload();
        }}
      >
        {pending ? (
          <>
            <p>{t.explain[pending.action]}</p>
            <p class="muted">
              {t.creditCode}: <code>{pending.tenant.unifiedSocialCreditCode}</code> ·{" "}
              {pending.tenant.contact.name}
            </p>
          </>
        ) : null}
      </ConfirmDialog>
      {editing ? (
        <IpAllowListDialog
          key={editing.tenantId}
          tenant={editing}
          onClose={() => setEditing(undefined)}
          onSaved={(tenant) => {
            setEditing(undefined);
            setDone({ say: (t) => t.ipSaved(tenant.name) });
            list.reload();
          }}
        />
      ) : null}
    </section>
  );
}
