import type { ComponentChildren } from "preact";

/** Tabs as links (each tab has its own URL, so it can be bookmarked and opened in a new tab). */
export function TabLinks(props: {
  label: string;
  tabs: readonly { href: string; label: string; current: boolean }[];
}) {
  return (
    <nav class="tabs" aria-label={props.label}>
      {props.tabs.map((tab) => (
        <a key={tab.href} href={tab.href} aria-current={tab.current ? "page" : undefined}>
          {tab.label}
        </a>
      ))}
    </nav>
  );
}

export function Section(props: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
  return (
    <section class="section">
      <header class="section-header">
        <h2>{props.title}</h2>
        {props.actions ? <div class="section-actions">{props.actions}</div> : null}
      </header>
      {props.children}
    </section>
  );
}
