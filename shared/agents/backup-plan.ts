import { z } from "zod";
import { ConflictError, GovdrError } from "../errors.ts";
import type { SessionClaims } from "../identity/session-token.ts";
import { backupScheduleSchema, type DrPolicy, windowSchema } from "../policies/policy-schema.ts";
import type { SystemStore } from "../stores/stores.ts";
import { requireSystem } from "../systems/system-service.ts";

/** A path the agent backs up, as the policy names it: a directory (with its excludes) or a file. */
export const agentSourceSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("directory"), path: z.string(), excludes: z.array(z.string()) }),
  z.object({ type: z.literal("file"), path: z.string() }),
]);
export type AgentSource = z.infer<typeof agentSourceSchema>;

/**
 * What a system's installed agent runs (D-54): the backup part of the policy in force, without what
 * the agent has no business reading (failover targets, roles, webhooks). Standard-input sources are
 * named apart: a timer has no dump to pipe in, so the unit's own job runs `govdr backup --stdin`.
 */
export const backupPlanSchema = z.object({
  systemId: z.string(),
  policyVersion: z.number().int().min(1),
  type: z.enum(["full", "incremental", "differential"]),
  schedule: backupScheduleSchema,
  window: windowSchema.optional(),
  sources: z.array(agentSourceSchema),
  stdinSources: z.array(z.string()),
  /** Object Lock retention of what a run writes to an S3 vault. */
  retentionDays: z.number().int().min(1),
  suite: z.enum(["aes-256-gcm", "sm4-ctr+hmac-sm3"]),
});
export type BackupPlan = z.infer<typeof backupPlanSchema>;

export function backupPlanOf(systemId: string, version: number, policy: DrPolicy): BackupPlan {
  const sources: AgentSource[] = [];
  const stdinSources: string[] = [];
  for (const source of policy.backup.sources) {
    if (source.type === "directory" || source.type === "file") sources.push(source);
    else if (source.type === "stdin") stdinSources.push(source.name);
  }
  return {
    systemId,
    policyVersion: version,
    type: policy.backup.type,
    schedule: policy.backup.schedule,
    ...(policy.backup.window ? { window: policy.backup.window } : {}),
    sources,
    stdinSources,
    retentionDays: policy.retention.days,
    suite: policy.crypto.suite,
  };
}

export interface BackupPlanDeps {
  systems: Pick<SystemStore, "get" | "getPolicy">;
}

/** The plan of the policy in force, read by the system's agent at every run. */
export async function backupPlan(
  deps: BackupPlanDeps,
  caller: Pick<SessionClaims, "tid">,
  systemId: string,
): Promise<BackupPlan> {
  const system = requireSystem(await deps.systems.get(caller.tid, systemId), systemId);
  if (system.policyVersion === 0) {
    throw new ConflictError(
      `System ${systemId} has no DR policy yet; its agent has nothing to run`,
      "NO_POLICY",
    );
  }
  const record = await deps.systems.getPolicy(caller.tid, systemId, system.policyVersion);
  if (!record) throw new GovdrError("INTERNAL", `Policy v${system.policyVersion} of ${systemId} is missing`);
  return backupPlanOf(systemId, record.version, record.policy);
}
