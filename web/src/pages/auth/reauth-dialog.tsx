import { useLocation } from "preact-iso";
import { defineMessages } from "../../i18n/messages.ts";
import { reauthStore, signOut, useSession } from "../../session/session.ts";
import { Button } from "../../ui/controls.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { SignInSteps } from "./sign-in-steps.tsx";

const texts = defineMessages({
  zh: {
    expired: "会话已过期",
    idle: "长时间未操作，已自动锁定",
    sensitive: "请确认身份",
    expiredIntro: "您的会话已过期。请重新登录；当前页面和已填写的内容都会保留。",
    idleIntro: "您已较长时间未操作，会话已超时。请重新登录以继续；当前页面和已填写的内容都会保留。",
    sensitiveIntro:
      "这是敏感操作，需要在 5 分钟内验证过身份。请再次输入密码（和动态口令），验证后操作会自动继续。",
    cancel: "取消",
    signOut: "退出登录",
  },
  en: {
    expired: "Your session expired",
    idle: "Locked after inactivity",
    sensitive: "Confirm it is you",
    expiredIntro: "Your session expired. Sign in again; this page and what you typed are kept.",
    idleIntro:
      "You were inactive for a while and the session timed out. Sign in again to continue; this page and what you typed are kept.",
    sensitiveIntro:
      "This is a sensitive action: it needs a sign-in within the last 5 minutes. Enter your password (and code) again and the action continues.",
    cancel: "Cancel",
    signOut: "Sign out",
  },
});

/** Covers the page when the session needs a fresh sign-in; the action that asked is retried after. */
export function ReauthDialog() {
  const t = texts.use();
  const request = reauthStore.use();
  const session = useSession();
  const location = useLocation();
  if (!request || !session) return null;
  const title = { expired: t.expired, idle: t.idle, sensitive: t.sensitive }[request.reason];
  const intro = { expired: t.expiredIntro, idle: t.idleIntro, sensitive: t.sensitiveIntro }[request.reason];
  return (
    <Dialog
      title={title}
      open
      onClose={request.reason === "sensitive" ? () => request.reject(new Error("cancelled")) : undefined}
    >
      <p>{intro}</p>
      <SignInSteps fixedUserName={session.userName} onSignedIn={() => request.resolve()} />
      <div class="dialog-actions">
        {request.reason === "sensitive" ? (
          <Button onClick={() => request.reject(new Error("cancelled"))}>{t.cancel}</Button>
        ) : null}
        <Button
          variant="link"
          onClick={() => {
            request.reject(new Error("signed out"));
            void signOut().then(() => location.route("/sign-in", true));
          }}
        >
          {t.signOut}
        </Button>
      </div>
    </Dialog>
  );
}
