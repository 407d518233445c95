import { readFileSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "../../../cli/paths.ts";

export const emulatorDoc = path.join(projectRoot, "docs", "emulator.md");

/**
 * Rows of the capability table in docs/emulator.md: `| id | capability | observed | govdr's answer |`.
 * The capability test asserts each probe's observation against the `observed` column.
 */
export function documentedObservations(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of readFileSync(emulatorDoc, "utf8").split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const id = cells[1]?.replaceAll("`", "");
    if (cells.length >= 5 && id && /^[A-Z0-9]+(-[A-Z0-9]+)+$/.test(id)) rows.set(id, cells[3] ?? "");
  }
  return rows;
}
