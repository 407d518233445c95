import type { Command } from "commander";
import { agentExitCodes } from "../../shared/error-codes.ts";
import { readSnapshots } from "../../shared/vault/snapshot.ts";
import { repoOptions } from "../options.ts";
import { out } from "../output.ts";
import { formatBytes } from "../vault/progress.ts";
import { openRepository, type RepositoryFlags } from "../vault/repository-access.ts";
import { warn } from "../warn.ts";

export function registerSnapshotsCommand(program: Command): void {
  repoOptions(
    program.command("snapshots").description("list snapshots").option("--json", "machine-readable output"),
  ).action(async (options: RepositoryFlags & { json?: boolean }) => {
    const { repository } = await openRepository(options);
    const records = await readSnapshots(repository);
    const snapshots = records.flatMap((r) => (r.snapshot ? [r.snapshot] : []));
    for (const { name, damage } of records.filter((r) => r.damage)) {
      warn(`${name} is damaged (${damage}); \`govdr verify\` tells what it affects`);
      process.exitCode = agentExitCodes.integrity;
    }
    if (options.json) {
      out(JSON.stringify(snapshots, null, 2));
      return;
    }
    for (const s of snapshots) {
      out(
        `${s.id}  ${s.time}  ${s.type.padEnd(12)}  ${formatBytes(s.stats.bytes).padStart(10)}  ${s.suite}  ${s.sources.join(" ")}`,
      );
    }
  });
}
