import type { Command } from "commander";
import { findSnapshot } from "../../shared/vault/snapshot.ts";
import { readTree } from "../../shared/vault/tree.ts";
import { repoOptions } from "../options.ts";
import { out } from "../output.ts";
import { openRepository, type RepositoryFlags } from "../vault/repository-access.ts";

export function registerDiffCommand(program: Command): void {
  repoOptions(
    program
      .command("diff")
      .description("what changed between two snapshots")
      .argument("<from>", "snapshot id or prefix")
      .argument("<to>", "snapshot id, prefix or `latest`"),
  ).action(async (from: string, to: string, options: RepositoryFlags) => {
    const { repository } = await openRepository(options);
    const entries = async (which: string) => {
      const map = new Map<string, string>();
      for await (const e of readTree(repository, (await findSnapshot(repository, which)).tree)) {
        map.set(e.path, JSON.stringify([e.type, e.mode, e.uid, e.gid, e.size, e.target, e.chunks, e.xattrs]));
      }
      return map;
    };
    const [before, after] = [await entries(from), await entries(to)];
    for (const [p, v] of after)
      if (!before.has(p)) out(`+ ${p}`);
      else if (before.get(p) !== v) out(`M ${p}`);
    for (const p of before.keys()) if (!after.has(p)) out(`- ${p}`);
  });
}
