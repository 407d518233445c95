import { useState } from "preact/hooks";
import { isApiError } from "../../api/api-error.ts";
import { api } from "../../api/client.ts";
import { useFormat } from "../../i18n/format.ts";
import { useLocale } from "../../i18n/locale.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { can, useSession } from "../../session/session.ts";
import { Badge, Button, TextField } from "../../ui/controls.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { ErrorNotice, Notice } from "../../ui/notice.tsx";
import { Section } from "../../ui/tabs.tsx";
import { usePaged } from "../../ui/use-load.ts";
import { common, DrTable, type DrTabProps, MoreButton } from "./common.tsx";
import { agentCommand, installCommand } from "./dr-logic.ts";
import type { AgentKeyView, CreatedAgentKey } from "./responses.ts";

const texts = defineMessages({
  zh: {
    title: "备份代理密钥",
    intro:
      "部署在本单位服务器上的备份代理用密钥登录平台，并将其生成的快照登记到平台。每个密钥只能用于本业务系统，可随时吊销。",
    create: "新建密钥",
    caption: "本系统的备份代理密钥",
    empty: "尚未创建备份代理密钥。",
    name: "名称",
    nameHint: "便于识别的名称，如“数据库服务器 db01”，不超过 60 个字符。",
    keyId: "密钥编号",
    status: "状态",
    active: "有效",
    revoked: "已吊销",
    createdAt: "创建时间",
    revokedAt: "吊销时间",
    actions: "操作",
    revoke: "吊销",
    createTitle: "新建备份代理密钥",
    submit: "创建",
    createdTitle: "密钥已创建",
    onceWarning:
      "请立即复制并妥善保存此密钥。关闭本对话框后将无法再次查看，平台只保存其摘要；如遗失，请吊销后重新创建。",
    credential: "密钥（GOVDR_AGENT_KEY）",
    copy: "复制密钥",
    copyCommand: "复制命令",
    copied: "已复制到剪贴板。",
    copyFailed: "浏览器未允许复制，请手动选中后复制。",
    commandTitle: "在服务器上运行备份代理",
    commandIntro:
      "将 <目录> 换成要备份的目录，<存储库目录> 换成备份存储库的位置；GOVDR_REPO_KEY 为存储库密钥（可用 npx govdr key generate 生成，请另行保管）。",
    installTitle: "或按灾备策略的计划安装（systemd）",
    installIntro:
      "以 root 身份运行：代理读取本系统的灾备策略，按其备份类型和计划写入 systemd 定时器；策略变更在下次运行时生效。govdr-agent 为单文件代理（npm run build:agent）。",
    done: "我已保存，关闭",
    revokeTitle: "吊销备份代理密钥",
    revokeText: (name: string, keyId: string) =>
      `确定吊销“${name}”（${keyId}）吗？吊销后使用该密钥的备份代理将无法再登录和登记快照，此操作不可撤销。`,
    revokeConfirm: "确认吊销",
    revokedNotice: (name: string) => `密钥“${name}”已吊销。`,
  },
  en: {
    title: "Agent keys",
    intro:
      "The backup agent on your unit's servers signs in with a key and records the snapshots it writes. Each key works for this system only and can be revoked at any time.",
    create: "New key",
    caption: "Backup agent keys of this system",
    empty: "No agent key yet.",
    name: "Name",
    nameHint: "A name you will recognise, such as “database server db01”; at most 60 characters.",
    keyId: "Key id",
    status: "Status",
    active: "Active",
    revoked: "Revoked",
    createdAt: "Created",
    revokedAt: "Revoked at",
    actions: "Actions",
    revoke: "Revoke",
    createTitle: "New backup agent key",
    submit: "Create",
    createdTitle: "Key created",
    onceWarning:
      "Copy this key now and keep it safe. It cannot be shown again once you close this dialog: the platform keeps only a digest of it. If it is lost, revoke it and create a new one.",
    credential: "Key (GOVDR_AGENT_KEY)",
    copy: "Copy key",
    copyCommand: "Copy command",
    copied: "Copied to the clipboard.",
    copyFailed: "The browser did not allow copying; select the text and copy it by hand.",
    commandTitle: "Run the backup agent on the server",
    commandIntro:
      "Replace <dir> with the directory to back up and <vault dir> with the repository's location; GOVDR_REPO_KEY is the repository's key (make one with npx govdr key generate and keep it apart).",
    installTitle: "Or install it on the policy's schedule (systemd)",
    installIntro:
      "Run as root: the agent reads this system's DR policy and writes a systemd timer that runs its backups, of its type and on its schedule; a changed policy counts from the next run. govdr-agent is the single-file agent (npm run build:agent).",
    done: "I have saved it, close",
    revokeTitle: "Revoke agent key",
    revokeText: (name: string, keyId: string) =>
      `Revoke “${name}” (${keyId})? An agent using it can no longer sign in or record snapshots. This cannot be undone.`,
    revokeConfirm: "Revoke",
    revokedNotice: (name: string) => `Key “${name}” is revoked.`,
  },
});

/** The API's address as an agent reaches it: the console's own `/api`, which forwards to the API. */
const apiAddress = () => `${window.location.origin}/api`;

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

function CreatedKey(props: { created: CreatedAgentKey; systemId: string; onClose: () => void }) {
  const t = texts.use();
  const [copied, setCopied] = useState<boolean | undefined>();
  const locale = useLocale();
  const command = agentCommand({
    credential: props.created.credential,
    systemId: props.systemId,
    apiUrl: apiAddress(),
    placeholders: locale === "zh" ? { dir: "<目录>", vault: "<存储库目录>" } : undefined,
  });
  const install = installCommand({
    credential: props.created.credential,
    apiUrl: apiAddress(),
    vault: locale === "zh" ? "<存储库目录>" : undefined,
  });
  return (
    <div class="dr-created-key">
      <div class="notice notice-warn" role="alert">
        <p class="notice-title">{t.onceWarning}</p>
      </div>
      <label class="dr-label" for="dr-credential">
        {t.credential}
      </label>
      <div class="dr-copy-row">
        <input
          id="dr-credential"
          class="dr-credential"
          readOnly
          value={props.created.credential}
          data-testid="credential"
          onFocus={(event) => (event.target as HTMLInputElement).select()}
        />
        <Button variant="primary" onClick={() => void copy(props.created.credential).then(setCopied)}>
          {t.copy}
        </Button>
      </div>
      <h3>{t.commandTitle}</h3>
      <p class="field-hint">{t.commandIntro}</p>
      <pre class="block dr-command" data-testid="agent-command">
        {command}
      </pre>
      <Button onClick={() => void copy(command).then(setCopied)}>{t.copyCommand}</Button>
      <h3>{t.installTitle}</h3>
      <p class="field-hint">{t.installIntro}</p>
      <pre class="block dr-command" data-testid="agent-install-command">
        {install}
      </pre>
      <Button onClick={() => void copy(install).then(setCopied)}>{t.copyCommand}</Button>
      <p role="status" class="dr-copied">
        {copied === undefined ? "" : copied ? t.copied : t.copyFailed}
      </p>
      <div class="dialog-actions">
        <Button variant="primary" onClick={props.onClose}>
          {t.done}
        </Button>
      </div>
    </div>
  );
}

export function AgentKeysTab(props: DrTabProps) {
  const t = texts.use();
  const c = common.use();
  const format = useFormat();
  const session = useSession();
  const { systemId } = props.system;
  const keys = usePaged<AgentKeyView>(
    (cursor) => api.get("/systems/{systemId}/agent-keys", { path: { systemId }, query: { cursor } }),
    [systemId],
  );
  const mayCreate = can("POST /systems/{systemId}/agent-keys", session);
  const mayRevoke = can("POST /systems/{systemId}/agent-keys/{keyId}/revoke", session);

  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const [createError, setCreateError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  // The credential lives only here, while the dialog is open: closing it drops it for good.
  const [created, setCreated] = useState<CreatedAgentKey | undefined>();
  const [revoking, setRevoking] = useState<AgentKeyView | undefined>();
  const [revokeError, setRevokeError] = useState<unknown>();
  const [revokedName, setRevokedName] = useState<string | undefined>();

  const closeCreate = () => {
    setCreating(false);
    setCreated(undefined);
    setCreateError(undefined);
    setName("");
  };

  const submit = async () => {
    setBusy(true);
    setCreateError(undefined);
    try {
      const key = await api.post("/systems/{systemId}/agent-keys", {
        path: { systemId },
        body: { name: name.trim() },
      });
      setCreated(key);
      keys.reload();
    } catch (error) {
      setCreateError(error);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (key: AgentKeyView) => {
    setBusy(true);
    setRevokeError(undefined);
    try {
      await api.post("/systems/{systemId}/agent-keys/{keyId}/revoke", {
        path: { systemId, keyId: key.keyId },
      });
      setRevoking(undefined);
      setRevokedName(key.name);
      keys.reload();
    } catch (error) {
      setRevokeError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section
      title={t.title}
      actions={
        mayCreate ? (
          <Button
            variant="primary"
            onClick={() => {
              setRevokedName(undefined);
              setCreating(true);
            }}
          >
            {t.create}
          </Button>
        ) : undefined
      }
    >
      <p class="dr-intro">{t.intro}</p>
      {revokedName ? <Notice tone="ok">{t.revokedNotice(revokedName)}</Notice> : null}
      <ErrorNotice error={keys.error} onRetry={keys.reload} />
      <DrTable
        caption={t.caption}
        captionHidden
        rows={keys.items}
        rowKey={(key) => key.keyId}
        empty={keys.loading ? c.loading : t.empty}
        columns={[
          { key: "name", header: t.name, cell: (key) => key.name },
          { key: "keyId", header: t.keyId, cell: (key) => <code>{key.keyId}</code> },
          {
            key: "status",
            header: t.status,
            cell: (key) => (
              <Badge tone={key.status === "active" ? "ok" : "neutral"}>
                <span data-testid="key-status">{key.status === "active" ? t.active : t.revoked}</span>
              </Badge>
            ),
          },
          { key: "createdAt", header: t.createdAt, cell: (key) => format.dateTime(key.createdAt) },
          { key: "revokedAt", header: t.revokedAt, cell: (key) => format.dateTime(key.revokedAt) },
          ...(mayRevoke
            ? [
                {
                  key: "actions",
                  header: t.actions,
                  cell: (key: AgentKeyView) =>
                    key.status === "active" ? (
                      <Button
                        variant="link"
                        aria-label={`${t.revoke} ${key.name}`}
                        onClick={() => {
                          setRevokeError(undefined);
                          setRevoking(key);
                        }}
                      >
                        {t.revoke}
                      </Button>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
      <MoreButton hasMore={keys.hasMore} loading={keys.loading} onMore={keys.more} />

      <Dialog title={created ? t.createdTitle : t.createTitle} open={creating} onClose={closeCreate}>
        {created ? (
          <CreatedKey created={created} systemId={systemId} onClose={closeCreate} />
        ) : (
          <form
            class="form"
            onSubmit={(event) => {
              event.preventDefault();
              void submit();
            }}
          >
            <TextField
              label={t.name}
              name="name"
              value={name}
              onValue={setName}
              maxLength={60}
              hint={t.nameHint}
              error={isApiError(createError) ? createError.fieldError("name") : undefined}
              required
            />
            <ErrorNotice error={createError} />
            <div class="dialog-actions">
              <Button onClick={closeCreate}>{c.cancel}</Button>
              <Button type="submit" variant="primary" busy={busy}>
                {t.submit}
              </Button>
            </div>
          </form>
        )}
      </Dialog>

      <Dialog title={t.revokeTitle} open={revoking !== undefined} onClose={() => setRevoking(undefined)}>
        {revoking ? (
          <>
            <p>{t.revokeText(revoking.name, revoking.keyId)}</p>
            <ErrorNotice error={revokeError} />
            <div class="dialog-actions">
              <Button onClick={() => setRevoking(undefined)}>{c.cancel}</Button>
              <Button variant="danger" busy={busy} onClick={() => void revoke(revoking)}>
                {t.revokeConfirm}
              </Button>
            </div>
          </>
        ) : null}
      </Dialog>
    </Section>
  );
}
