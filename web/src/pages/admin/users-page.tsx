import { useState } from "preact/hooks";
import type { Role } from "../../../../shared/identity/roles.ts";
import { type ApiError, isApiError } from "../../api/api-error.ts";
import { api } from "../../api/client.ts";
import { useFormat } from "../../i18n/format.ts";
import { type Locale, useLocale } from "../../i18n/locale.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { can, useSession } from "../../session/session.ts";
import { Badge, Button, Loading, TextField } from "../../ui/controls.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { ErrorNotice, Notice } from "../../ui/notice.tsx";
import { DataTable } from "../../ui/table.tsx";
import { Section } from "../../ui/tabs.tsx";
import { usePaged } from "../../ui/use-load.ts";
import {
  refusedRoles,
  roleList,
  roleName,
  roleProblems,
  rolesOfScope,
  sameRoles,
  toggleRole,
} from "./admin-logic.ts";
import { ConfirmDialog, OneTimePasswordDialog, RoleConflicts } from "./admin-ui.tsx";
import type { PublicUser } from "./responses.ts";

const texts = defineMessages({
  zh: {
    title: "用户与角色",
    introUnit: "管理本单位的用户账号和角色。新用户的初始密码只显示一次，用户首次登录时须修改密码。",
    introPlatform: "管理平台工作人员的账号和平台角色（平台管理员、安全管理员、平台审计员）。",
    add: "新增用户",
    caption: "用户列表",
    userName: "用户名",
    displayName: "姓名",
    roles: "角色",
    status: "状态",
    mfa: "动态口令（MFA）",
    created: "创建时间",
    actions: "操作",
    empty: "还没有用户。",
    loading: "正在加载用户…",
    more: "加载更多",
    active: "正常",
    pending: "待启用",
    disabled: "已停用",
    locked: "已锁定",
    mustChange: "待修改初始密码",
    enrolled: "已绑定",
    notEnrolled: "未绑定",
    changeRoles: "修改角色",
    disable: "停用",
    enable: "启用",
    reset: "重置密码",
    self: "这是您本人的账号：自己的角色、状态和密码须由另一位管理员修改。",
    addTitle: "新增用户",
    userNameHint: "3–40 个字母、数字或 . _ -，以字母开头；创建后不能修改。",
    rolesLegend: "角色（最多 3 个）",
    rolesHintUnit: "只能授予本单位的角色。",
    rolesHintPlatform: "只能授予平台角色。",
    tooMany: "一个用户最多授予 3 个角色。",
    create: "创建用户",
    cancel: "取消",
    createdTitle: "用户已创建",
    resetTitle: "密码已重置",
    rolesTitle: (name: string) => `修改「${name}」的角色`,
    save: "保存角色",
    unchanged: "角色没有变化。",
    saved: (name: string) => `已更新「${name}」的角色。`,
    disableTitle: (name: string) => `停用「${name}」`,
    disableText: "停用后该用户不能再登录，已登录的会话在下次操作时失效。账号和审计记录保留，可随时重新启用。",
    enableTitle: (name: string) => `启用「${name}」`,
    enableText: "启用后该用户可以再次登录（同时清除登录失败计数和锁定）。",
    resetConfirmTitle: (name: string) => `重置「${name}」的密码`,
    resetText:
      "将生成新的一次性密码，原密码立即失效，锁定也会解除；动态口令（MFA）绑定保持不变。用户下次登录时必须修改密码。",
    statusChanged: (name: string, status: string) => `「${name}」现在的状态：${status}。`,
    duties: (key: Role) =>
      (
        ({
          "platform-admin": "审批和管理各单位、平台运行。",
          "security-admin": "管理平台账号、身份安全设置和各单位 IP 白名单。",
          "platform-auditor": "查阅平台和各单位的审计记录。",
          "tenant-admin": "管理本单位的用户、业务系统、灾备策略和通知。",
          "tenant-operator": "执行备份、演练等日常灾备运维。",
          "tenant-auditor": "查阅本单位的审计记录并校验审计链。",
        }) as Record<Role, string>
      )[key],
  },
  en: {
    title: "Users and roles",
    introUnit:
      "Manage your unit's user accounts and roles. A new user's initial password is shown once; the user must change it at the first sign-in.",
    introPlatform:
      "Manage the platform staff's accounts and platform roles (platform administrator, security administrator, platform auditor).",
    add: "Add user",
    caption: "Users",
    userName: "User name",
    displayName: "Name",
    roles: "Roles",
    status: "Status",
    mfa: "One-time codes (MFA)",
    created: "Created",
    actions: "Actions",
    empty: "No users yet.",
    loading: "Loading users…",
    more: "Load more",
    active: "Active",
    pending: "Pending",
    disabled: "Disabled",
    locked: "Locked",
    mustChange: "Must change initial password",
    enrolled: "Enrolled",
    notEnrolled: "Not enrolled",
    changeRoles: "Change roles",
    disable: "Disable",
    enable: "Enable",
    reset: "Reset password",
    self: "Your own account: another administrator must change its roles, status or password.",
    addTitle: "Add a user",
    userNameHint: "3–40 letters, digits or . _ -, starting with a letter; it cannot be changed later.",
    rolesLegend: "Roles (at most 3)",
    rolesHintUnit: "Only your unit's roles can be given here.",
    rolesHintPlatform: "Only platform roles can be given here.",
    tooMany: "A user can have at most 3 roles.",
    create: "Create user",
    cancel: "Cancel",
    createdTitle: "User created",
    resetTitle: "Password reset",
    rolesTitle: (name: string) => `Change the roles of “${name}”`,
    save: "Save roles",
    unchanged: "The roles are unchanged.",
    saved: (name: string) => `The roles of “${name}” were updated.`,
    disableTitle: (name: string) => `Disable “${name}”`,
    disableText:
      "The user can no longer sign in; a session already open ends at its next action. The account and its audit records stay, and it can be enabled again at any time.",
    enableTitle: (name: string) => `Enable “${name}”`,
    enableText: "The user can sign in again (failed sign-ins and any lock are cleared).",
    resetConfirmTitle: (name: string) => `Reset the password of “${name}”`,
    resetText:
      "A new one-time password is made; the old one stops working at once and any lock is cleared. The MFA enrolment stays. The user must change the password at the next sign-in.",
    statusChanged: (name: string, status: string) => `“${name}” is now: ${status}.`,
    duties: (key: Role) =>
      (
        ({
          "platform-admin": "Approves and manages units; runs the platform.",
          "security-admin": "Manages platform accounts, identity settings and units' IP allow-lists.",
          "platform-auditor": "Reviews the platform's and every unit's audit trail.",
          "tenant-admin": "Manages the unit's users, systems, DR policies and notifications.",
          "tenant-operator": "Runs backups, drills and day-to-day DR operations.",
          "tenant-auditor": "Reviews the unit's audit trail and verifies its chain.",
        }) as Record<Role, string>
      )[key],
  },
});

type Texts = ReturnType<typeof texts.use>;

export const statusText = (user: PublicUser, t: Texts) =>
  user.status === "active" ? t.active : user.status === "disabled" ? t.disabled : t.pending;

/** Role checkboxes of the administrator's scope, with each role's duty and the live conflicts. */
function RolePicker(props: {
  scope: Role[];
  platform: boolean;
  value: Role[];
  onValue: (roles: Role[]) => void;
  apiError?: ApiError;
}) {
  const t = texts.use();
  const locale = useLocale();
  const live = roleProblems(props.value).filter((c) => c.code !== "NO_ROLE" || props.value.length === 0);
  // The API's refusal, if it still refuses, explained the same way (and not twice).
  const refused = props.apiError ? refusedRoles(props.value, props.apiError.fieldErrors) : undefined;
  const conflicts = [
    ...live,
    ...(refused?.conflicts ?? []).filter((c) => !live.some((l) => l.message.en === c.message.en)),
  ];
  return (
    <fieldset>
      <legend>{t.rolesLegend}</legend>
      <p class="field-hint">{props.platform ? t.rolesHintPlatform : t.rolesHintUnit}</p>
      <div class="role-picker">
        {props.scope.map((role) => {
          const id = `role-${role}`;
          return (
            <div class="role-option" key={role}>
              <input
                id={id}
                type="checkbox"
                checked={props.value.includes(role)}
                aria-describedby={`${id}-duty`}
                onChange={(event) =>
                  props.onValue(toggleRole(props.value, role, (event.target as HTMLInputElement).checked))
                }
              />
              <label for={id}>{roleName(role, locale)}</label>
              <p class="role-duty" id={`${id}-duty`}>
                {t.duties(role)}
              </p>
            </div>
          );
        })}
      </div>
      {props.value.length > 3 ? <p class="field-error">{t.tooMany}</p> : null}
      <RoleConflicts conflicts={conflicts} other={refused?.other} />
    </fieldset>
  );
}

const rolesOk = (roles: Role[]) => roles.length >= 1 && roles.length <= 3 && roleProblems(roles).length === 0;

function AddUserPanel(props: {
  scope: Role[];
  platform: boolean;
  onClose: () => void;
  onCreated: (userName: string, password: string) => void;
}) {
  const t = texts.use();
  const [form, setForm] = useState({ userName: "", displayName: "" });
  const [roles, setRoles] = useState<Role[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const apiError = isApiError(error) ? error : undefined;
  const rolesError = apiError?.fieldErrors.some((e) => e.path.startsWith("roles"));
  return (
    <Section title={t.addTitle}>
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault();
          setBusy(true);
          setError(undefined);
          api
            .post("/users", {
              body: { userName: form.userName.trim(), displayName: form.displayName.trim(), roles },
            })
            .then((answer) => {
              setForm({ userName: "", displayName: "" });
              setRoles([]);
              props.onCreated(answer.user.userName, answer.oneTimePassword);
            }, setError)
            .finally(() => setBusy(false));
        }}
      >
        <TextField
          label={t.userName}
          hint={t.userNameHint}
          value={form.userName}
          onValue={(userName) => setForm((f) => ({ ...f, userName }))}
          error={apiError?.fieldError("userName")}
          autoComplete="off"
          required
        />
        <TextField
          label={t.displayName}
          value={form.displayName}
          onValue={(displayName) => setForm((f) => ({ ...f, displayName }))}
          error={apiError?.fieldError("displayName")}
          autoComplete="off"
          required
        />
        <RolePicker
          scope={props.scope}
          platform={props.platform}
          value={roles}
          onValue={setRoles}
          apiError={apiError}
        />
        {/* The roles' refusal is explained at the roles; any other error here. */}
        {error && !rolesError ? <ErrorNotice error={error} /> : null}
        <div class="settings-actions">
          <Button onClick={props.onClose} disabled={busy}>
            {t.cancel}
          </Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!rolesOk(roles)}>
            {t.create}
          </Button>
        </div>
      </form>
    </Section>
  );
}

function RolesDialog(props: {
  user?: PublicUser;
  scope: Role[];
  platform: boolean;
  onClose: () => void;
  onSaved: (user: PublicUser) => void;
}) {
  const t = texts.use();
  const [roles, setRoles] = useState<Role[]>(props.user?.roles ?? []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const apiError = isApiError(error) ? error : undefined;
  const rolesError = apiError?.fieldErrors.some((e) => e.path.startsWith("roles"));
  const user = props.user;
  const unchanged = user ? sameRoles(roles, user.roles) : true;
  return (
    <Dialog
      title={user ? t.rolesTitle(user.displayName) : ""}
      open={user !== undefined}
      onClose={props.onClose}
    >
      {user ? (
        <form
          class="form"
          onSubmit={(event) => {
            event.preventDefault();
            setBusy(true);
            setError(undefined);
            api
              .put("/users/{userId}/roles", { path: { userId: user.userId }, body: { roles } })
              .then(props.onSaved, setError)
              .finally(() => setBusy(false));
          }}
        >
          <RolePicker
            scope={props.scope}
            platform={props.platform}
            value={roles}
            onValue={setRoles}
            apiError={apiError}
          />
          {unchanged ? <p class="field-hint">{t.unchanged}</p> : null}
          {error && !rolesError ? <ErrorNotice error={error} /> : null}
          <div class="dialog-actions">
            <Button onClick={props.onClose} disabled={busy}>
              {t.cancel}
            </Button>
            <Button type="submit" variant="primary" busy={busy} disabled={unchanged || !rolesOk(roles)}>
              {t.save}
            </Button>
          </div>
        </form>
      ) : null}
    </Dialog>
  );
}

type Pending =
  | { kind: "roles"; user: PublicUser }
  | { kind: "disable" | "enable" | "reset"; user: PublicUser }
  | undefined;

export function UsersPage() {
  const t = texts.use();
  const locale: Locale = useLocale();
  const format = useFormat();
  const session = useSession();
  const platform = session?.tenantId === "platform";
  const scope = rolesOfScope(session?.tenantId ?? "");
  const list = usePaged((cursor) => api.get("/users", { query: { cursor, limit: 50 } }), []);
  const [adding, setAdding] = useState(false);
  const [pending, setPending] = useState<Pending>();
  const [shown, setShown] = useState<{ title: string; userName: string; password: string }>();
  // What was just done, worded when shown (so it follows a language switch).
  const [done, setDone] = useState<{ say: (t: Texts) => string }>();
  const mayAdd = can("POST /users", session);
  const mayRoles = can("PUT /users/{userId}/roles", session);
  const mayStatus = can("POST /users/{userId}/disable", session);
  const mayReset = can("POST /users/{userId}/password-reset", session);

  return (
    <section class="page admin-page">
      <header class="page-header">
        <div>
          <h1>{t.title}</h1>
          <p>{platform ? t.introPlatform : t.introUnit}</p>
        </div>
        {mayAdd ? (
          <Button variant="primary" onClick={() => setAdding(true)} disabled={adding}>
            {t.add}
          </Button>
        ) : null}
      </header>
      {done ? <Notice tone="ok">{done.say(t)}</Notice> : null}
      {adding ? (
        <AddUserPanel
          scope={scope}
          platform={platform}
          onClose={() => setAdding(false)}
          onCreated={(userName, password) => {
            setAdding(false);
            setShown({ title: t.createdTitle, userName, password });
            list.reload();
          }}
        />
      ) : null}
      <ErrorNotice error={list.error} onRetry={list.reload} />
      {list.loading && list.items.length === 0 ? (
        <Loading label={t.loading} />
      ) : (
        <DataTable<PublicUser>
          caption={t.caption}
          captionHidden
          rows={list.items}
          rowKey={(user) => user.userId}
          empty={t.empty}
          columns={[
            {
              key: "userName",
              header: t.userName,
              cell: (user) => (
                <code class="nowrap" id={`user-name-${user.userId}`}>
                  {user.userName}
                </code>
              ),
            },
            { key: "displayName", header: t.displayName, cell: (user) => user.displayName },
            { key: "roles", header: t.roles, cell: (user) => roleList(user.roles, locale) },
            {
              key: "status",
              header: t.status,
              cell: (user) => (
                <span class="nowrap">
                  <Badge tone={user.status === "active" ? "ok" : user.status === "disabled" ? "bad" : "warn"}>
                    {statusText(user, t)}
                  </Badge>{" "}
                  {user.locked ? <Badge tone="bad">{t.locked}</Badge> : null}
                  {user.mustChangePassword ? (
                    <>
                      <br />
                      <span class="muted">{t.mustChange}</span>
                    </>
                  ) : null}
                </span>
              ),
            },
            {
              key: "mfa",
              header: t.mfa,
              cell: (user) =>
                user.mfaEnrolled ? <Badge tone="ok">{t.enrolled}</Badge> : <Badge>{t.notEnrolled}</Badge>,
            },
            {
              key: "created",
              header: t.created,
              cell: (user) => <span class="nowrap">{format.dateTime(user.createdAt)}</span>,
            },
            {
              key: "actions",
              header: t.actions,
              cell: (user) => {
                const own = user.userId === session?.userId;
                // A disabled action on one's own row says why (SELF_ADMINISTRATION).
                const described = own
                  ? `user-name-${user.userId} self-note-${user.userId}`
                  : `user-name-${user.userId}`;
                return (
                  <div>
                    <div class="row-actions">
                      {mayRoles ? (
                        <Button
                          disabled={own}
                          aria-describedby={described}
                          onClick={() => setPending({ kind: "roles", user })}
                        >
                          {t.changeRoles}
                        </Button>
                      ) : null}
                      {mayStatus ? (
                        user.status === "disabled" ? (
                          <Button
                            disabled={own}
                            aria-describedby={described}
                            onClick={() => setPending({ kind: "enable", user })}
                          >
                            {t.enable}
                          </Button>
                        ) : (
                          <Button
                            variant="danger"
                            disabled={own}
                            aria-describedby={described}
                            onClick={() => setPending({ kind: "disable", user })}
                          >
                            {t.disable}
                          </Button>
                        )
                      ) : null}
                      {mayReset ? (
                        <Button
                          disabled={own}
                          aria-describedby={described}
                          onClick={() => setPending({ kind: "reset", user })}
                        >
                          {t.reset}
                        </Button>
                      ) : null}
                    </div>
                    {own ? (
                      <p class="row-note" id={`self-note-${user.userId}`}>
                        {t.self}
                      </p>
                    ) : null}
                  </div>
                );
              },
            },
          ]}
        />
      )}
      {list.hasMore ? (
        <Button class="list-more" onClick={list.more} busy={list.loading}>
          {t.more}
        </Button>
      ) : null}

      {pending?.kind === "roles" ? (
        <RolesDialog
          key={pending.user.userId}
          user={pending.user}
          scope={scope}
          platform={platform}
          onClose={() => setPending(undefined)}
          onSaved={(user) => {
            setPending(undefined);
            setDone({ say: (t) => t.saved(user.displayName) });
            list.reload();
          }}
        />
      ) : null}
      <ConfirmDialog
        open={pending?.kind === "disable" || pending?.kind === "enable"}
        title={
          pending?.kind === "enable"
            ? t.enableTitle(pending.user.displayName)
            : pending
              ? t.disableTitle(pending.user.displayName)
              : ""
        }
        confirmLabel={pending?.kind === "enable" ? t.enable : t.disable}
        variant={pending?.kind === "enable" ? "primary" : "danger"}
        onClose={() => setPending(undefined)}
        onConfirm={async () => {
          if (!pending) return;
          const options = { path: { userId: pending.user.userId } };
          const user =
            pending.kind === "enable"
              ? await api.post("/users/{userId}/enable", options)
              : await api.post("/users/{userId}/disable", options);
          setDone({ say: (t) => t.statusChanged(user.displayName, statusText(user, t)) });
          list.reload();
        }}
      >
        <p>{pending?.kind === "enable" ? t.enableText : t.disableText}</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={pending?.kind === "reset"}
        title={pending ? t.resetConfirmTitle(pending.user.displayName) : ""}
        confirmLabel={t.reset}
        onClose={() => setPending(undefined)}
        onConfirm={async () => {
          if (!pending) return;
          const answer = await api.post("/users/{userId}/password-reset", {
            path: { userId: pending.user.userId },
          });
          setShown({ title: t.resetTitle, userName: answer.user.userName, password: answer.oneTimePassword });
          list.reload();
        }}
      >
        <p>{t.resetText}</p>
      </ConfirmDialog>
      <OneTimePasswordDialog title={shown?.title ?? ""} shown={shown} onClose={() => setShown(undefined)} />
    </section>
  );
}
