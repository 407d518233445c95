import { z } from "zod";
import { drillTargetsSchema, findingSchema } from "../drills/drill.ts";
import { sites } from "../routing/route.ts";

export const switchIdSchema = z.string().regex(/^f-[0-9a-z]{12}$/, "a switchover id such as f-4k2m9x0q7w1z");

/** A failover moves systems to the DR site; a failback moves them back (000 §7.5.5(4)). */
export const switchKinds = ["failover", "failback"] as const;
export type SwitchKind = (typeof switchKinds)[number];

/**
 * The steps one system takes in its wave (statemachines/failover.asl.json): hold the site it leaves
 * off, bring up the site it goes to, check that site, move the route, check through the move, record.
 */
export const systemSteps = ["fence", "recover", "check", "switch", "verify", "record", "rollback"] as const;
export type SystemStep = (typeof systemSteps)[number];

/** The switchover's own phases, before and after its waves. */
export const phases = ["precheck", "resync", "approval", "waves", "report", "done"] as const;
export type Phase = (typeof phases)[number];

export const switchStatuses = [
  "running",
  "awaiting-approval",
  /** Every system serves from its target site, each checked healthy. */
  "completed",
  /** A wave failed and was rolled back; earlier waves stay switched. */
  "rolled-back",
  /**
   * Stopped before it completed: before any switch (precheck, resync, an expired approval), or when
   * a step could not run; its systems' statuses and routes say where each is served.
   */
  "failed",
  "rejected",
] as const;
export type SwitchStatus = (typeof switchStatuses)[number];
export const endedStatuses: readonly SwitchStatus[] = ["completed", "rolled-back", "failed", "rejected"];

const seconds = z.number().min(0);

const stepSchema = z.object({
  name: z.enum([...systemSteps, "resync"]),
  status: z.enum(["running", "succeeded", "failed", "skipped"]),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().optional(),
  /** Attempts of the step (a retried task starts it again). */
  attempts: z.number().int().min(1),
  detail: z.string().max(2000).optional(),
});
export type SwitchStepRecord = z.infer<typeof stepSchema>;

const errorSchema = z.object({ code: z.string().max(64), message: z.string().max(2000) });

export const switchSystemSchema = z.object({
  systemId: z.string().min(1),
  name: z.string().max(200),
  importanceClass: z.number().int().min(1).max(5),
  /** 000 §6: 5 is the highest; higher priorities switch in earlier waves (R-CL-07, R-FO-03). */
  recoveryPriority: z.number().int().min(1).max(5),
  targets: drillTargetsSchema,
  from: z.enum(sites),
  to: z.enum(sites),
  status: z.enum(["pending", "running", "switched", "failed", "rolled-back"]),
  step: z.enum([...systemSteps, "resync"]).optional(),
  steps: z.array(stepSchema).max(20),
  /** The latest point the DR vault holds (a failover), from which the RPO is measured. */
  recoveryPoint: z.object({ snapshotId: z.string(), takenAt: z.iso.datetime() }).optional(),
  /** Recovery by restore (D-51): the point a failover restored into the DR site's data, and where. */
  restored: z.object({ snapshotId: z.string().max(64), into: z.string().max(1200) }).optional(),
  /** A resync the platform performs (the failback of a system recovered by restore, D-51), as it goes. */
  resync: z
    .object({
      /** When the DR site was fenced, so that it takes no writes the resync would miss. */
      fencedAt: z.iso.datetime().optional(),
      /** The backup of the primary's data as it stood, kept before the resync overwrites it. */
      primaryJobId: z.string().max(64).optional(),
      /** The backup of the DR site's data, restored into the primary. */
      drJobId: z.string().max(64).optional(),
      /** Since when it waits for another backup of the system to give the system's slot back. */
      waitingSince: z.iso.datetime().optional(),
      snapshotId: z.string().max(64).optional(),
      restoredAt: z.iso.datetime().optional(),
    })
    .optional(),
  /** When its route moved, and the achieved RTO (declaration → switched and checked) and RPO. */
  switchedAt: z.iso.datetime().optional(),
  achieved: z.object({ rtoSeconds: seconds, rpoSeconds: seconds.optional() }).optional(),
  withinTargets: z.boolean().optional(),
  error: errorSchema.optional(),
});
export type SwitchSystem = z.infer<typeof switchSystemSchema>;

export const waveSchema = z.object({
  index: z.number().int().min(0),
  status: z.enum(["pending", "running", "completed", "failed", "rolled-back"]),
  startedAt: z.iso.datetime().optional(),
  finishedAt: z.iso.datetime().optional(),
  systems: z.array(switchSystemSchema).min(1).max(50),
});
export type Wave = z.infer<typeof waveSchema>;

export const approvalSchema = z.object({
  required: z.boolean(),
  /** Why it is or is not required: the policies, or an automatic failover on a heartbeat breach. */
  reason: z.string().max(500),
  /** How long the gate waits once it opens (the shortest of the policies' approvalTimeoutMinutes). */
  timeoutMinutes: z.number().int().min(1).max(1440),
  requestedAt: z.iso.datetime().optional(),
  expiresAt: z.iso.datetime().optional(),
  decision: z.enum(["approved", "rejected", "expired"]).optional(),
  decidedAt: z.iso.datetime().optional(),
  decidedBy: z.string().max(200).optional(),
  comment: z.string().max(1000).optional(),
});

export const switchoverSchema = z.object({
  tenantId: z.string().min(1),
  switchId: switchIdSchema,
  kind: z.enum(switchKinds),
  /** `heartbeat`: started by the monitor on a breach; `request`: by a person through the API. */
  trigger: z.enum(["request", "heartbeat"]),
  requestedBy: z.string().min(1).max(200),
  reason: z.string().max(1000),
  status: z.enum(switchStatuses),
  phase: z.enum(phases),
  /**
   * When the incident was declared: the first missed heartbeat of a breach, else the request. The
   * achieved RTO is measured from here (R-FO-12: from declaration until the DR side serves).
   */
  declaredAt: z.iso.datetime(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().optional(),
  approval: approvalSchema,
  precheck: z.object({ findings: z.array(findingSchema).max(100), checkedAt: z.iso.datetime() }).optional(),
  waves: z.array(waveSchema).min(1).max(50),
  currentWave: z.number().int().min(0).optional(),
  /** Where the time went (seconds): detection, approval, recovery, switch, and all of it. */
  timings: z
    .object({
      detectionSeconds: seconds,
      approvalSeconds: seconds,
      recoverySeconds: seconds,
      switchSeconds: seconds,
      totalSeconds: seconds,
    })
    .optional(),
  /** The slowest system's RTO and the largest RPO of the switchover. */
  achieved: z.object({ rtoSeconds: seconds, rpoSeconds: seconds.optional() }).optional(),
  /** The failover a failback undoes. */
  failoverId: switchIdSchema.optional(),
  report: z.object({ json: z.string(), html: z.string() }).optional(),
  error: errorSchema.optional(),
  executionArn: z.string().max(2048).optional(),
  version: z.number().int().min(1),
});
export type Switchover = z.infer<typeof switchoverSchema>;

export const isEnded = (s: Pick<Switchover, "status">) => endedStatuses.includes(s.status);

/** Every system of the switchover, wave by wave. */
export const systemsOf = (s: Pick<Switchover, "waves">) => s.waves.flatMap((wave) => wave.systems);

/** Replaces one system of the switchover (by id) with what `change` makes of it. */
export function withSystem(
  switchover: Switchover,
  systemId: string,
  change: (system: SwitchSystem) => SwitchSystem,
): Switchover {
  return {
    ...switchover,
    waves: switchover.waves.map((wave) => ({
      ...wave,
      systems: wave.systems.map((system) => (system.systemId === systemId ? change(system) : system)),
    })),
  };
}

export function withWave(switchover: Switchover, index: number, change: (wave: Wave) => Wave): Switchover {
  return {
    ...switchover,
    waves: switchover.waves.map((wave) => (wave.index === index ? change(wave) : wave)),
  };
}

/** A system's step as it begins; a retried step counts another attempt. */
export function beginSystemStep(
  system: SwitchSystem,
  name: SwitchStepRecord["name"],
  at: Date,
): SwitchSystem {
  const earlier = system.steps.find((step) => step.name === name);
  const steps = system.steps.filter((step) => step.name !== name);
  steps.push({
    name,
    status: "running",
    startedAt: at.toISOString(),
    attempts: (earlier?.attempts ?? 0) + 1,
  });
  return { ...system, step: name, status: system.status === "pending" ? "running" : system.status, steps };
}

export function endSystemStep(
  system: SwitchSystem,
  name: SwitchStepRecord["name"],
  status: "succeeded" | "failed" | "skipped",
  at: Date,
  detail?: string,
): SwitchSystem {
  const started = system.steps.find((step) => step.name === name);
  const steps = system.steps.filter((step) => step.name !== name);
  steps.push({
    name,
    status,
    startedAt: started?.startedAt ?? at.toISOString(),
    finishedAt: at.toISOString(),
    attempts: started?.attempts ?? 1,
    ...(detail ? { detail: detail.slice(0, 2000) } : {}),
  });
  return { ...system, steps };
}
