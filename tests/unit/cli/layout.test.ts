import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The direction of the layout (issue #22): shared/ is the core and imports neither the agent nor the
// dev tooling; agent/ ships to protected servers and imports shared/ only, never cli/; cli/ may
// import both (it registers the agent's commands so that `npx govdr backup` works).
const root = path.resolve(import.meta.dirname, "../../..");

async function typescriptFiles(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .filter((file) => !file.split(path.sep).includes("node_modules"));
}

/** Every module specifier: `import … from`, `export … from`, `import "…"` and `import("…")`. */
function importSpecifiers(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s[^"'`;]*?\sfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((m) => m[1] as string));
}

/** The top-level folder a specifier of `file` lands in (relative ones only; packages land nowhere). */
function targetFolder(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const target = path.relative(root, path.resolve(root, path.dirname(file), specifier));
  return target.startsWith("..") ? undefined : target.split(path.sep)[0];
}

async function importsInto(dir: string, forbidden: string[]): Promise<string[]> {
  const offences: string[] = [];
  for (const file of await typescriptFiles(dir)) {
    for (const specifier of importSpecifiers(await readFile(path.join(root, file), "utf8"))) {
      const folder = targetFolder(file, specifier);
      if (folder && forbidden.includes(folder)) offences.push(`${file} imports ${specifier}`);
    }
  }
  return offences;
}

describe("the layout's dependency direction", () => {
  it("finds every kind of import specifier", () => {
    const source = [
      'import { a } from "../cli/a.ts";',
      'import type {\n  B,\n} from "../cli/b.ts";',
      'export { c } from "../cli/c.ts";',
      'import "../cli/d.ts";',
      'const e = await import("../cli/e.ts");',
    ].join("\n");
    expect(importSpecifiers(source)).toEqual(
      expect.arrayContaining(["../cli/a.ts", "../cli/b.ts", "../cli/c.ts", "../cli/d.ts", "../cli/e.ts"]),
    );
    expect(targetFolder("agent/commands/x.ts", "../../cli/log.ts")).toBe("cli");
    expect(targetFolder("agent/commands/x.ts", "../vault/x.ts")).toBe("agent");
    expect(targetFolder("agent/x.ts", "commander")).toBeUndefined();
  });

  it("scans the agent's files", async () => {
    const files = await typescriptFiles("agent");
    expect(files).toContain(path.join("agent", "main.ts"));
    expect(files).toContain(path.join("agent", "commands", "backup.ts"));
  });

  it("agent/ never imports from cli/", async () => {
    expect(await importsInto("agent", ["cli"])).toEqual([]);
  });

  it("shared/ imports from neither agent/ nor cli/", async () => {
    expect(await importsInto("shared", ["agent", "cli"])).toEqual([]);
  });
});
