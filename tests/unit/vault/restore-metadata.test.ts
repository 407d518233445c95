import { closeSync, futimesSync, lstatSync, openSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mtimeSeconds } from "../../../shared/vault/tree.ts";
import { ownerRefused, RestoreOwnerError } from "../../../shared/vault/workers/owner.ts";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "govdr-metadata-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("restored metadata", () => {
  it("gives a file exactly the recorded microsecond of its mtime (finer is not settable from Node)", () => {
    const file = path.join(work, "timed");
    closeSync(openSync(file, "w"));
    // From 2001 to 2038, to the nanosecond.
    const mtimeNs = fc.bigInt(1_000_000_000n * 10n ** 9n, 2_147_483_647n * 10n ** 9n);
    fc.assert(
      fc.property(mtimeNs, (ns) => {
        const fd = openSync(file, "r");
        try {
          futimesSync(fd, mtimeSeconds(ns.toString()), mtimeSeconds(ns.toString()));
        } finally {
          closeSync(fd);
        }
        expect(lstatSync(file, { bigint: true }).mtimeNs / 1000n).toBe(ns / 1000n);
      }),
      { numRuns: 2000 },
    );
  });

  it("reports a refused chown as a RestoreOwnerError naming the file and owner, and anything else as it was", () => {
    const refused = Object.assign(new Error("operation not permitted"), { code: "EPERM" });
    const error = ownerRefused(refused, "/restore/srv/db", 26, 27);
    expect(error).toBeInstanceOf(RestoreOwnerError);
    expect((error as Error).message).toBe("/restore/srv/db cannot be given its owner 26:27 (EPERM)");

    const gone = Object.assign(new Error("no such file"), { code: "ENOENT" });
    expect(ownerRefused(gone, "/restore/x", 1, 1)).toBe(gone);
  });
});
