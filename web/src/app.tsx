import { useEffect } from "preact/hooks";
import { LocationProvider, Route, Router, useLocation } from "preact-iso";
import { access } from "./api/generated/access.ts";
import { useLocale } from "./i18n/locale.ts";
import { defineMessages } from "./i18n/messages.ts";
import { roleLabels } from "./i18n/roles.ts";
import { ReauthDialog } from "./pages/auth/reauth-dialog.tsx";
import { navigationFor, type PageDef } from "./pages/page.ts";
import { allPages } from "./pages/registry.ts";
import { can, startKeepAlive, useSession } from "./session/session.ts";
import { Shell } from "./ui/layout.tsx";

const texts = defineMessages({
  zh: {
    notFound: "找不到这个页面",
    notFoundText: "地址可能有误，或该页面已不存在。",
    forbidden: "您的角色不能使用这个页面",
    forbiddenText: (who: string) => `只有以下角色可以使用：${who}。如需使用，请联系本单位管理员调整角色。`,
    home: "返回首页",
    nothing: "暂无可用页面",
    nothingText: "您的角色目前没有可使用的页面。请联系本单位管理员或平台安全管理员分配角色。",
  },
  en: {
    notFound: "Page not found",
    notFoundText: "The address may be wrong, or the page no longer exists.",
    forbidden: "Your role cannot use this page",
    forbiddenText: (who: string) =>
      `Only these roles may: ${who}. Ask your unit's administrator to change your roles.`,
    home: "Back to the start page",
    nothing: "Nothing to show yet",
    nothingText:
      "Your roles give you no page yet. Ask your unit's administrator or the platform's security administrator for a role.",
  },
});

function NotFound() {
  const t = texts.use();
  return (
    <section class="page">
      <h1>{t.notFound}</h1>
      <p>{t.notFoundText}</p>
      <a href="/">{t.home}</a>
    </section>
  );
}

/** Opens the page, or says why not: signed out → sign-in (and back after); a role that may not → who may. */
function Guarded(props: { page: PageDef; params?: Record<string, string> }) {
  const session = useSession();
  const location = useLocation();
  const locale = useLocale();
  const t = texts.use();
  const { page } = props;
  const signedOut = !page.public && !session;
  useEffect(() => {
    if (signedOut) location.route(`/sign-in?next=${encodeURIComponent(location.url)}`, true);
  }, [signedOut]);
  useEffect(() => {
    document.title = `${page.title[locale]} · govdr`;
  }, [page, locale]);
  if (signedOut) return null;
  if (page.operation && !can(page.operation, session)) {
    const who = access[page.operation].roles
      .map((role) => roleLabels[role as keyof typeof roleLabels]?.[locale] ?? role)
      .join(locale === "zh" ? "、" : ", ");
    return (
      <section class="page" data-testid="forbidden">
        <h1>{t.forbidden}</h1>
        <p>{t.forbiddenText(who)}</p>
        <a href="/">{t.home}</a>
      </section>
    );
  }
  const Page = page.component;
  return <Page {...(props.params ?? {})} />;
}

/** `/`: the first page of the navigation the user's roles allow (the dashboard for a unit). */
function Home() {
  const session = useSession();
  const location = useLocation();
  const t = texts.use();
  const first = navigationFor(allPages, session)[0];
  const target = session ? first?.path : "/sign-in";
  useEffect(() => {
    if (target) location.route(target, true);
  }, [target]);
  if (target) return null;
  return (
    <section class="page">
      <h1>{t.nothing}</h1>
      <p>{t.nothingText}</p>
    </section>
  );
}

/** One route component per page, made once, so a re-render of the app never remounts a page. */
const routed = allPages.map((page) => ({
  page,
  component: (props: { params: Record<string, string> }) => <Guarded page={page} params={props.params} />,
}));

function Routes() {
  return (
    <Router>
      <Route path="/" component={Home} />
      {routed.map(({ page, component }) => (
        <Route key={page.path} path={page.path} component={component} />
      ))}
      <Route default component={NotFound} />
    </Router>
  );
}

export function App() {
  useEffect(() => startKeepAlive(), []);
  return (
    <LocationProvider>
      <Shell pages={allPages}>
        <Routes />
      </Shell>
      <ReauthDialog />
    </LocationProvider>
  );
}
