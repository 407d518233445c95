import { z } from "zod";

export const drillIdSchema = z.string().regex(/^d-[0-9a-z]{12}$/, "a drill id such as d-4k2m9x0q7w1z");

/** App. C (R-DRL-07): a tabletop drill walks the plan (records only); simulated and live restore data. */
export const drillTypes = ["tabletop", "simulated", "live"] as const;
export type DrillType = (typeof drillTypes)[number];

/**
 * The steps of statemachines/drill.asl.json, in order. Each task records its step on the drill as it
 * starts and ends, so `GET …/drills/{drillId}` shows where a running drill is.
 */
export const drillSteps = ["plan", "restore", "verify", "evaluate", "report", "cleanup", "notify"] as const;
export type DrillStep = (typeof drillSteps)[number];

const stepSchema = z.object({
  name: z.enum(drillSteps),
  status: z.enum(["running", "succeeded", "failed", "skipped"]),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().optional(),
  detail: z.string().max(2000).optional(),
});
export type DrillStepRecord = z.infer<typeof stepSchema>;

export const findingSchema = z.object({
  code: z.string().min(1).max(64),
  severity: z.enum(["error", "warning", "info"]),
  message: z.object({ zh: z.string(), en: z.string() }),
});
export type DrillFinding = z.infer<typeof findingSchema>;

const seconds = z.number().min(0);

/** The point a drill recovers from: a snapshot of the catalogue, read from the DR vault. */
export const recoveryPointSchema = z.object({
  snapshotId: z.string().regex(/^[0-9a-f]{16}$/),
  /** When the backup began reading (else when it was written): what the RPO is measured from. */
  takenAt: z.iso.datetime(),
  /** The snapshot's repository in the DR vault: s3://bucket/prefix. */
  drRepository: z.string().min(1).max(2048),
  files: z.number().int().min(0),
  bytes: z.number().int().min(0),
});
export type RecoveryPoint = z.infer<typeof recoveryPointSchema>;

export const drillTargetsSchema = z.object({
  rtoSeconds: seconds,
  rpoSeconds: seconds,
  /** Where the targets come from: the agreed override (R-CL-06) or the class (App. A). */
  source: z.enum(["agreement", "class"]),
  importanceClass: z.number().int().min(1).max(5),
  drLevel: z.number().int().min(1).max(5),
});
export type DrillTargets = z.infer<typeof drillTargetsSchema>;

export const verificationSchema = z.object({
  /** Files of the manifest, and their bytes. */
  expectedFiles: z.number().int().min(0),
  expectedBytes: z.number().int().min(0),
  /** Files found in the sandbox with the manifest's size, every chunk authenticated on the way. */
  verifiedFiles: z.number().int().min(0),
  verifiedBytes: z.number().int().min(0),
  directories: z.number().int().min(0),
  symlinks: z.number().int().min(0),
  /** Files that could not be restored or did not match (at most 100 named; `damagedCount` has them all). */
  damaged: z.array(z.object({ path: z.string(), reason: z.string().max(500) })).max(100),
  damagedCount: z.number().int().min(0),
  restoreSeconds: seconds,
  verifySeconds: seconds,
});
export type Verification = z.infer<typeof verificationSchema>;

export const drillStatuses = ["running", "completed", "failed"] as const;

export const drillRecordSchema = z.object({
  tenantId: z.string().min(1),
  systemId: z.string().min(1),
  drillId: drillIdSchema,
  type: z.enum(drillTypes),
  trigger: z.enum(["on-demand", "schedule"]),
  /** Who asked for it (a user's id), or the schedule's name. */
  requestedBy: z.string().min(1).max(200),
  /** `completed` has a verdict; `failed` means the drill itself could not finish (see `error`). */
  status: z.enum(drillStatuses),
  /** The incident time a drill recovers for: the given point in time, or when the drill started. */
  incidentAt: z.iso.datetime(),
  /** Set when the caller asked for a point in time rather than the latest replicated point. */
  pointInTime: z.iso.datetime().optional(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().optional(),
  policyVersion: z.number().int().min(1),
  targets: drillTargetsSchema,
  steps: z.array(stepSchema).max(20),
  currentStep: z.enum(drillSteps).optional(),
  recoveryPoint: recoveryPointSchema.optional(),
  verification: verificationSchema.optional(),
  /** A tabletop drill restores nothing, so it has no achieved RTO. */
  achieved: z.object({ rtoSeconds: seconds.optional(), rpoSeconds: seconds }).optional(),
  verdict: z.enum(["PASS", "FAIL"]).optional(),
  findings: z.array(findingSchema).max(50),
  /** What stopped a failed drill: the error's code and message. */
  error: z.object({ code: z.string().max(64), message: z.string().max(2000) }).optional(),
  /** Where the sandbox is (s3://bucket/prefix) while it exists, and when cleanup removed it. */
  sandbox: z.string().max(2048).optional(),
  sandboxRemovedAt: z.iso.datetime().optional(),
  /** Object keys of the report in the reports bucket. */
  report: z.object({ json: z.string(), html: z.string() }).optional(),
  executionArn: z.string().max(2048).optional(),
  version: z.number().int().min(1),
});
export type DrillRecord = z.infer<typeof drillRecordSchema>;

/** A step as it begins, replacing an earlier attempt of the same step (a retried task). */
export function beginStep(drill: DrillRecord, name: DrillStep, at: Date): DrillRecord {
  const steps = drill.steps.filter((step) => step.name !== name);
  steps.push({ name, status: "running", startedAt: at.toISOString() });
  return { ...drill, steps, currentStep: name };
}

/** The step's end: succeeded, failed or skipped, with what it found. */
export function endStep(
  drill: DrillRecord,
  name: DrillStep,
  status: "succeeded" | "failed" | "skipped",
  at: Date,
  detail?: string,
): DrillRecord {
  const started = drill.steps.find((step) => step.name === name);
  const startedAt = started?.startedAt ?? at.toISOString();
  const steps = drill.steps.filter((step) => step.name !== name);
  steps.push({ name, status, startedAt, finishedAt: at.toISOString(), ...(detail ? { detail } : {}) });
  return { ...drill, steps };
}
