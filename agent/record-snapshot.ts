import type { Repository } from "../shared/vault/repository.ts";
import type { Snapshot } from "../shared/vault/snapshot.ts";
import { CliError } from "./errors.ts";
import { out } from "./output.ts";
import type { ControlPlane } from "./vault/control-plane.ts";

/** Records a snapshot already safe in the vault; a failure says how to record it later. */
export async function recordSnapshot(plane: ControlPlane, snapshot: Snapshot, repository: Repository) {
  try {
    const outcome = await plane.register(snapshot, repository);
    out(`${outcome} in the control plane for system ${plane.systemId}`);
  } catch (error) {
    if (error instanceof CliError) {
      throw new CliError(
        `snapshot ${snapshot.id} is saved in the vault but not recorded: ${error.message}`,
        `record it later with \`govdr register ${snapshot.id} --repo ${repository.backend.location}\``,
        error.code,
      );
    }
    throw error;
  }
}
