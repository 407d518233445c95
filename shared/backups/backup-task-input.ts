import { z } from "zod";
import { backupJobIdSchema } from "./backup-job.ts";

/** What statemachines/backup.asl.json gives each task: the job's key. */
export const backupTaskInput = z.object({
  tenantId: z.string().regex(/^t-[0-9a-z]{12}$/),
  systemId: z.string().regex(/^s-[0-9a-z]{12}$/),
  jobId: backupJobIdSchema,
});
