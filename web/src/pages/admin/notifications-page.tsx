import { useState } from "preact/hooks";
import type { Subscription } from "../../../../shared/notifications/subscription.ts";
import { isApiError } from "../../api/api-error.ts";
import { api } from "../../api/client.ts";
import { useFormat } from "../../i18n/format.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { can, useSession } from "../../session/session.ts";
import { Badge, Button, Loading, SelectField, TextField } from "../../ui/controls.tsx";
import { ErrorNotice, Notice } from "../../ui/notice.tsx";
import { DataTable } from "../../ui/table.tsx";
import { Section } from "../../ui/tabs.tsx";
import { usePaged } from "../../ui/use-load.ts";
import { kindsToSend, notificationKinds } from "./admin-logic.ts";
import { ConfirmDialog } from "./admin-ui.tsx";

type Kind = (typeof notificationKinds)[number];
type Protocol = Subscription["protocol"];

const texts = defineMessages({
  zh: {
    title: "通知订阅",
    intro:
      "演练结果、恢复点目标（RPO）超标及恢复、作业失败时，平台向这些地址发送通知。每个单位最多 20 个订阅。",
    caption: "通知订阅",
    listSep: "、",
    protocol: "方式",
    endpoint: "接收地址",
    kinds: "通知内容",
    status: "状态",
    created: "创建时间",
    actions: "操作",
    empty: "还没有通知订阅。",
    loading: "正在加载通知订阅…",
    more: "加载更多",
    subscribed: "已订阅",
    confirmNeeded: "需对方确认",
    confirmNote: "邮件和 HTTPS 地址会先收到一条确认消息，确认后才开始接收通知。",
    add: "新增订阅",
    addIntro: "选择接收方式并填写地址。",
    protocolLabel: "接收方式",
    endpointLabel: "接收地址",
    endpointHint: (key: Protocol) =>
      (
        ({
          email: "电子邮箱，例如 duty@example.gov.cn",
          sms: "手机号码，带国家代码，例如 +8613800138000",
          https: "以 https:// 开头的接收地址，例如 https://ops.example.gov.cn/govdr",
        }) as Record<Protocol, string>
      )[key],
    kindsLegend: "通知内容（默认全部）",
    noKind: "请至少选择一种通知内容。",
    submit: "添加订阅",
    added: (endpoint: string) => `已添加订阅：${endpoint}。`,
    remove: "删除",
    removeTitle: (endpoint: string) => `删除订阅「${endpoint}」`,
    removeText: "删除后这个地址不再收到本单位的通知。订阅记录保留，并记下删除人和时间。",
    removed: (endpoint: string) => `已删除订阅：${endpoint}。`,
    readOnly: "只有单位管理员可以新增或删除订阅。",
    protocols: (key: Protocol) =>
      (({ email: "电子邮件", sms: "短信", https: "HTTPS 回调" }) as Record<Protocol, string>)[key],
    kindNames: (key: Kind) =>
      (
        ({
          "drill-result": "演练结果",
          "rpo-breach": "RPO 超标",
          "rpo-restored": "RPO 恢复",
          "job-failed": "作业失败",
        }) as Record<Kind, string>
      )[key],
    kindMeanings: (key: Kind) =>
      (
        ({
          "drill-result": "每次灾备演练结束时，通知演练是否通过及实际恢复时间。",
          "rpo-breach": "某个业务系统最近的恢复点超过了灾备策略规定的恢复点目标（RPO）。",
          "rpo-restored": "超标的业务系统重新满足恢复点目标。",
          "job-failed": "备份、复制等作业执行失败。",
        }) as Record<Kind, string>
      )[key],
  },
  en: {
    title: "Notifications",
    intro:
      "The platform notifies these addresses of drill results, recovery point objective (RPO) breaches and their end, and failed jobs. A unit has at most 20 subscriptions.",
    caption: "Notification subscriptions",
    listSep: ", ",
    protocol: "By",
    endpoint: "Address",
    kinds: "About",
    status: "Status",
    created: "Created",
    actions: "Actions",
    empty: "No notification subscription yet.",
    loading: "Loading subscriptions…",
    more: "Load more",
    subscribed: "Subscribed",
    confirmNeeded: "Must be confirmed",
    confirmNote:
      "Email and HTTPS addresses first get a confirmation message; notifications start once it is confirmed.",
    add: "Add a subscription",
    addIntro: "Choose how to be notified and give the address.",
    protocolLabel: "Send by",
    endpointLabel: "Address",
    endpointHint: (key: Protocol) =>
      (
        ({
          email: "An email address, e.g. duty@example.gov.cn",
          sms: "A mobile number with its country code, e.g. +8613800138000",
          https: "An address starting with https://, e.g. https://ops.example.gov.cn/govdr",
        }) as Record<Protocol, string>
      )[key],
    kindsLegend: "About (all by default)",
    noKind: "Choose at least one kind of notification.",
    submit: "Add subscription",
    added: (endpoint: string) => `Subscription added: ${endpoint}.`,
    remove: "Remove",
    removeTitle: (endpoint: string) => `Remove the subscription “${endpoint}”`,
    removeText:
      "This address no longer gets your unit's notifications. The subscription's record stays, with who removed it and when.",
    removed: (endpoint: string) => `Subscription removed: ${endpoint}.`,
    readOnly: "Only the unit's administrator can add or remove subscriptions.",
    protocols: (key: Protocol) =>
      (({ email: "Email", sms: "SMS", https: "HTTPS callback" }) as Record<Protocol, string>)[key],
    kindNames: (key: Kind) =>
      (
        ({
          "drill-result": "Drill results",
          "rpo-breach": "RPO breach",
          "rpo-restored": "RPO restored",
          "job-failed": "Job failed",
        }) as Record<Kind, string>
      )[key],
    kindMeanings: (key: Kind) =>
      (
        ({
          "drill-result": "When a DR drill ends: whether it passed and the recovery time achieved.",
          "rpo-breach":
            "A system's latest recovery point is older than its policy's recovery point objective (RPO).",
          "rpo-restored": "A system that breached its RPO meets it again.",
          "job-failed": "A backup, replication or other job failed.",
        }) as Record<Kind, string>
      )[key],
  },
});

type Texts = ReturnType<typeof texts.use>;

function AddSubscription(props: { onAdded: (subscription: Subscription) => void }) {
  const t = texts.use();
  const [protocol, setProtocol] = useState<Protocol>("email");
  const [endpoint, setEndpoint] = useState("");
  const [kinds, setKinds] = useState<Kind[]>([...notificationKinds]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const apiError = isApiError(error) ? error : undefined;
  return (
    <Section title={t.add}>
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (kinds.length === 0) return;
          setBusy(true);
          setError(undefined);
          const chosen = kindsToSend(notificationKinds, kinds);
          api
            .post("/notifications/subscriptions", {
              body: { protocol, endpoint: endpoint.trim(), ...(chosen ? { kinds: chosen } : {}) },
            })
            .then((subscription) => {
              setEndpoint("");
              setKinds([...notificationKinds]);
              props.onAdded(subscription);
            }, setError)
            .finally(() => setBusy(false));
        }}
      >
        <p class="muted">{t.addIntro}</p>
        <div class="form-row">
          <SelectField<Protocol>
            label={t.protocolLabel}
            value={protocol}
            onValue={setProtocol}
            options={(["email", "sms", "https"] as const).map((value) => ({
              value,
              label: t.protocols(value),
            }))}
            error={apiError?.fieldError("protocol")}
          />
          <TextField
            label={t.endpointLabel}
            type={protocol === "email" ? "email" : protocol === "sms" ? "tel" : "url"}
            hint={t.endpointHint(protocol)}
            value={endpoint}
            onValue={setEndpoint}
            error={apiError?.fieldError("endpoint")}
            autoComplete="off"
            required
          />
        </div>
        <fieldset>
          <legend>{t.kindsLegend}</legend>
          <div class="role-picker">
            {notificationKinds.map((kind) => {
              const id = `kind-${kind}`;
              return (
                <div class="role-option" key={kind}>
                  <input
                    id={id}
                    type="checkbox"
                    checked={kinds.includes(kind)}
                    aria-describedby={`${id}-meaning`}
                    onChange={(event) => {
                      const on = (event.target as HTMLInputElement).checked;
                      setKinds((current) =>
                        notificationKinds.filter((k) => (k === kind ? on : current.includes(k))),
                      );
                    }}
                  />
                  <label for={id}>{t.kindNames(kind)}</label>
                  <p class="role-duty" id={`${id}-meaning`}>
                    {t.kindMeanings(kind)}
                  </p>
                </div>
              );
            })}
          </div>
          {kinds.length === 0 ? <p class="field-error">{t.noKind}</p> : null}
          {apiError?.fieldError("kinds") ? <p class="field-error">{apiError.fieldError("kinds")}</p> : null}
        </fieldset>
        <ErrorNotice error={error} />
        <div>
          <Button type="submit" variant="primary" busy={busy} disabled={kinds.length === 0}>
            {t.submit}
          </Button>
        </div>
      </form>
    </Section>
  );
}

export function NotificationsPage() {
  const t = texts.use();
  const format = useFormat();
  const session = useSession();
  const mayAdd = can("POST /notifications/subscriptions", session);
  const mayRemove = can("POST /notifications/subscriptions/{subscriptionId}/remove", session);
  const list = usePaged(
    (cursor) => api.get("/notifications/subscriptions", { query: { cursor, limit: 50 } }),
    [],
  );
  // What was just done, worded when shown (so it follows a language switch).
  const [done, setDone] = useState<{ say: (t: Texts) => string }>();
  const [removing, setRemoving] = useState<Subscription>();
  return (
    <section class="page admin-page">
      <header class="page-header">
        <div>
          <h1>{t.title}</h1>
          <p>{t.intro}</p>
        </div>
      </header>
      {done ? <Notice tone="ok">{done.say(t)}</Notice> : null}
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && list.items.length === 0 ? (
        <Loading label={t.loading} />
      ) : (
        <DataTable<Subscription>
          caption={t.caption}
          captionHidden
          rows={list.items}
          rowKey={(s) => s.subscriptionId}
          empty={t.empty}
          columns={[
            { key: "protocol", header: t.protocol, cell: (s) => t.protocols(s.protocol) },
            {
              key: "endpoint",
              header: t.endpoint,
              cell: (s) => <code id={`endpoint-${s.subscriptionId}`}>{s.endpoint}</code>,
            },
            {
              key: "kinds",
              header: t.kinds,
              cell: (s) => s.kinds.map((kind) => t.kindNames(kind)).join(t.listSep),
            },
            {
              key: "status",
              header: t.status,
              cell: (s) =>
                s.protocol === "sms" ? (
                  <Badge tone="ok">{t.subscribed}</Badge>
                ) : (
                  <span title={t.confirmNote}>
                    <Badge tone="info">{t.confirmNeeded}</Badge>
                  </span>
                ),
            },
            {
              key: "created",
              header: t.created,
              cell: (s) => <span class="nowrap">{format.dateTime(s.createdAt)}</span>,
            },
            ...(mayRemove
              ? [
                  {
                    key: "actions",
                    header: t.actions,
                    cell: (s: Subscription) => (
                      <Button
                        aria-describedby={`endpoint-${s.subscriptionId}`}
                        onClick={() => setRemoving(s)}
                      >
                        {t.remove}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {list.items.some((s) => s.protocol !== "sms") ? <p class="muted">{t.confirmNote}</p> : null}
      {list.hasMore ? (
        <div class="list-more">
          <Button onClick={list.more} busy={list.loading}>
            {t.more}
          </Button>
        </div>
      ) : null}
      {mayAdd ? (
        <AddSubscription
          onAdded={(subscription) => {
            setDone({ say: (t) => t.added(subscription.endpoint) });
            list.reload();
          }}
        />
      ) : (
        <p class="muted">{t.readOnly}</p>
      )}
      <ConfirmDialog
        open={removing !== undefined}
        title={removing ? t.removeTitle(removing.endpoint) : ""}
        confirmLabel={t.remove}
        variant="danger"
        onClose={() => setRemoving(undefined)}
        onConfirm={async () => {
          if (!removing) return;
          const removed = await api.post("/notifications/subscriptions/{subscriptionId}/remove", {
            path: { subscriptionId: removing.subscriptionId },
          });
          setDone({ say: (t) => t.removed(removed.endpoint) });
          list.reload();
        }}
      >
        <p>{t.removeText}</p>
      </ConfirmDialog>
    </section>
  );
}
