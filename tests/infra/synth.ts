import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import { createGovdrApp } from "../../infra/app.ts";

/** Synthesizes the whole app (cdk-nag included) into a fresh directory. */
export function synthGovdr(context: Record<string, unknown> = {}) {
  const outdir = mkdtempSync(path.join(tmpdir(), "govdr-synth-"));
  const built = createGovdrApp({ context, outdir });
  const assembly = built.app.synth();
  const templates = Object.fromEntries(
    Object.entries(built.stacks).map(([key, stack]) => [key, Template.fromStack(stack)]),
  ) as Record<keyof typeof built.stacks, Template>;
  const rawTemplates = readdirSync(outdir)
    .filter((f) => f.endsWith(".template.json"))
    .map((f) => ({ file: f, text: readFileSync(path.join(outdir, f), "utf8") }));
  return { ...built, assembly, templates, rawTemplates, outdir };
}
