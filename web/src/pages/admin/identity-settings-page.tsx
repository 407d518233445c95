import { useEffect, useState } from "preact/hooks";
import type { StoredIdentitySettings } from "../../../../shared/identity/settings-store.ts";
import { isApiError } from "../../api/api-error.ts";
import { api } from "../../api/client.ts";
import { useFormat } from "../../i18n/format.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { can, useSession } from "../../session/session.ts";
import { Badge, Button, Loading } from "../../ui/controls.tsx";
import { ErrorNotice, Notice } from "../../ui/notice.tsx";
import { useLoad } from "../../ui/use-load.ts";
import {
  changedSettings,
  draftOf,
  rebaseDraft,
  type SettingName,
  type SettingsDraft,
  type SettingUnit,
  settingBounds,
  settingNames,
  settingUnits,
} from "./admin-logic.ts";

const texts = defineMessages({
  zh: {
    title: "身份安全设置",
    intro:
      "平台所有用户的密码、登录锁定和会话规则（等保要求：口令不少于 14 位、至少每 3 个月更换）。修改在 1 分钟内对所有服务生效。",
    readOnly: "您可以查看这些设置；只有安全管理员可以修改。",
    loading: "正在加载身份安全设置…",
    caption: "身份安全设置",
    setting: "设置项",
    value: "当前值",
    bounds: "允许范围",
    defaultValue: "默认值",
    version: (n: number) => `版本 ${n}`,
    neverChanged: "尚未修改过，当前为默认设置。",
    lastChanged: (who: string, when: string) => `最近由 ${who} 于 ${when} 修改。`,
    save: "保存修改",
    discard: "撤销未保存的修改",
    nothing: "没有修改任何设置。",
    invalid: "请先把标出的设置改为允许范围内的整数。",
    outOfBounds: (min: string, max: string) => `请输入 ${min}–${max} 之间的整数。`,
    saved: (n: number) => `已保存，当前为版本 ${n}。`,
    stale: "您的修改仍保留在表格中。可以载入最新设置（保留您的修改）后再保存。",
    reload: "载入最新设置（保留我的修改）",
    changed: "已修改",
    range: (min: string, max: string, unit: string) => `${min}–${max} ${unit}`,
    units: (key: SettingUnit) =>
      (
        ({
          characters: "个字符",
          days: "天",
          attempts: "次",
          minutes: "分钟",
          hours: "小时",
        }) as Record<SettingUnit, string>
      )[key],
    names: (key: SettingName) =>
      (
        ({
          passwordMinLength: "密码最短长度",
          passwordMaxAgeDays: "密码最长使用期限",
          lockoutThreshold: "登录失败锁定次数",
          lockoutMinutes: "锁定时长",
          sessionMinutes: "登录凭证有效期",
          idleMinutes: "空闲超时",
          sessionAbsoluteHours: "会话最长时长",
          reauthenticationMinutes: "敏感操作重新验证时限",
        }) as Record<SettingName, string>
      )[key],
    meanings: (key: SettingName) =>
      (
        ({
          passwordMinLength: "新密码至少要有的字符数，且须包含大写字母、小写字母、数字、符号中的至少三类。",
          passwordMaxAgeDays: "密码使用超过这个天数后，用户登录时必须修改密码。",
          lockoutThreshold: "连续输错密码或动态口令达到这个次数，账号被锁定。",
          lockoutMinutes: "账号锁定后，经过这段时间自动解锁（管理员重置密码也可解锁）。",
          sessionMinutes: "每个登录凭证的有效时间；用户持续操作时控制台会在到期前自动续期。",
          idleMinutes: "这段时间内没有任何操作，会话结束，需要重新登录。",
          sessionAbsoluteHours: "无论是否持续操作，登录后经过这段时间必须重新登录。",
          reauthenticationMinutes:
            "新增用户、修改角色、退出服务等敏感操作，要求在这段时间内登录过，否则先重新输入密码。",
        }) as Record<SettingName, string>
      )[key],
  },
  en: {
    title: "Identity settings",
    intro:
      "Password, lockout and session rules for every user of the platform (the standards ask for passwords of at least 14 characters, changed at least every 3 months). A change reaches every service within a minute.",
    readOnly: "You can see these settings; only the security administrator can change them.",
    loading: "Loading the identity settings…",
    caption: "Identity settings",
    setting: "Setting",
    value: "Value",
    bounds: "Allowed",
    defaultValue: "Default",
    version: (n: number) => `Version ${n}`,
    neverChanged: "Never changed: these are the defaults.",
    lastChanged: (who: string, when: string) => `Last changed by ${who} on ${when}.`,
    save: "Save changes",
    discard: "Discard unsaved changes",
    nothing: "No setting was changed.",
    invalid: "First change the marked settings to whole numbers within their bounds.",
    outOfBounds: (min: string, max: string) => `Enter a whole number from ${min} to ${max}.`,
    saved: (n: number) => `Saved: this is version ${n}.`,
    stale: "Your changes are still in the form. Load the latest settings (your changes stay) and save again.",
    reload: "Load the latest settings (keep my changes)",
    changed: "Changed",
    range: (min: string, max: string, unit: string) => `${min}–${max} ${unit}`,
    units: (key: SettingUnit) =>
      (
        ({
          characters: "characters",
          days: "days",
          attempts: "attempts",
          minutes: "minutes",
          hours: "hours",
        }) as Record<SettingUnit, string>
      )[key],
    names: (key: SettingName) =>
      (
        ({
          passwordMinLength: "Minimum password length",
          passwordMaxAgeDays: "Maximum password age",
          lockoutThreshold: "Lockout after failed sign-ins",
          lockoutMinutes: "Lockout duration",
          sessionMinutes: "Session token lifetime",
          idleMinutes: "Idle timeout",
          sessionAbsoluteHours: "Maximum session length",
          reauthenticationMinutes: "Re-authentication window for sensitive actions",
        }) as Record<SettingName, string>
      )[key],
    meanings: (key: SettingName) =>
      (
        ({
          passwordMinLength:
            "The fewest characters a new password may have; it must also mix three of: upper case, lower case, digits, symbols.",
          passwordMaxAgeDays: "After this many days, the user must change the password at sign-in.",
          lockoutThreshold: "This many wrong passwords or one-time codes in a row lock the account.",
          lockoutMinutes:
            "A locked account unlocks itself after this time (an administrator's password reset also unlocks it).",
          sessionMinutes:
            "How long each session token is good for; the console renews it while the user works.",
          idleMinutes: "With no activity for this long, the session ends and the user signs in again.",
          sessionAbsoluteHours: "However active, a session ends this long after sign-in.",
          reauthenticationMinutes:
            "Sensitive actions (adding users, changing roles, service exit…) need a sign-in within this time, or the password is asked again first.",
        }) as Record<SettingName, string>
      )[key],
  },
});

export function IdentitySettingsPage() {
  const t = texts.use();
  const format = useFormat();
  const session = useSession();
  const mayEdit = can("PUT /identity/settings", session);
  const loaded = useLoad(() => api.get("/identity/settings"), []);
  // Who changed it last: a user id, named when the caller may list the platform's users.
  const staff = useLoad(
    () =>
      can("GET /users", session) && session?.tenantId === "platform"
        ? api.get("/users", { query: { limit: 100 } })
        : Promise.resolve(undefined),
    [],
  );
  const [current, setCurrent] = useState<StoredIdentitySettings>();
  const [draft, setDraft] = useState<SettingsDraft>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<number>();
  const [nothing, setNothing] = useState(false);

  // The newest settings from the API; the form keeps what the user typed over a reload.
  useEffect(() => {
    if (!loaded.data) return;
    const next = loaded.data;
    setDraft((previous) =>
      previous && current ? rebaseDraft(previous, current.settings, next.settings) : draftOf(next.settings),
    );
    setCurrent(next);
  }, [loaded.data]);

  if (!current || !draft) {
    return (
      <section class="page admin-page">
        <h1>{t.title}</h1>
        <ErrorNotice error={loaded.error} onRetry={loaded.reload} />
        {loaded.error ? null : <Loading label={t.loading} />}
      </section>
    );
  }

  const { changes, invalid } = changedSettings(current.settings, draft);
  const apiError = isApiError(error) ? error : undefined;
  const stale = apiError?.code === "STALE_VERSION";
  const who = current.updatedBy
    ? (staff.data?.items.find((u) => u.userId === current.updatedBy)?.displayName ?? current.updatedBy)
    : undefined;

  return (
    <section class="page admin-page">
      <header class="page-header">
        <div>
          <h1>{t.title}</h1>
          <p>{t.intro}</p>
        </div>
        <Badge tone="info">
          <span data-testid="settings-version">{t.version(current.version)}</span>
        </Badge>
      </header>
      <p class="muted">
        {who && current.updatedAt ? t.lastChanged(who, format.dateTime(current.updatedAt)) : t.neverChanged}
      </p>
      {mayEdit ? null : <Notice>{t.readOnly}</Notice>}
      {saved !== undefined ? <Notice tone="ok">{t.saved(saved)}</Notice> : null}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setSaved(undefined);
          setNothing(false);
          if (invalid.length > 0) return;
          if (Object.keys(changes).length === 0) {
            setNothing(true);
            return;
          }
          setBusy(true);
          setError(undefined);
          api
            .put("/identity/settings", { body: { version: current.version, settings: changes } })
            .then((after) => {
              setCurrent(after);
              setDraft(draftOf(after.settings));
              setSaved(after.version);
            }, setError)
            .finally(() => setBusy(false));
        }}
      >
        <div class="table-wrap settings-table">
          <table>
            <caption class="visually-hidden">{t.caption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.setting}</th>
                <th scope="col">{t.value}</th>
                <th scope="col">{t.bounds}</th>
                <th scope="col">{t.defaultValue}</th>
              </tr>
            </thead>
            <tbody>
              {settingNames.map((name) => {
                const bounds = settingBounds(name);
                const unit = t.units(settingUnits[name]);
                const id = `setting-${name}`;
                const bad = invalid.includes(name);
                const fieldError = bad
                  ? t.outOfBounds(format.number(bounds.min), format.number(bounds.max))
                  : apiError?.fieldError(`settings.${name}`);
                return (
                  <tr key={name}>
                    <td>
                      <label for={id} class={name in changes ? "settings-changed" : undefined}>
                        {t.names(name)}
                      </label>
                      <p class="settings-meaning" id={`${id}-meaning`}>
                        {t.meanings(name)}
                      </p>
                    </td>
                    <td>
                      <span class="nowrap">
                        <input
                          id={id}
                          type="number"
                          inputMode="numeric"
                          min={bounds.min}
                          max={bounds.max}
                          step={1}
                          value={draft[name]}
                          readOnly={!mayEdit}
                          aria-invalid={fieldError ? "true" : undefined}
                          aria-describedby={`${id}-meaning${fieldError ? ` ${id}-error` : ""}`}
                          onInput={(event) => {
                            const value = (event.target as HTMLInputElement).value;
                            setDraft((d) => (d ? { ...d, [name]: value } : d));
                          }}
                        />{" "}
                        {unit}
                      </span>
                      {name in changes ? (
                        <>
                          {" "}
                          <Badge tone="warn">{t.changed}</Badge>
                        </>
                      ) : null}
                      {fieldError ? (
                        <p class="field-error" id={`${id}-error`} role="alert">
                          {fieldError}
                        </p>
                      ) : null}
                    </td>
                    <td class="nowrap">
                      {t.range(format.number(bounds.min), format.number(bounds.max), unit)}
                    </td>
                    <td class="nowrap">
                      {format.number(bounds.default)} {unit}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {mayEdit ? (
          <>
            {nothing ? <Notice>{t.nothing}</Notice> : null}
            {invalid.length > 0 ? <p class="field-error">{t.invalid}</p> : null}
            <ErrorNotice error={error} />
            {stale ? <Notice tone="warn">{t.stale}</Notice> : null}
            <div class="settings-actions">
              <Button type="submit" variant="primary" busy={busy}>
                {t.save}
              </Button>
              {stale ? (
                <Button
                  onClick={() => {
                    setError(undefined);
                    loaded.reload();
                  }}
                >
                  {t.reload}
                </Button>
              ) : null}
              <Button
                variant="link"
                disabled={Object.keys(changes).length === 0 && invalid.length === 0}
                onClick={() => {
                  setDraft(draftOf(current.settings));
                  setError(undefined);
                }}
              >
                {t.discard}
              </Button>
            </div>
          </>
        ) : null}
      </form>
    </section>
  );
}
