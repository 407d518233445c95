import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { whoMayCall } from "../shared/api/who-may-call.ts";
import type { RouteKey } from "../shared/lambda/router.ts";
import { projectRoot } from "./paths.ts";

export const apiDoc = path.join(projectRoot, "docs", "api.md");

/** docs/api.md with every route row's "who" cell as the route's declaration says (whoMayCall). */
export function withWhoColumn(markdown: string): string {
  return markdown.replace(
    /^\| `((?:GET|POST|PUT|PATCH|DELETE) \/[^`]*)` \| [^|]*(?:\\\|[^|]*)* \|/gm,
    (_row, key: string) => {
      return `| \`${key}\` | ${whoMayCall(key as RouteKey)} |`;
    },
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(apiDoc, withWhoColumn(readFileSync(apiDoc, "utf8")));
}
