import { z } from "zod";
import { drLevelSchema, importanceClassSchema, recoveryPrioritySchema } from "../classification/scales.ts";
import { safeText } from "../validation/text.ts";

const nonBlank = (max: number) => safeText(1, max);

/**
 * RTO/RPO agreed for one system instead of its class defaults. 000 §7.1(7) requires the values to be
 * agreed by the cloud service provider, the tenant and the cloud management unit (R-CL-06), so an
 * override without that record is refused.
 */
export const targetOverrideSchema = z.object({
  rtoSeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .optional(),
  rpoSeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .optional(),
  agreement: z.object({
    provider: nonBlank(200),
    tenant: nonBlank(200),
    managementUnit: nonBlank(200),
    agreedOn: z.iso.date(),
    reference: nonBlank(200),
  }),
});

export const architectures = [
  "same-city-active-active",
  "same-city-active-standby",
  "remote-active-active",
  "remote-active-standby",
  "two-sites-three-centres",
] as const;

/** The classification part of a protected system, which policy validation needs. */
export const systemClassificationSchema = z.object({
  name: nonBlank(120),
  importanceClass: importanceClassSchema,
  drLevel: drLevelSchema,
  recoveryPriority: recoveryPrioritySchema,
  architecture: z.enum(architectures),
  targetOverride: targetOverrideSchema.optional(),
});
export type SystemClassification = z.infer<typeof systemClassificationSchema>;
