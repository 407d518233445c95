import { describe, expect, it } from "vitest";
import { restoreToSandbox, verifySandbox } from "../../../shared/drills/sandbox.ts";
import { LocalBackend } from "../../../shared/vault/backends/local.ts";
import { localKeyWrapper } from "../../../shared/vault/key-wrapper.ts";
import { Repository } from "../../../shared/vault/repository.ts";
import { drillWorld } from "../../support/drills.ts";

describe("verifying a sandbox against the manifest (R-DRL, bounded memory)", () => {
  it("names a missing and a truncated file, reading one directory's listing at a time", async () => {
    const world = await drillWorld();
    const repository = await Repository.open(
      new LocalBackend(world.repoDir),
      localKeyWrapper("drill-test-secret-of-enough-length"),
    );
    const prefix = "sandboxes/t/s/d/";
    await restoreToSandbox(repository, world.snapshot, world.sandbox, prefix);
    world.sandbox.objects.delete(`${prefix}app/data/nested/证照.txt`);
    world.sandbox.objects.set(`${prefix}app/docs/readme.md`, Buffer.from("# re"));
    const listed: { prefix: string; directOnly?: boolean }[] = [];
    const list = world.sandbox.list.bind(world.sandbox);
    world.sandbox.list = (under, options) => {
      listed.push({ prefix: under, directOnly: options?.directOnly });
      return list(under, options);
    };

    const result = await verifySandbox(repository, world.snapshot, world.sandbox, prefix, []);

    expect(result.damaged).toHaveLength(2);
    expect(result.damaged).toEqual(
      expect.arrayContaining([
        { path: "app/data/nested/证照.txt", reason: "missing from the sandbox" },
        { path: "app/docs/readme.md", reason: "4 bytes in the sandbox, the manifest records 9" },
      ]),
    );
    expect(result.damagedCount).toBe(2);
    expect(result.verifiedFiles).toBe(result.expectedFiles - 2);
    // Each directory with files is listed once, on its own; the whole sandbox never is.
    expect(listed.every((call) => call.directOnly)).toBe(true);
    expect(listed.map((call) => call.prefix).sort()).toEqual(
      [`${prefix}app/data/`, `${prefix}app/data/nested/`, `${prefix}app/docs/`].sort(),
    );
  });
});
