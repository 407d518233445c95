import type { PageDef } from "../page.ts";

/** The DR work of a system lives in its tabs (./tabs.ts), under the systems group's system page. */
export const pages: PageDef[] = [];
