import type { AuditChainStore } from "./audit-log.ts";
import { chainPending, type SequencerOptions, type SequencerRun } from "./sequencer.ts";

/** Some trails could not be chained now; their events stay recorded. Named for the trigger's retry. */
export class AuditSequencingIncompleteError extends Error {
  override readonly name = "AuditSequencingIncompleteError";
}

/**
 * Chains the pending events of each trail, one trail after another. A trail that fails does not
 * stop the others; the pass then fails as a whole, naming each, so its trigger runs it again.
 */
export async function sequenceTrails(
  trails: AsyncIterable<string> | Iterable<string>,
  store: AuditChainStore,
  options?: SequencerOptions,
): Promise<SequencerRun[]> {
  const runs: SequencerRun[] = [];
  const failures: string[] = [];
  for await (const tenantId of trails) {
    try {
      runs.push(await chainPending(tenantId, store, options));
    } catch (error) {
      failures.push(`${tenantId}: ${(error as Error).name}: ${(error as Error).message}`);
    }
  }
  if (failures.length > 0) {
    throw new AuditSequencingIncompleteError(
      `${failures.length} audit trail(s) not chained (${runs.length} chained): ${failures.join("; ")}`,
    );
  }
  return runs;
}
