import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sourceSize } from "../../../shared/vault/source-size.ts";

let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-size-"));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("sourceSize (the total behind a backup's ETA)", () => {
  it("counts regular files the backup would read, honouring excludes and not following symlinks", async () => {
    const app = path.join(work, "app");
    await mkdir(path.join(app, "cache"), { recursive: true });
    await writeFile(path.join(app, "a.bin"), Buffer.alloc(1000));
    await writeFile(path.join(app, "b.tmp"), Buffer.alloc(300));
    await writeFile(path.join(app, "cache", "c.bin"), Buffer.alloc(5000));
    await symlink(path.join(app, "cache", "c.bin"), path.join(app, "link"));
    const single = path.join(work, "single.bin");
    await writeFile(single, Buffer.alloc(70));

    expect(
      await sourceSize(
        [
          { kind: "path", path: app },
          { kind: "path", path: single },
        ],
        ["app/cache/**", "**/*.tmp"],
      ),
    ).toBe(1070);
  });

  it("has no total when a stream (stdin) is among the sources", async () => {
    expect(
      await sourceSize([{ kind: "stream", name: "dump.sql", stream: Readable.from([Buffer.from("x")]) }]),
    ).toBeUndefined();
  });
});
