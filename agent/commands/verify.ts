import type { Command } from "commander";
import { agentExitCodes } from "../../shared/error-codes.ts";
import { verifyRepository } from "../../shared/vault/verify.ts";
import { repoOptions } from "../options.ts";
import { out } from "../output.ts";
import { openRepository, type RepositoryFlags } from "../vault/repository-access.ts";

export function registerVerifyCommand(program: Command): void {
  repoOptions(
    program
      .command("verify")
      .description("check the repository; --read-data reads every pack back")
      .option("--read-data", "authenticate every chunk, not just the structure")
      .option("--json", "machine-readable output"),
  ).action(async (options: RepositoryFlags & { readData?: boolean; json?: boolean }) => {
    const { repository } = await openRepository(options);
    const report = await verifyRepository(repository, options.readData ? "read-data" : "structure");
    if (options.json) out(JSON.stringify(report, null, 2));
    else {
      out(
        `${report.mode}: ${report.snapshots} snapshots, ${report.packs} packs, ${report.blobs} chunks — ${report.ok ? "no problems" : `${report.problems.length} problems`}`,
      );
      for (const p of report.problems) {
        out(`${p.kind} ${p.object}: ${p.detail}`);
        for (const f of p.files) out(`  affects ${f.snapshot} ${f.path}`);
      }
    }
    if (!report.ok) process.exitCode = agentExitCodes.integrity;
  });
}
