import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalBackend } from "../../../shared/vault/backends/local.ts";
import { localKeyWrapper } from "../../../shared/vault/key-wrapper.ts";
import { objectNames } from "../../../shared/vault/object-names.ts";
import { NoRepositoryError, Repository, RepositoryDamagedError } from "../../../shared/vault/repository.ts";

const secret = "repository open test secret 2026";
let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-open-"));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("opening a repository (its config, key and index asked for at once)", () => {
  it("where there is none, says so and how to make one", async () => {
    const opening = Repository.open(new LocalBackend(path.join(work, "nothing")), localKeyWrapper(secret));

    await expect(opening).rejects.toThrow(NoRepositoryError);
    await expect(opening).rejects.toThrow(/holds no repository; create one with `govdr init`/);
  });

  it("whose key is gone, calls it damaged rather than absent", async () => {
    const backend = new LocalBackend(path.join(work, "repo"));
    await Repository.init(backend, localKeyWrapper(secret), { suite: "aes-256-gcm" });
    await rm(path.join(work, "repo", objectNames.key));

    const opening = Repository.open(backend, localKeyWrapper(secret));

    await expect(opening).rejects.toThrow(RepositoryDamagedError);
    await expect(opening).rejects.toThrow(/its keys\/master is missing/);
  });

  it("knows the blobs of every index document, however many sessions wrote them", async () => {
    const backend = new LocalBackend(path.join(work, "repo"));
    await Repository.init(backend, localKeyWrapper(secret), { suite: "aes-256-gcm" });
    const ids: string[] = [];
    for (let session = 0; session < 12; session++) {
      const repository = await Repository.open(backend, localKeyWrapper(secret));
      ids.push((await repository.addBlob("data", Buffer.from(`session ${session}`))).id);
      await repository.flush();
    }

    const reopened = await Repository.open(backend, localKeyWrapper(secret));
    const contents = await Promise.all(ids.map(async (id) => (await reopened.loadBlob(id)).toString()));

    expect(contents).toEqual(ids.map((_, session) => `session ${session}`));
  });
});
