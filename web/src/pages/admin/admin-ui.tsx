import type { ComponentChildren } from "preact";
import { useId, useState } from "preact/hooks";
import type { RoleConflict } from "../../../../shared/identity/roles.ts";
import { useLocale } from "../../i18n/locale.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { Button, TextField } from "../../ui/controls.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { ErrorNotice } from "../../ui/notice.tsx";
import { conflictText, roleList } from "./admin-logic.ts";
import "./admin.css";

const texts = defineMessages({
  zh: {
    cancel: "取消",
    close: "关闭",
    typeToConfirm: (name: string) => `请输入「${name}」以确认`,
    copy: "复制密码",
    copied: "已复制到剪贴板。",
    copyFailed: "浏览器未允许复制，请选中密码手动复制。",
    otpLabel: "一次性密码",
    otpOnce: "这个密码只显示这一次，关闭后无法再查看。请通过安全渠道交给用户本人。",
    otpChange: "用户首次登录时必须修改这个密码，并按要求绑定动态口令（MFA）。",
    noted: "我已记下，关闭",
    forUser: (name: string) => `用户：${name}`,
    sodTitle: "这个角色组合不被允许",
    roles: "涉及角色：",
  },
  en: {
    cancel: "Cancel",
    close: "Close",
    typeToConfirm: (name: string) => `Type “${name}” to confirm`,
    copy: "Copy password",
    copied: "Copied to the clipboard.",
    copyFailed: "The browser did not allow copying: select the password and copy it by hand.",
    otpLabel: "One-time password",
    otpOnce:
      "This password is shown only this once and cannot be seen again after closing. Give it to the user in person or over a secure channel.",
    otpChange:
      "The user must change it at the first sign-in, and then enrol a one-time code app (MFA) as asked.",
    noted: "I have noted it, close",
    forUser: (name: string) => `User: ${name}`,
    sodTitle: "This combination of roles is not allowed",
    roles: "Roles involved: ",
  },
});

/** Why the ticked roles cannot go together (live while ticking, and when the API refuses). */
export function RoleConflicts(props: { conflicts: readonly RoleConflict[]; other?: readonly string[] }) {
  const t = texts.use();
  const locale = useLocale();
  const shown = props.conflicts.length > 0 || (props.other?.length ?? 0) > 0;
  return (
    <div role="status" aria-live="polite" data-testid="role-conflicts">
      {shown ? (
        <div class="notice notice-warn sod-notice">
          <p class="notice-title">{t.sodTitle}</p>
          <ul>
            {props.conflicts.map((conflict) => (
              <li key={`${conflict.code}-${conflict.roles.join("+")}`}>
                {conflictText(conflict, locale)}
                {conflict.code === "MIXED_SCOPE" ? (
                  <span class="sod-roles">
                    {" "}
                    {t.roles}
                    {roleList(conflict.roles, locale)}
                  </span>
                ) : null}
              </li>
            ))}
            {props.other?.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/**
 * A confirmation that says what the action does; the action runs from here, its error stays in
 * the dialog (nothing typed is lost). `typeToConfirm`: the user types this text first.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  confirmLabel: string;
  variant?: "primary" | "danger";
  typeToConfirm?: string;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  children: ComponentChildren;
}) {
  const t = texts.use();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [typed, setTyped] = useState("");
  const close = () => {
    setError(undefined);
    setTyped("");
    props.onClose();
  };
  const ready = !props.typeToConfirm || typed.trim() === props.typeToConfirm;
  return (
    <Dialog title={props.title} open={props.open} onClose={busy ? undefined : close}>
      <div class="confirm-body">{props.children}</div>
      {props.typeToConfirm ? (
        <TextField
          label={t.typeToConfirm(props.typeToConfirm)}
          value={typed}
          onValue={setTyped}
          autoComplete="off"
        />
      ) : null}
      <ErrorNotice error={error} />
      <div class="dialog-actions">
        <Button onClick={close} disabled={busy}>
          {t.cancel}
        </Button>
        <Button
          variant={props.variant ?? "primary"}
          busy={busy}
          disabled={!ready}
          onClick={() => {
            setBusy(true);
            setError(undefined);
            props
              .onConfirm()
              .then(() => {
                setTyped("");
                props.onClose();
              }, setError)
              .finally(() => setBusy(false));
          }}
        >
          {props.confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}

/** A one-time password, shown this once, with a copy button and what the user must do with it. */
export function OneTimePasswordDialog(props: {
  title: string;
  shown?: { userName: string; password: string };
  onClose: () => void;
}) {
  const t = texts.use();
  const [copy, setCopy] = useState<"copied" | "failed">();
  const id = useId();
  const close = () => {
    setCopy(undefined);
    props.onClose();
  };
  return (
    <Dialog title={props.title} open={props.shown !== undefined} onClose={close}>
      {props.shown ? (
        <div class="otp" data-testid="one-time-password">
          <p>{t.forUser(props.shown.userName)}</p>
          <label for={id}>{t.otpLabel}</label>
          <div class="otp-row">
            <input id={id} class="otp-value" readOnly value={props.shown.password} spellcheck={false} />
            <Button
              onClick={() => {
                const password = props.shown?.password ?? "";
                navigator.clipboard.writeText(password).then(
                  () => setCopy("copied"),
                  () => setCopy("failed"),
                );
              }}
            >
              {t.copy}
            </Button>
          </div>
          <p role="status" class="otp-copy">
            {copy === "copied" ? t.copied : copy === "failed" ? t.copyFailed : ""}
          </p>
          <div class="notice notice-warn">
            <p>{t.otpOnce}</p>
            <p>{t.otpChange}</p>
          </div>
          <div class="dialog-actions">
            <Button variant="primary" onClick={close}>
              {t.noted}
            </Button>
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
