import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParentEntries, walkOrder } from "../../../shared/vault/parent-entries.ts";
import type { TreeEntry } from "../../../shared/vault/tree.ts";

/** The order a backup walks `paths` in: depth first, each directory's children sorted by name. */
function depthFirst(source: string, paths: string[]): string[] {
  interface Node {
    children: Map<string, Node>;
  }
  const root: Node = { children: new Map() };
  for (const p of paths) {
    let node = root;
    for (const part of p.split("/").slice(1)) {
      const child = node.children.get(part) ?? { children: new Map() };
      node.children.set(part, child);
      node = child;
    }
  }
  const order: string[] = [source];
  const visit = (node: Node, prefix: string) => {
    for (const name of [...node.children.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      order.push(`${prefix}/${name}`);
      visit(node.children.get(name) as Node, `${prefix}/${name}`);
    }
  };
  visit(root, source);
  return order;
}

const entry = (path: string, type: TreeEntry["type"] = "file"): TreeEntry => ({
  path,
  type,
  mode: 0o644,
  mtimeNs: "1",
  size: 0,
});

/** A parent tree in blobs of two entries (and an empty one), as readTreeBlobs gives them. */
async function* entriesOf(paths: [string, TreeEntry["type"]][]) {
  yield [];
  for (let i = 0; i < paths.length; i += 2)
    yield paths.slice(i, i + 2).map(([path, type]) => entry(path, type));
}

describe("walk order and the parent snapshot's entries", () => {
  it("orders paths as the walk visits them (a/b before a.txt, a directory's entries before its sibling)", () => {
    const name = fc.constantFrom("a", "b", "a.txt", "a-b", "a b", "é", "A", "a0", "_");
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.array(name, { minLength: 1, maxLength: 4 }), { maxLength: 30 }),
        (parts) => {
          const paths = parts.map((p) => `src/${p.join("/")}`);
          const visited = depthFirst("src", paths);
          expect([...visited].sort(walkOrder(["src"]))).toEqual(visited);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("orders sources as given, not by name, even when one name starts another", () => {
    const sources = ["src", "s", "src2", "a"];
    const name = fc.constantFrom("a", "b", "a.txt", "b-c");
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.array(name, { minLength: 1, maxLength: 3 }), { maxLength: 8 }), {
          minLength: 4,
          maxLength: 4,
        }),
        (perSource) => {
          const visited = sources.flatMap((source, i) =>
            depthFirst(
              source,
              (perSource[i] ?? []).map((p) => `${source}/${p.join("/")}`),
            ),
          );
          expect([...visited].sort(walkOrder(sources))).toEqual(visited);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("finds each file's previous entry in one pass, skipping removed entries and what is no longer a file", async () => {
    const parent = new ParentEntries(
      entriesOf([
        ["zeta", "dir"],
        ["zeta/gone.txt", "file"],
        ["zeta/kept.txt", "file"],
        ["zeta/was-dir", "dir"],
        ["alpha", "dir"],
        ["alpha/a", "dir"],
        ["alpha/a/b.txt", "file"],
        ["alpha/a.txt", "file"],
      ]),
      ["zeta", "alpha"],
    );

    const found = [];
    for (const path of [
      "zeta/kept.txt",
      "zeta/new.txt",
      "zeta/was-dir",
      "alpha/a/b.txt",
      "alpha/a.txt",
      "alpha/z",
    ])
      found.push((await parent.file(path))?.path);

    expect(found).toEqual(["zeta/kept.txt", undefined, undefined, "alpha/a/b.txt", "alpha/a.txt", undefined]);
  });

  it("without a parent, knows no file", async () => {
    expect(await ParentEntries.none().file("src/a")).toBeUndefined();
  });
});
