import { z } from "zod";
import { drPolicySchema } from "../policies/policy-schema.ts";

/** One version of a system's DR policy; versions are kept, never overwritten (issue #3, item 4). */
export const policyRecordSchema = z.object({
  tenantId: z.string().min(1),
  systemId: z.string().min(1),
  version: z.number().int().min(1),
  policy: drPolicySchema,
  /** Warnings and notes the rules gave when this version was accepted. */
  findings: z.array(
    z.object({
      rule: z.string(),
      code: z.string(),
      severity: z.string(),
      path: z.string().optional(),
      message: z.object({ zh: z.string(), en: z.string() }),
    }),
  ),
  createdAt: z.iso.datetime(),
  createdBy: z.string().min(1),
});
export type PolicyRecord = z.infer<typeof policyRecordSchema>;
