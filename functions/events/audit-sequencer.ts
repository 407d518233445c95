import { z } from "zod";
import { sequenceTrails } from "../../shared/audit/sequence-trails.ts";
import { allTrails } from "../../shared/audit/trails.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { auditSequencerFunctionEnv } from "../../shared/config/function-env.ts";
import { fieldErrorsOf, ValidationError } from "../../shared/errors.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";
import { pendingPartitionPrefix } from "../../shared/stores/dynamodb/audit-log.ts";
import type { TenantStore } from "../../shared/stores/stores.ts";

/** New pending items of the Audit table's stream (keys only): which trails have events to chain. */
const streamBatch = z.object({
  Records: z.array(
    z.looseObject({ dynamodb: z.looseObject({ Keys: z.looseObject({ pk: z.object({ S: z.string() }) }) }) }),
  ),
});
/** The minute sweep (any scheduled event), or an operator naming trails: `{"tenantIds": ["t-…"]}`. */
const sweepRequest = z.looseObject({
  tenantIds: z.array(z.string().min(1).max(64)).min(1).max(100).optional(),
});

/** The trails an invocation should chain: those named by the stream batch, the operator, or all. */
export function trailsOf(event: unknown, tenants: TenantStore): AsyncIterable<string> | Iterable<string> {
  const batch = streamBatch.safeParse(event);
  if (batch.success) {
    const trails = batch.data.Records.map((r) => r.dynamodb.Keys.pk.S)
      .filter((pk) => pk.startsWith(pendingPartitionPrefix))
      .map((pk) => pk.slice(pendingPartitionPrefix.length));
    return new Set(trails);
  }
  const sweep = sweepRequest.safeParse(event ?? {});
  if (!sweep.success) throw new ValidationError("Invalid sequencing request", fieldErrorsOf(sweep.error));
  return sweep.data.tenantIds ?? allTrails(tenants);
}

/**
 * Chains recorded audit events into their tenants' hash chains (docs/decisions.md D-32). Throws
 * AuditSequencingIncompleteError (the stream retries the batch; the sweep catches up) or
 * ValidationError.
 */
export const handler = taskHandler(
  auditSequencerFunctionEnv,
  { deps: awsDirectory, input: z.unknown() },
  async (event, { deps, logger }) => {
    const runs = await sequenceTrails(trailsOf(event, deps.tenants), deps.audit);
    const chained = runs.filter((run) => run.chained > 0);
    if (chained.length > 0) {
      logger.info("audit events chained", {
        trails: chained.map(({ tenantId, chained, head, more }) => ({ tenantId, chained, head, more })),
      });
    }
    return { trails: runs.length, chained: chained.reduce((sum, run) => sum + run.chained, 0) };
  },
);
