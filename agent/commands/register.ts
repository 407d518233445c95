import type { Command } from "commander";
import { findSnapshot } from "../../shared/vault/snapshot.ts";
import { CliError } from "../errors.ts";
import { controlPlaneOptions, repoOptions } from "../options.ts";
import { recordSnapshot } from "../record-snapshot.ts";
import { apiVariable, ControlPlane, type ControlPlaneFlags } from "../vault/control-plane.ts";
import { openRepository, type RepositoryFlags } from "../vault/repository-access.ts";

export function registerRegisterCommand(program: Command): void {
  controlPlaneOptions(
    repoOptions(
      program
        .command("register")
        .description("record a snapshot of the repository in the control plane (e.g. after exit code 6)")
        .argument("<snapshot>", "snapshot id (or prefix), or `latest`"),
    ),
  ).action(async (which: string, options: RepositoryFlags & ControlPlaneFlags) => {
    const plane = await ControlPlane.connect(options);
    if (!plane)
      throw new CliError("Where is the control plane?", `pass --api <url> or set ${apiVariable}`, "USAGE");
    const { repository } = await openRepository(options);
    await recordSnapshot(plane, await findSnapshot(repository, which), repository);
  });
}
