import { objectNames } from "./object-names.ts";
import { packName, packSuite, readPackHeader } from "./pack.ts";
import type { BlobLocation, Repository } from "./repository.ts";
import { loadSnapshot, type Snapshot, snapshotNames } from "./snapshot.ts";
import { BlobIntegrityError } from "./suites.ts";
import { readTree } from "./tree.ts";

export type ProblemKind =
  | "damaged-index"
  | "damaged-manifest"
  | "missing-pack"
  | "damaged-pack"
  | "missing-blob"
  | "damaged-blob";

export interface VerifyProblem {
  kind: ProblemKind;
  /** The pack, blob or manifest object concerned. */
  object: string;
  detail: string;
  /** Files that cannot be restored intact because of it, per snapshot. */
  files: { snapshot: string; path: string }[];
}

export interface VerifyReport {
  ok: boolean;
  mode: "structure" | "read-data";
  snapshots: number;
  packs: number;
  blobs: number;
  problems: VerifyProblem[];
}

/**
 * Checks a repository. `structure`: every manifest opens and matches its Merkle root, every blob a
 * snapshot needs is indexed, every pack exists. `read-data` also reads every pack back: its name
 * must be its SHA-256, its header must open, and every blob must authenticate and match its id.
 * Each problem names the files it affects, so an operator knows what a damaged pack costs.
 */
export async function verifyRepository(
  repository: Repository,
  mode: VerifyReport["mode"],
): Promise<VerifyReport> {
  const problems = new Map<string, VerifyProblem>();
  const problem = (kind: ProblemKind, object: string, detail: string) => {
    const key = `${kind}:${object}`;
    if (!problems.has(key)) problems.set(key, { kind, object, detail, files: [] });
    return problems.get(key) as VerifyProblem;
  };

  // Their packs were indexed from their own headers: the files stay restorable, none is named.
  for (const { name, damage } of repository.damagedIndexes) problem("damaged-index", name, damage);

  const badPacks = new Map<string, VerifyProblem>();
  const badBlobs = new Map<string, VerifyProblem>();
  const packs = new Map<string, [string, BlobLocation][]>();
  for (const [id, location] of repository.indexedBlobs()) {
    const blobs = packs.get(location.pack) ?? [];
    blobs.push([id, location]);
    packs.set(location.pack, blobs);
  }
  for (const [pack, blobs] of packs) {
    const name = objectNames.pack(pack);
    if (mode === "structure") {
      if (!(await repository.backend.exists(name)))
        badPacks.set(pack, problem("missing-pack", name, "the pack is gone"));
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = await repository.backend.get(name);
    } catch {
      badPacks.set(pack, problem("missing-pack", name, "the pack is gone"));
      continue;
    }
    if (packName(bytes) !== pack) {
      badPacks.set(pack, problem("damaged-pack", name, "its bytes no longer hash to its name"));
    }
    try {
      readPackHeader(bytes, repository.suite(packSuite(bytes)));
    } catch (error) {
      if (!(error instanceof BlobIntegrityError)) throw error;
      badPacks.set(pack, problem("damaged-pack", name, `its header does not open: ${error.message}`));
    }
    for (const [id, location] of blobs) {
      try {
        repository.openBlob(id, location, bytes.subarray(location.offset, location.offset + location.length));
      } catch (error) {
        if (!(error instanceof BlobIntegrityError)) throw error;
        badBlobs.set(id, problem("damaged-blob", id, `in pack ${pack}: ${error.message}`));
      }
    }
  }

  let snapshots = 0;
  for (const name of await snapshotNames(repository)) {
    let snapshot: Snapshot;
    try {
      snapshot = await loadSnapshot(repository, name);
    } catch (error) {
      problem("damaged-manifest", name, (error as Error).message);
      continue;
    }
    snapshots += 1;
    const affected = (id: string): VerifyProblem | undefined => {
      const location = repository.location(id);
      if (!location) return problem("missing-blob", id, "no index or pack holds it");
      return badBlobs.get(id) ?? badPacks.get(location.pack);
    };
    for (const tree of snapshot.tree) {
      const hit = affected(tree);
      if (hit) hit.files.push({ snapshot: snapshot.id, path: "(directory listing)" });
    }
    if (snapshot.tree.some((tree) => affected(tree))) continue;
    for await (const entry of readTree(repository, snapshot.tree)) {
      const hits = new Set((entry.chunks ?? []).map(affected).filter((p): p is VerifyProblem => !!p));
      for (const hit of hits) hit.files.push({ snapshot: snapshot.id, path: entry.path });
    }
  }
  const list = [...problems.values()];
  return {
    ok: list.length === 0,
    mode,
    snapshots,
    packs: packs.size,
    blobs: repository.blobCount,
    problems: list,
  };
}
