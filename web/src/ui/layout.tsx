import type { ComponentChildren } from "preact";
import { useLocation } from "preact-iso";
import { type Locale, locales, setLocale, useLocale } from "../i18n/locale.ts";
import { defineMessages } from "../i18n/messages.ts";
import { roleLabels } from "../i18n/roles.ts";
import { navigationFor, type PageDef } from "../pages/page.ts";
import { signOut, useSession } from "../session/session.ts";
import { ConnectionBanner } from "./connection-banner.tsx";

const texts = defineMessages({
  zh: {
    brand: "政务云灾备服务",
    skip: "跳到主要内容",
    nav: "主导航",
    language: "语言",
    signOut: "退出登录",
    platform: "平台",
  },
  en: {
    brand: "E-government cloud DR",
    skip: "Skip to main content",
    nav: "Main navigation",
    language: "Language",
    signOut: "Sign out",
    platform: "Platform",
  },
});

const languageNames: Record<Locale, string> = { zh: "中文", en: "English" };

export function LanguageSwitch() {
  const locale = useLocale();
  const t = texts.use();
  return (
    <fieldset class="language-switch">
      <legend class="visually-hidden">{t.language}</legend>
      {locales.map((option) => (
        <button
          key={option}
          type="button"
          lang={option === "zh" ? "zh-CN" : "en"}
          aria-pressed={option === locale ? "true" : "false"}
          onClick={() => setLocale(option)}
        >
          {languageNames[option]}
        </button>
      ))}
    </fieldset>
  );
}

/** The frame of every signed-in page: header, the navigation the user's roles allow, the page. */
export function Shell(props: { pages: readonly PageDef[]; children: ComponentChildren }) {
  const t = texts.use();
  const locale = useLocale();
  const session = useSession();
  const location = useLocation();
  const navPages = navigationFor(props.pages, session);
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        {t.skip}
      </a>
      <header class="topbar">
        <a class="brand" href="/">
          <span class="brand-mark" aria-hidden="true">
            DR
          </span>
          govdr · {t.brand}
        </a>
        <div class="topbar-right">
          <LanguageSwitch />
          {session ? (
            <>
              <span class="who" data-testid="who">
                {session.userName}
                <span class="who-roles">
                  {session.roles.map((role) => roleLabels[role]?.[locale] ?? role).join("、")}
                  {session.tenantId === "platform" ? ` · ${t.platform}` : ""}
                </span>
              </span>
              <button
                type="button"
                class="button button-link"
                onClick={() => void signOut().then(() => location.route("/sign-in"))}
              >
                {t.signOut}
              </button>
            </>
          ) : null}
        </div>
      </header>
      <div class="body">
        {session ? (
          <nav class="sidenav" aria-label={t.nav}>
            <ul>
              {navPages.map((page) => {
                const current = location.path === page.path || location.path.startsWith(`${page.path}/`);
                return (
                  <li key={page.path}>
                    <a href={page.path} aria-current={current ? "page" : undefined}>
                      {page.title[locale]}
                    </a>
                  </li>
                );
              })}
            </ul>
          </nav>
        ) : null}
        <main id="main" tabIndex={-1}>
          <ConnectionBanner />
          {props.children}
        </main>
      </div>
    </div>
  );
}
