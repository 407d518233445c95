import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isTreeEntry, treeEntrySchema } from "../../../shared/vault/tree.ts";

const fields = {
  path: fc.oneof(
    fc.constantFrom("a", "a/b.txt", "../x", "a//b", "a/./b", "", ".hidden", "a/..", "..b"),
    fc.string(),
  ),
  type: fc.oneof(fc.constantFrom("file", "dir", "symlink", "fifo"), fc.anything()),
  mode: fc.oneof(fc.constantFrom(0, 0o644, 0o7777, 0o10000, -1, 1.5, Number.NaN), fc.anything()),
  mtimeNs: fc.oneof(fc.constantFrom("1763732000123456789", "", "12a", "-1"), fc.anything()),
  size: fc.oneof(
    fc.constantFrom(0, 4096, -1, 0.5, 2 ** 53, 2 ** 60, Number.POSITIVE_INFINITY),
    fc.anything(),
  ),
  inode: fc.oneof(fc.constant("2049:1"), fc.anything()),
  uid: fc.oneof(fc.constantFrom(0, 1000, 2 ** 32 - 2, 2 ** 32 - 1, -1, 1.5, "0"), fc.anything()),
  gid: fc.oneof(fc.constantFrom(0, 1000, 2 ** 32 - 2, 2 ** 32 - 1, -1, 1.5, "0"), fc.anything()),
  links: fc.oneof(fc.constantFrom(0, 1, 2, 3, 2 ** 53, 2.5, -2, "2"), fc.anything()),
  sparse: fc.oneof(fc.constantFrom(true, false, 0, "true"), fc.anything()),
  target: fc.oneof(fc.constant("../elsewhere"), fc.anything()),
  chunks: fc.oneof(fc.array(fc.string()), fc.array(fc.anything()), fc.anything()),
  xattrs: fc.oneof(
    fc.array(fc.record({ name: fc.string(), value: fc.string() })),
    fc.array(
      fc.record({ name: fc.string(), value: fc.anything(), extra: fc.anything() }, { requiredKeys: [] }),
    ),
    fc.anything(),
  ),
  extra: fc.anything(),
};
const anyFields = fc.record(fields, { requiredKeys: [] });
const valid = {
  path: "a/b",
  type: "file",
  mode: 0o644,
  mtimeNs: "1",
  size: 1,
  inode: "1:2",
  uid: 0,
  gid: 0,
  links: 2,
  sparse: true,
  chunks: ["c"],
};
/** A valid entry with one field changed or added: where the two checks could part. */
const oneChanged = fc
  .constantFrom(...(Object.keys(fields) as (keyof typeof fields)[]))
  .chain((key) => fields[key].map((value) => ({ ...valid, [key]: value })));

describe("isTreeEntry (the fast check of tree entries read back)", () => {
  it("accepts exactly what the schema accepts unchanged", () => {
    fc.assert(
      fc.property(fc.oneof(oneChanged, anyFields, fc.anything()), (value) => {
        const parsed = treeEntrySchema.safeParse(value);
        if (isTreeEntry(value)) {
          expect(parsed.success).toBe(true);
          expect(parsed.data).toEqual(value);
        } else if (parsed.success) {
          // The schema accepts more only by dropping keys it does not know.
          expect(Object.keys(value as object).length).toBeGreaterThan(Object.keys(parsed.data).length);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("refuses exactly the paths with an empty, . or .. component", () => {
    const bySplitting = (p: string) =>
      !p.split("/").some((part) => part === "" || part === "." || part === "..");
    const path = fc.string({ unit: fc.constantFrom("a", ".", "/", "é"), maxLength: 8 });
    fc.assert(
      fc.property(path, (p) => {
        const entry = { path: p, type: "file", mode: 0, mtimeNs: "1", size: 0 };
        expect(treeEntrySchema.safeParse(entry).success).toBe(bySplitting(p));
        expect(isTreeEntry(entry)).toBe(bySplitting(p));
      }),
      { numRuns: 3000 },
    );
  });

  it("accepts the entries a backup writes", () => {
    const entries = [
      { path: "src", type: "dir", mode: 0o755, mtimeNs: "1763732000123456789", size: 0, inode: "2049:12" },
      {
        path: "src/a b/é.txt",
        type: "file",
        mode: 0o644,
        mtimeNs: "1",
        size: 7,
        inode: "2049:13",
        uid: 1000,
        gid: 1000,
        chunks: ["ab"],
      },
      { path: "src/link", type: "symlink", mode: 0o777, mtimeNs: "1", size: 0, target: "../x" },
    ];
    expect(entries.map(isTreeEntry)).toEqual([true, true, true]);
  });
});
