import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { apiDoc, withWhoColumn } from "../../../cli/docs-api.ts";
import { routes } from "../../../shared/api/routes.ts";
import { errorCatalogue } from "../../../shared/error-codes.ts";

const markdown = readFileSync(apiDoc, "utf8");

describe("docs/api.md follows the route declarations", () => {
  it("lists every catalogued route once, and no other", () => {
    const documented = [...markdown.matchAll(/^\| `((?:GET|POST|PUT|PATCH|DELETE) \/[^`]*)` \|/gm)].map(
      (m) => m[1],
    );

    expect(documented).toEqual(Object.keys(routes));
  });

  it("says who may call each route as its declaration does (run `npm run docs:api` after changing one)", () => {
    expect(withWhoColumn(markdown)).toBe(markdown);
  });

  it("names only error codes the error catalogue has", () => {
    const section = markdown.slice(markdown.indexOf("## Error codes"));
    const named = [...section.matchAll(/`([A-Z][A-Z0-9_]{2,})`/g)].map((m) => m[1] as string);

    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((code) => !(code in errorCatalogue))).toEqual([]);
  });
});
