/**
 * What changed between two policy versions, field by field (no JSX, no DOM): every leaf of either
 * policy, by its dotted path, added, removed or changed. Unit-tested in tests/unit/web/policy-diff.test.ts.
 */

export type Leaf = string | number | boolean | null;

export interface DiffEntry {
  path: string;
  kind: "added" | "removed" | "changed";
  before?: Leaf;
  after?: Leaf;
}

/**
 * The leaves of a JSON value by dotted path (`backup.sources.0.path`), in document order. An empty
 * list or object is a leaf of its own ("[]", "{}"), so that emptying one shows as a change.
 */
export function leaves(value: unknown, prefix = ""): Map<string, Leaf> {
  const out = new Map<string, Leaf>();
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) {
      if (node.length === 0) out.set(path, "[]");
      node.forEach((item, index) => {
        walk(item, path === "" ? String(index) : `${path}.${index}`);
      });
      return;
    }
    if (node !== null && typeof node === "object") {
      const entries = Object.entries(node as Record<string, unknown>).filter(([, v]) => v !== undefined);
      if (entries.length === 0) out.set(path, "{}");
      for (const [key, child] of entries) walk(child, path === "" ? key : `${path}.${key}`);
      return;
    }
    if (node === undefined) return;
    out.set(path, node as Leaf);
  };
  walk(value, prefix);
  return out;
}

/** The fields that differ from `before` to `after`, in the order they appear (removed ones where they were). */
export function diffPolicies(before: unknown, after: unknown): DiffEntry[] {
  const a = leaves(before);
  const b = leaves(after);
  // Each removed field goes right after the field that preceded it in `before` and is still there.
  const removedAfter = new Map<string | undefined, string[]>();
  let anchor: string | undefined;
  for (const key of a.keys()) {
    if (b.has(key)) anchor = key;
    else removedAfter.set(anchor, [...(removedAfter.get(anchor) ?? []), key]);
  }
  const order = [...(removedAfter.get(undefined) ?? [])];
  for (const key of b.keys()) order.push(key, ...(removedAfter.get(key) ?? []));
  const entries: DiffEntry[] = [];
  for (const path of order) {
    const inBefore = a.has(path);
    const inAfter = b.has(path);
    if (inBefore && inAfter) {
      if (a.get(path) !== b.get(path)) {
        entries.push({ path, kind: "changed", before: a.get(path) as Leaf, after: b.get(path) as Leaf });
      }
    } else if (inAfter) {
      entries.push({ path, kind: "added", after: b.get(path) as Leaf });
    } else {
      entries.push({ path, kind: "removed", before: a.get(path) as Leaf });
    }
  }
  return entries;
}

/** How many fields were added, removed and changed. */
export function diffCounts(entries: readonly DiffEntry[]) {
  return {
    added: entries.filter((e) => e.kind === "added").length,
    removed: entries.filter((e) => e.kind === "removed").length,
    changed: entries.filter((e) => e.kind === "changed").length,
  };
}
