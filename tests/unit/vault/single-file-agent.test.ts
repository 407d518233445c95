import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSingleFileAgent, type SingleFileAgent } from "../../../agent/single-file.ts";
import { type XattrAddon, xattrAddon } from "../../../shared/vault/native/xattr-addon.ts";
import { runWithoutNode } from "../../support/agent-cli.ts";
import { describeTree, writeSampleTree } from "../../support/file-trees.ts";

let work: string;
let agent: SingleFileAgent;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-single-file-"));
  [agent] = (await buildSingleFileAgent(path.join(work, "dist"), ["x64"])) as [SingleFileAgent];
}, 120_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const run = (args: string[]) =>
  runWithoutNode(agent.file, work, args, { GOVDR_REPO_KEY: "single-file-secret-2026" });

describe("the single-file agent (issue #21, D-53)", () => {
  it("backs up and restores byte for byte on a PATH without node, its workers running the worker it carries", async () => {
    const source = path.join(work, "tree");
    await writeSampleTree(source);
    // Extended attributes go through the addon the agent carries (D-55).
    const addon = xattrAddon() as XattrAddon;
    const tagged = path.join(source, "docs", "readme.md");
    expect(addon.set(tagged, "user.govdr", Buffer.from("carried"))).toBe(0);
    expect(addon.set(path.join(source, "data"), "user.govdr-dir", Buffer.from("too"))).toBe(0);
    const repo = path.join(work, "vault");

    const backedUp = await run(["backup", source, "--repo", repo, "--workers", "2"]);
    const restored = await run(["restore", "latest", "--repo", repo, "--target", path.join(work, "out")]);
    const verified = await run(["verify", "--repo", repo, "--read-data"]);

    expect(backedUp.code, backedUp.stderr).toBe(0);
    expect(restored.code, restored.stderr).toBe(0);
    expect(verified.code, verified.stderr).toBe(0);
    expect(await describeTree(path.join(work, "out", "tree"))).toEqual(await describeTree(source));
    expect(backedUp.stderr).not.toContain("extended attributes");
    expect(addon.list(path.join(work, "out", "tree", "docs", "readme.md"))).toEqual([
      "user.govdr",
      Buffer.from("carried"),
    ]);
    expect(addon.list(path.join(work, "out", "tree", "data"))).toEqual([
      "user.govdr-dir",
      Buffer.from("too"),
    ]);
  });

  it("reports its version and commit, and comes with a checksum file sha256sum accepts", async () => {
    const version = await run(["--version"]);
    const { version: packageVersion } = JSON.parse(await readFile("package.json", "utf8")) as {
      version: string;
    };
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(
      new RegExp(`^${packageVersion.replaceAll(".", "\\.")}\\+[0-9a-z]+$`),
    );

    const sum = await readFile(`${agent.file}.sha256`, "utf8");
    const digest = createHash("sha256")
      .update(await readFile(agent.file))
      .digest("hex");
    expect(sum).toBe(`${digest}  govdr-agent-linux-x64\n`);
    expect(
      execFileSync("sha256sum", ["-c", path.basename(`${agent.file}.sha256`)], {
        cwd: path.dirname(agent.file),
      }).toString(),
    ).toContain("OK");
  });
});
