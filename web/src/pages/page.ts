import type { AnyComponent } from "preact";
import type { OperationKey } from "../api/generated/access.ts";
import type { Bilingual } from "../i18n/messages.ts";
import { can, isPlatformUser, type Session } from "../session/session.ts";

/** One page of the console, as each page group declares it (pages/<group>/index.ts). */
export interface PageDef {
  /** preact-iso route pattern, e.g. `/systems/:systemId`. */
  path: string;
  // biome-ignore lint/suspicious/noExplicitAny: route components receive their path's parameters
  component: AnyComponent<any>;
  title: Bilingual;
  /** Reachable signed out (sign-in, registration). */
  public?: boolean;
  /**
   * The API operation the page is for: a user whose roles do not reach it neither sees the page in
   * the navigation nor opens it by URL (it says who may). From the route declarations (access.ts).
   */
  operation?: OperationKey;
  /** Listed in the navigation, in this order (lower first). */
  nav?: number;
  /** Listed only for a unit's users, or only for platform staff (default: whoever may open it). */
  navFor?: "unit" | "platform";
}

/** The pages of the navigation for this user, in order: those their roles reach and that are meant for them. */
export function navigationFor(pages: readonly PageDef[], session: Session | undefined): PageDef[] {
  return pages
    .filter((page) => page.nav !== undefined && (!page.operation || can(page.operation, session)))
    .filter((page) => !page.navFor || (page.navFor === "platform") === isPlatformUser(session))
    .sort((a, b) => (a.nav ?? 0) - (b.nav ?? 0));
}

/** One tab of a system's page (/systems/:systemId/:tab), as a page group declares it. */
export interface SystemTab {
  id: string;
  title: Bilingual;
  operation: OperationKey;
  order: number;
  // biome-ignore lint/suspicious/noExplicitAny: tabs receive the system
  component: AnyComponent<any>;
}
