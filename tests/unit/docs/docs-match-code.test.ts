import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stackNames } from "../../../infra/names.ts";
import { projectRoot } from "../../../infra/paths.ts";
import { routes } from "../../../shared/api/routes.ts";

const read = (file: string) => readFileSync(path.join(projectRoot, file), "utf8");
const architecture = read("docs/architecture.md");

/** The stacks as the doc writes them: `Govdr-{stage}-<Name>`, whatever the stage. */
function documentedName(name: string): string {
  return name.replace(/^Govdr-local-/, "Govdr-{stage}-");
}

describe("docs/architecture.md names the stacks the CDK app defines", () => {
  const defined = Object.values(stackNames("local")).map(documentedName);

  it("builds every stack of infra/names.ts in infra/app.ts, and no other", () => {
    const app = read("infra/app.ts");
    const built = [...app.matchAll(/new \w+Stack\(app, names\.(\w+)/g)].map((m) => m[1]);
    const anyOther = [...app.matchAll(/new \w+Stack\(app, (?!names\.)/g)];

    expect(built.sort()).toEqual(Object.keys(stackNames("local")).sort());
    expect(anyOther).toEqual([]);
  });

  it.each(defined)("names %s", (name) => {
    expect(architecture).toContain(`\`${name}\``);
  });

  it("names no stack the app does not define", () => {
    const named = new Set([...architecture.matchAll(/Govdr-\{stage\}-\w+/g)].map((m) => m[0]));

    expect([...named].filter((name) => !defined.includes(name))).toEqual([]);
  });

  it.each(readdirSync(path.join(projectRoot, "infra/stacks")).filter((f) => f.endsWith("-stack.ts")))(
    "names the stack class file infra/stacks/%s",
    (file) => {
      expect(architecture).toContain(`infra/stacks/${file}`);
    },
  );
});

describe("docs/architecture.md names every route family and Lambda", () => {
  const families = [...new Set(Object.values(routes).map((doc) => doc.family))].sort();
  /** Rows of the route family table: | `family` | `functions/api/<file>.ts` | … */
  const rows = [...architecture.matchAll(/^\| `(\w+)` \| `functions\/api\/([\w-]+)\.ts` \|/gm)].map((m) => ({
    family: m[1] as string,
    handler: m[2] as string,
  }));

  it("has one row per route family of shared/api/routes.ts, and no other", () => {
    expect(rows.map((row) => row.family).sort()).toEqual(families);
  });

  it.each(families)("gives the %s family its handler functions/api/<family>.ts", (family) => {
    expect(rows.find((row) => row.family === family)?.handler).toBe(family);
    expect(existsSync(path.join(projectRoot, "functions/api", `${family}.ts`))).toBe(true);
  });

  const lambdaFiles = ["api", "tasks", "events"].flatMap((dir) =>
    readdirSync(path.join(projectRoot, "functions", dir))
      .filter((file) => file.endsWith(".ts"))
      .map((file) => `functions/${dir}/${file}`),
  );

  it.each(lambdaFiles)("mentions %s", (file) => {
    expect(architecture).toContain(file);
  });
});

/** Markdown link targets outside code: inline `[text](target "title")` and `[ref]: target`. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] as string);
  const references = [...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1] as string);
  return [...inline, ...references];
}

const isRelative = (target: string) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith("#");

describe("relative links in README.md and docs/*.md", () => {
  const files = [
    "README.md",
    ...readdirSync(path.join(projectRoot, "docs"))
      .filter((file) => file.endsWith(".md"))
      .map((file) => `docs/${file}`),
  ];

  it.each(files)("%s links only to files inside the repository that exist", (file) => {
    const broken = linkTargets(read(file))
      .filter(isRelative)
      .filter((target) => {
        const withoutAnchor = decodeURIComponent(target.replace(/[?#].*$/, ""));
        const resolved = withoutAnchor.startsWith("/")
          ? path.join(projectRoot, withoutAnchor)
          : path.resolve(path.dirname(path.join(projectRoot, file)), withoutAnchor);
        const inside = resolved === projectRoot || resolved.startsWith(`${projectRoot}${path.sep}`);
        return !inside || !existsSync(resolved);
      });

    expect(broken).toEqual([]);
  });

  it("finds the links it checks (the link pattern still matches)", () => {
    expect(linkTargets(read("README.md"))).toContain("docs/architecture.md");
    expect(linkTargets("see [a](../x.md#y) and `[b](c.md)`\n\n[r]: d.md\n")).toEqual(["../x.md#y", "d.md"]);
  });
});
