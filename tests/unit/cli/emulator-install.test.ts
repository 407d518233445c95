import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../../cli/paths.ts";
import { run } from "../../../cli/run.ts";

describe("govdr emulator start on a machine without Python", () => {
  it("stops with a clear message that says what to install", async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), "govdr-state-"));
    const onlyNode = mkdtempSync(path.join(tmpdir(), "govdr-path-"));
    symlinkSync(process.execPath, path.join(onlyNode, "node"));
    const result = await run(
      process.execPath,
      [path.join(projectRoot, "cli", "bin", "govdr.js"), "emulator", "start"],
      {
        cwd: projectRoot,
        env: {
          HOME: process.env.HOME,
          PATH: onlyNode,
          GOVDR_STATE_DIR: stateDir,
          GOVDR_EMULATOR_PORT: "4598",
        },
      },
    );

    rmSync(stateDir, { recursive: true, force: true });
    rmSync(onlyNode, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.output).toContain("Python 3 is required to run the local AWS emulator");
    expect(result.output).toContain("apt-get install python3 python3-venv python3-pip");
  });
});
