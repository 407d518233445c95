import { z } from "zod";

/** What the platform tells a unit about (000 §7.5.3(5)): drill results, RPO breaches and their end. */
export const notificationKinds = ["drill-result", "rpo-breach", "rpo-restored", "job-failed"] as const;

export const subscriptionIdSchema = z
  .string()
  .regex(/^n-[0-9a-z]{12}$/, "a subscription id such as n-4k2m9x0q7w1z");

/** Where a unit's notifications go: an email address, a mobile number (E.164) or an HTTPS endpoint. */
export const subscriptionRequestSchema = z
  .discriminatedUnion("protocol", [
    z.object({ protocol: z.literal("email"), endpoint: z.email().max(254) }),
    z.object({
      protocol: z.literal("sms"),
      endpoint: z.string().regex(/^\+[1-9]\d{6,14}$/, "a mobile number in E.164 form, e.g. +8613800138000"),
    }),
    z.object({ protocol: z.literal("https"), endpoint: z.url({ protocol: /^https$/ }).max(2048) }),
  ])
  .and(
    z.object({
      /** Default: every kind. */
      kinds: z.array(z.enum(notificationKinds)).min(1).max(notificationKinds.length).optional(),
    }),
  );
export type SubscriptionRequest = z.infer<typeof subscriptionRequestSchema>;

export const subscriptionSchema = z.object({
  tenantId: z.string().min(1),
  subscriptionId: subscriptionIdSchema,
  protocol: z.enum(["email", "sms", "https"]),
  endpoint: z.string().min(1).max(2048),
  kinds: z.array(z.enum(notificationKinds)),
  /** The SNS subscription; email and HTTPS ones stay pending until their owner confirms. */
  snsSubscriptionArn: z.string().min(1),
  createdAt: z.iso.datetime(),
  createdBy: z.string().min(1),
});
export type Subscription = z.infer<typeof subscriptionSchema>;
