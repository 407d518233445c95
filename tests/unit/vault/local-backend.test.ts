import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalBackend, writeTemporarySync } from "../../../shared/vault/backends/local.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "govdr-local-backend-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every file under the repository, relative, temporary files included. */
const files = async () =>
  (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();

describe("a local repository's objects", () => {
  it("names a pack a worker wrote to a temporary file (D-60): read-only, listed, its bytes whole", async () => {
    const bytes = randomBytes(100_000);
    const name = `packs/ab/ab${createHash("sha256").update(bytes).digest("hex").slice(2)}`;
    const written = writeTemporarySync(root, name, bytes);
    const backend = new LocalBackend(root);

    expect(path.dirname(written.temporary)).toBe(path.join(root, "packs", "ab"));
    expect(written.created).toBe(path.join(root, "packs"));
    expect([...(await collect(backend.list("packs/")))]).toEqual([]);
    await backend.putWritten(name, written);

    expect(await files()).toEqual([name]);
    expect((await readFile(path.join(root, name))).equals(bytes)).toBe(true);
    expect((await stat(path.join(root, name))).mode & 0o777).toBe(0o444);
    expect(await collect(backend.list("packs/"))).toEqual([name]);
  });

  it("refuses to name a file that was not written beside the object's place", async () => {
    const written = writeTemporarySync(root, "packs/cd/cd01", Buffer.from("x"));
    await expect(new LocalBackend(root).putWritten("packs/ef/ef01", written)).rejects.toThrow(
      /was not written for packs\/ef\/ef01/,
    );
  });

  it("leaves no temporary file behind when storing an object fails", async () => {
    const backend = new LocalBackend(root);
    // A directory where the object goes: the rename into place fails.
    await mkdir(path.join(root, "packs", "aa", "aa01"), { recursive: true });
    const written = writeTemporarySync(root, "packs/aa/aa01", Buffer.from("pack"));

    await expect(backend.putWritten("packs/aa/aa01", written)).rejects.toThrow();
    await expect(backend.put("packs/aa/aa01", Buffer.from("pack"))).rejects.toThrow();

    expect(await files()).toEqual([]);
  });
});

async function collect(names: AsyncIterable<string>) {
  const all: string[] = [];
  for await (const name of names) all.push(name);
  return all;
}
