import { errorClass } from "../errors.ts";
import type { AuditChainStore } from "./audit-log.ts";
import { chainPending, type SequencerOptions, type SequencerRun } from "./sequencer.ts";
import { eachTrail } from "./trails.ts";

/** Some trails could not be chained now; their events stay recorded. Named for the trigger's retry. */
export class AuditSequencingIncompleteError extends errorClass("AUDIT_SEQUENCING_INCOMPLETE") {}

/** Chains the pending events of each trail, one trail after another, each on its own (eachTrail). */
export function sequenceTrails(
  trails: AsyncIterable<string> | Iterable<string>,
  store: AuditChainStore,
  options?: SequencerOptions,
): Promise<SequencerRun[]> {
  return eachTrail(trails, "chained", AuditSequencingIncompleteError, (tenantId) =>
    chainPending(tenantId, store, options),
  );
}
