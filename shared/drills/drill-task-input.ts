import { z } from "zod";
import { drillIdSchema } from "./drill.ts";

/** What the drill state machine passes each task: the drill's key, and to cleanup what failed. */
export const drillTaskInput = z.object({
  tenantId: z.string().regex(/^t-[0-9a-z]{12}$/),
  systemId: z.string().regex(/^s-[0-9a-z]{12}$/),
  drillId: drillIdSchema,
  failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).nullish(),
});
