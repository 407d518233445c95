import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSingleFileAgent, crossCompilers, type SingleFileAgent } from "../../../agent/single-file.ts";
import { ensureDebianPackages } from "../../../cli/apt.ts";
import { type XattrAddon, xattrAddon } from "../../../shared/vault/native/xattr-addon.ts";
import { runWithoutNode } from "../../support/agent-cli.ts";
import { describeTree, writeSampleTree } from "../../support/file-trees.ts";

/** The arm64 agent runs here under Debian's user-mode emulator, on the cross toolchain's libraries. */
const emulator = "/usr/bin/qemu-aarch64-static";
const arm64Libraries = "/usr/aarch64-linux-gnu";

let work: string;
let agent: SingleFileAgent;
beforeAll(async () => {
  await ensureDebianPackages(
    [
      { name: "qemu-user-static", file: emulator },
      { name: "libstdc++6-arm64-cross", file: `${arm64Libraries}/lib/libstdc++.so.6` },
      crossCompilers.arm64, // for the addon the file carries
    ],
    "running the arm64 agent in the tests",
  );
  work = await mkdtemp(path.join(tmpdir(), "govdr-single-file-arm64-"));
  [agent] = (await buildSingleFileAgent(path.join(work, "dist"), ["arm64"])) as [SingleFileAgent];
}, 240_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const run = (args: string[]) =>
  runWithoutNode(agent.file, work, args, { GOVDR_REPO_KEY: "arm64-single-file-secret-2026" }, [
    emulator,
    "-L",
    arm64Libraries,
  ]);

describe("the arm64 single-file agent (issue #21, D-53, D-55)", () => {
  it("backs up and restores byte for byte, extended attributes included, with the addon it carries", async () => {
    const source = path.join(work, "tree");
    await writeSampleTree(source);
    const addon = xattrAddon() as XattrAddon;
    const tagged = path.join(source, "docs", "readme.md");
    expect(addon.set(tagged, "user.govdr", Buffer.from("carried on arm64"))).toBe(0);
    const repo = path.join(work, "vault");

    const backedUp = await run(["backup", source, "--repo", repo, "--workers", "2"]);
    const restored = await run(["restore", "latest", "--repo", repo, "--target", path.join(work, "out")]);

    expect(backedUp.code, backedUp.stderr).toBe(0);
    expect(backedUp.stderr).not.toContain("extended attributes");
    expect(restored.code, restored.stderr).toBe(0);
    expect(await describeTree(path.join(work, "out", "tree"))).toEqual(await describeTree(source));
    expect(addon.list(path.join(work, "out", "tree", "docs", "readme.md"))).toEqual([
      "user.govdr",
      Buffer.from("carried on arm64"),
    ]);
  }, 120_000);
});
