import { useEffect, useState } from "preact/hooks";
import QRCode from "qrcode";
import { isApiError } from "../../api/api-error.ts";
import { api } from "../../api/client.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { establish, type Session } from "../../session/session.ts";
import { Button, TextField } from "../../ui/controls.tsx";
import { ErrorNotice } from "../../ui/notice.tsx";
import type { SignInGrant } from "./responses.ts";

const texts = defineMessages({
  zh: {
    userName: "用户名",
    password: "密码",
    signIn: "登录",
    changeTitle: "首次登录请修改密码",
    changeIntro: "您使用的是一次性密码或已到期的密码。请设置新密码后继续。",
    currentPassword: "当前密码",
    newPassword: "新密码",
    newPasswordHint:
      "至少 14 个字符，须包含大写字母、小写字母、数字和符号中的至少三类，不能包含用户名，也不能有 4 个连续相同的字符。",
    confirmPassword: "再次输入新密码",
    mismatch: "两次输入的新密码不一致。",
    change: "修改密码",
    enrolTitle: "绑定动态口令（MFA）",
    enrolIntro:
      "管理员账号必须使用动态口令。请用手机上的身份验证器应用（如 FreeOTP、Google Authenticator）扫描二维码，然后输入应用显示的 6 位数字。",
    qrAlt: "动态口令绑定二维码",
    manualKey: "无法扫码时，请手动输入密钥：",
    verifyTitle: "输入动态口令",
    verifyIntro: "请输入身份验证器应用当前显示的 6 位数字。",
    code: "6 位动态口令",
    verify: "验证",
    working: "请稍候…",
  },
  en: {
    userName: "User name",
    password: "Password",
    signIn: "Sign in",
    changeTitle: "Change your password to continue",
    changeIntro: "You signed in with a one-time or expired password. Choose a new one to continue.",
    currentPassword: "Current password",
    newPassword: "New password",
    newPasswordHint:
      "At least 14 characters with three of: upper case, lower case, digits, symbols; not containing your user name or four identical characters in a row.",
    confirmPassword: "New password again",
    mismatch: "The two new passwords differ.",
    change: "Change password",
    enrolTitle: "Set up your authenticator (MFA)",
    enrolIntro:
      "Administrator accounts need a one-time code. Scan the QR code with an authenticator app on your phone (FreeOTP, Google Authenticator…), then type the 6 digits it shows.",
    qrAlt: "QR code to set up the authenticator",
    manualKey: "Cannot scan? Enter this key by hand:",
    verifyTitle: "Enter your one-time code",
    verifyIntro: "Type the 6 digits your authenticator app shows now.",
    code: "6-digit code",
    verify: "Verify",
    working: "Please wait…",
  },
});

type Step =
  | { kind: "password" }
  | { kind: "change-password"; token: string }
  | { kind: "enrol-mfa"; token: string; otpauthUri?: string; secret?: string; qr?: string }
  | { kind: "verify-mfa"; token: string };

/**
 * Every sign-in step the API asks for, in its order: password, then (as the answer's `scope` says)
 * a password change, TOTP enrolment with a QR code, or TOTP verification, until the session is full.
 */
export function SignInSteps(props: { fixedUserName?: string; onSignedIn: (session: Session) => void }) {
  const t = texts.use();
  const [step, setStep] = useState<Step>({ kind: "password" });
  const [userName, setUserName] = useState(props.fixedUserName ?? "");
  const [password, setPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [mismatch, setMismatch] = useState(false);

  const next = async (grant: SignInGrant) => {
    setCode("");
    if (grant.scope === "full") {
      props.onSignedIn(await establish(grant, userName.trim()));
      return;
    }
    setStep({ kind: grant.scope, token: grant.token });
  };

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (step.kind !== "enrol-mfa" || step.otpauthUri) return;
    void run(async () => {
      const enrolment = await api.post("/auth/mfa/enrolment", { token: step.token, noReauth: true });
      const qr = await QRCode.toDataURL(enrolment.otpauthUri, { margin: 1, width: 220 });
      setStep({ ...step, otpauthUri: enrolment.otpauthUri, secret: enrolment.secret, qr });
    });
  }, [step]);

  if (step.kind === "password") {
    return (
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault();
          void run(async () =>
            next(
              await api.post("/auth/login", {
                body: { userName: userName.trim(), password },
                noReauth: true,
              }),
            ),
          );
        }}
      >
        <TextField
          label={t.userName}
          name="userName"
          autoComplete="username"
          value={userName}
          onValue={setUserName}
          readOnly={Boolean(props.fixedUserName)}
          required
        />
        <TextField
          label={t.password}
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onValue={setPassword}
          required
        />
        <ErrorNotice error={error} />
        <Button type="submit" variant="primary" busy={busy}>
          {t.signIn}
        </Button>
      </form>
    );
  }

  if (step.kind === "change-password") {
    return (
      <form
        class="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (newPassword !== confirm) {
            setMismatch(true);
            return;
          }
          setMismatch(false);
          void run(async () => {
            const grant = await api.post("/auth/password", {
              body: { currentPassword: password, newPassword },
              token: step.token,
              noReauth: true,
            });
            setPassword(newPassword);
            await next(grant);
          });
        }}
      >
        <h2>{t.changeTitle}</h2>
        <p>{t.changeIntro}</p>
        <TextField
          label={t.newPassword}
          name="newPassword"
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onValue={setNewPassword}
          hint={t.newPasswordHint}
          error={isApiError(error) ? error.fieldError("newPassword") : undefined}
          required
        />
        <TextField
          label={t.confirmPassword}
          name="confirmPassword"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onValue={setConfirm}
          error={mismatch ? t.mismatch : undefined}
          required
        />
        <ErrorNotice error={error} />
        <Button type="submit" variant="primary" busy={busy}>
          {t.change}
        </Button>
      </form>
    );
  }

  const codeForm = (title: string, intro: string) => (
    <form
      class="form"
      onSubmit={(event) => {
        event.preventDefault();
        void run(async () =>
          next(
            await api.post("/auth/mfa/verification", {
              body: { code: code.trim() },
              token: step.token,
              noReauth: true,
            }),
          ),
        );
      }}
    >
      <h2>{title}</h2>
      <p>{intro}</p>
      {step.kind === "enrol-mfa" && step.qr ? (
        <div class="mfa-enrolment">
          <img src={step.qr} alt={t.qrAlt} width={220} height={220} />
          <p>
            {t.manualKey} <code data-testid="mfa-secret">{step.secret}</code>
          </p>
        </div>
      ) : null}
      <TextField
        label={t.code}
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]{6}"
        maxLength={6}
        value={code}
        onValue={setCode}
        required
      />
      <ErrorNotice error={error} />
      <Button type="submit" variant="primary" busy={busy}>
        {t.verify}
      </Button>
    </form>
  );
  return step.kind === "enrol-mfa"
    ? codeForm(t.enrolTitle, t.enrolIntro)
    : codeForm(t.verifyTitle, t.verifyIntro);
}
