import { z } from "zod";
import { agentKeyIdSchema } from "../agents/agent-key.ts";
import { auditQuerySchema } from "../audit/audit-query.ts";
import { backupJobIdSchema } from "../backups/backup-job.ts";
import { drillIdSchema, drillTypes } from "../drills/drill.ts";
import { switchIdSchema } from "../failover/switchover.ts";
import { roleSchema } from "../identity/roles.ts";
import { identitySettingsChangeSchema } from "../identity/settings-service.ts";
import { userNameSchema } from "../identity/user.ts";
import { subscriptionIdSchema, subscriptionRequestSchema } from "../notifications/subscription.ts";
import { newPolicySchema } from "../policies/policy-schema.ts";
import { snapshotIdSchema, snapshotReportSchema } from "../snapshots/snapshot-record.ts";
import { pageRequestSchema } from "../stores/page.ts";
import { systemIdSchema, systemInputSchema } from "../systems/system.ts";
import { tenantRegistrationSchema, tenantSettingsChangeSchema, tenantStatuses } from "../tenants/tenant.ts";
import { safeText } from "../validation/text.ts";
import { backupTypes } from "../vault/snapshot.ts";

/** Request bodies and queries of every route; handlers parse with them, the OpenAPI document shows them. */
export const requests = {
  login: z.object({ userName: userNameSchema, password: z.string().min(1).max(256) }),
  changePassword: z.object({
    currentPassword: z.string().min(1).max(256),
    newPassword: z.string().min(1).max(256),
  }),
  agentToken: z.object({ keyId: agentKeyIdSchema, secret: z.string().min(1).max(256) }),
  newAgentKey: z.object({ name: safeText(1, 60) }),
  snapshotReport: snapshotReportSchema,
  mfaCode: z.object({ code: z.string().regex(/^\d{6}$/, "a 6-digit code") }),
  registerTenant: tenantRegistrationSchema.extend({ adminPassword: z.string().min(1).max(256) }),
  tenantIpAllowList: tenantSettingsChangeSchema.pick({ version: true, ipAllowList: true }).required(),
  tenantSiteRules: tenantSettingsChangeSchema.pick({ version: true, siteRuleSet: true }).required(),
  listTenants: pageRequestSchema.extend({ status: z.enum(tenantStatuses).default("pending") }),
  page: pageRequestSchema,
  system: systemInputSchema,
  /** A replacement; `version`, when given, is the one the editor read (else a 409 STALE_VERSION). */
  systemUpdate: systemInputSchema.extend({ version: z.number().int().min(1).optional() }),
  policy: newPolicySchema,
  newUser: z.object({
    userName: userNameSchema,
    displayName: safeText(1, 60),
    roles: z.array(roleSchema).min(1).max(3),
  }),
  roles: z.object({ roles: z.array(roleSchema).min(1).max(3) }),
  auditQuery: auditQuerySchema,
  identitySettings: identitySettingsChangeSchema,
  /** No body at all runs the policy's drill type on the latest replicated snapshot. */
  newDrill: z
    .object({
      /** Default: the policy's drill type. */
      type: z.enum(drillTypes).optional(),
      /** Recover the data as it was at this time; default: the latest replicated snapshot. */
      pointInTime: z.iso.datetime({ offset: true }).optional(),
    })
    .default({}),
  /** No body at all backs up the policy's S3 prefixes and DynamoDB tables with its backup type (D-43). */
  newBackup: z
    .object({
      /** Default: the policy's backup type. */
      type: z.enum(backupTypes).optional(),
    })
    .strict()
    .default({}),
  subscription: subscriptionRequestSchema,
  /** A failover of one system: why (recorded, and in the approval request). */
  newSystemSwitchover: z
    .object({ reason: safeText(0, 1000).optional() })
    .strict()
    .default({}),
  /** A plan-level failover: the systems (waves planned from priority and dependencies) or the waves. */
  newSwitchoverPlan: z
    .object({
      systems: z.array(systemIdSchema).min(1).max(50).optional(),
      waves: z
        .array(z.array(systemIdSchema).min(1).max(50))
        .min(1)
        .max(50)
        .refine((waves) => waves.flat().length <= 50, "at most 50 systems in one plan")
        .optional(),
      reason: safeText(0, 1000).optional(),
    })
    .strict()
    .refine((plan) => !!plan.systems !== !!plan.waves, {
      message: "either systems (the waves are planned) or waves, not both",
      path: ["systems"],
    }),
  /** A failback of a failover's systems, in the reverse of its waves. */
  newPlanFailback: z.object({ failoverId: switchIdSchema, reason: safeText(0, 1000).optional() }).strict(),
  approvalDecision: z
    .object({ comment: safeText(0, 1000).optional() })
    .strict()
    .default({}),
  reportFormat: z.object({ format: z.enum(["json", "html"]).default("html") }),
  exportFormat: z.object({ format: z.enum(["jsonl", "csv"]).default("jsonl") }),
  /** `index`: the DynamoDB chain; `archive`: the locked batches and digest files in the audit bucket. */
  verifySource: z.object({
    tenantId: z.string().max(64).optional(),
    source: z.enum(["index", "archive"]).default("index"),
  }),
};

/** Every path parameter of the API and its form; a route's path is checked against them first. */
export const pathParameters = {
  tenantId: z.string().regex(/^t-[0-9a-z]{12}$/, "a tenant id such as t-4k2m9x0q7w1z"),
  userId: z.string().regex(/^u-[0-9a-z]{12}$/, "a user id such as u-4k2m9x0q7w1z"),
  systemId: systemIdSchema,
  keyId: agentKeyIdSchema,
  snapshotId: snapshotIdSchema,
  drillId: drillIdSchema,
  jobId: backupJobIdSchema,
  subscriptionId: subscriptionIdSchema,
  failoverId: switchIdSchema,
};
export type PathParameter = keyof typeof pathParameters;

/** The parameters of a path template such as `/systems/{systemId}/snapshots/{snapshotId}`. */
export function parametersOf(template: string): PathParameter[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((match) => {
    const name = match[1] as string;
    if (!(name in pathParameters))
      throw new Error(`Path parameter {${name}} has no schema in pathParameters`);
    return name as PathParameter;
  });
}

/** The schema of a path template's parameters. */
export function pathSchemaOf(template: string) {
  return z.object(Object.fromEntries(parametersOf(template).map((name) => [name, pathParameters[name]])));
}
