import { z } from "zod";
import { switchIdSchema } from "./switchover.ts";

/** The steps the switchover task function runs, by the name the state machines pass it. */
export const switchoverTaskSteps = [
  "precheck",
  "resync",
  "request-approval",
  "next-wave",
  "fence",
  "recover",
  "check",
  "switch",
  "verify",
  "record",
  "system-failed",
  "end-wave",
  "rollback-wave",
  "finish",
] as const;

const failure = z.object({ Error: z.string().optional(), Cause: z.string().optional() }).nullish();

/** What statemachines/failover.asl.json and failback.asl.json pass each task. */
export const switchoverTaskInput = z.object({
  step: z.enum(switchoverTaskSteps),
  tenantId: z.string().regex(/^t-[0-9a-z]{12}$/),
  switchId: switchIdSchema,
  systemId: z
    .string()
    .regex(/^s-[0-9a-z]{12}$/)
    .optional(),
  waveIndex: z.number().int().min(0).optional(),
  taskToken: z.string().min(1).max(2048).optional(),
  failure,
});
export type SwitchoverTaskInput = z.infer<typeof switchoverTaskInput>;
