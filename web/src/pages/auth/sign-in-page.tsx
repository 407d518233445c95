import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { defineMessages } from "../../i18n/messages.ts";
import { useSession } from "../../session/session.ts";
import { SignInSteps } from "./sign-in-steps.tsx";

const texts = defineMessages({
  zh: {
    title: "登录政务云灾备服务",
    register: "还没有账号？单位自助注册",
    expired: "会话已结束，请重新登录。",
  },
  en: {
    title: "Sign in to govdr",
    register: "No account yet? Register your unit",
    expired: "Your session ended. Please sign in again.",
  },
});

/** `/sign-in?next=/systems`: after the last step, back where the user was going. */
export function SignInPage() {
  const t = texts.use();
  const location = useLocation();
  const next = safeNext(location.query.next);
  const session = useSession();
  // Already signed in (a bookmark, the back button): straight on.
  useEffect(() => {
    if (session) location.route(next, true);
  }, [session]);
  return (
    <div class="auth-card">
      <h1>{t.title}</h1>
      {location.query.ended ? <p class="notice notice-warn">{t.expired}</p> : null}
      <SignInSteps onSignedIn={() => undefined} />
      <p class="auth-links">
        <a href="/register">{t.register}</a>
      </p>
    </div>
  );
}

/** Only a path of this console: never an address elsewhere (an open redirect). */
export function safeNext(next: string | undefined): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/";
}
