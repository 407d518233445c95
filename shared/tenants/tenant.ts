import { z } from "zod";
import { ConflictError } from "../errors.ts";
import { defaultSiteRuleSet, siteRuleSetSchema } from "../policies/site-rules.ts";
import { safeText as text } from "../validation/text.ts";

export const tenantStatuses = ["pending", "active", "suspended", "rejected", "exiting"] as const;
export type TenantStatus = (typeof tenantStatuses)[number];

/** What a government unit submits to register (self-service, R-MT onboarding). */
export const tenantRegistrationSchema = z.object({
  /** The unit's official name, e.g. 某市人力资源和社会保障局. */
  name: text(2, 100),
  /** 统一社会信用代码: 18 characters, the national identifier of the unit. */
  unifiedSocialCreditCode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(
      /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/,
      "an 18-character unified social credit code",
    ),
  contact: z.object({
    name: text(1, 60),
    email: z.email().max(254),
    phone: z.string().regex(/^\+?[0-9-]{7,20}$/),
  }),
  admin: z.object({
    userName: z
      .string()
      .regex(/^[a-z][a-z0-9._-]{2,39}$/i, "3–40 letters, digits, . _ -, starting with a letter"),
    displayName: text(1, 60),
  }),
});
export type TenantRegistration = z.infer<typeof tenantRegistrationSchema>;

export const tenantSchema = z.object({
  tenantId: z.string().regex(/^t-[0-9a-z]{12}$/),
  name: text(2, 100),
  unifiedSocialCreditCode: z.string().length(18),
  contact: tenantRegistrationSchema.shape.contact,
  status: z.enum(tenantStatuses),
  quotas: z.object({ storageGiB: z.number().int().min(1), systems: z.number().int().min(1) }),
  /** Source networks allowed to run management actions; empty: any (R-IA-04, set by the security-admin). */
  ipAllowList: z.array(z.cidrv4().or(z.cidrv6())).max(50),
  /** Which DR-site distance rules the unit's policies are checked against (R-CL-10). */
  siteRuleSet: siteRuleSetSchema.default(defaultSiteRuleSet),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  approvedBy: z.string().optional(),
  exit: z
    .object({
      requestedAt: z.iso.datetime(),
      requestedBy: z.string(),
      keyDeletionScheduledFor: z.iso.datetime().optional(),
      /** When the shredder asked KMS to delete the tenant's key, and when KMS will have deleted it. */
      keyDeletionRequestedAt: z.iso.datetime().optional(),
      keyDeletedAfter: z.iso.datetime().optional(),
    })
    .optional(),
  /** The tenant's KMS key for its vault repositories (created on approval). */
  vaultKeyId: z.string().optional(),
  version: z.number().int().min(1),
});
export type Tenant = z.infer<typeof tenantSchema>;

export const defaultQuotas = { storageGiB: 1024, systems: 50 };

/** Which lifecycle actions are allowed from which state (docs/decisions.md D-14). */
const transitions = {
  approve: { from: ["pending"], to: "active" },
  reject: { from: ["pending"], to: "rejected" },
  suspend: { from: ["active"], to: "suspended" },
  resume: { from: ["suspended"], to: "active" },
  exit: { from: ["active", "suspended"], to: "exiting" },
} as const satisfies Record<string, { from: readonly TenantStatus[]; to: TenantStatus }>;
export type TenantAction = keyof typeof transitions;

export function transitionTenant(tenant: Tenant, action: TenantAction, actor: string, now: Date): Tenant {
  const rule = transitions[action];
  if (!(rule.from as readonly TenantStatus[]).includes(tenant.status)) {
    throw new ConflictError(
      `Tenant ${tenant.tenantId} is ${tenant.status}; "${action}" is only possible when it is ${rule.from.join(" or ")}`,
      "INVALID_TENANT_STATE",
    );
  }
  const at = now.toISOString();
  return {
    ...tenant,
    status: rule.to,
    updatedAt: at,
    version: tenant.version + 1,
    ...(action === "approve" ? { approvedBy: actor } : {}),
    ...(action === "exit"
      ? {
          exit: {
            requestedAt: at,
            requestedBy: actor,
            keyDeletionScheduledFor: keyDeletionDate(now).toISOString(),
          },
        }
      : {}),
  };
}

/**
 * When an exiting tenant's keys are destroyed (crypto-shredding, R-EX-06): one calendar month after
 * the exit request, the export window R-EX-02 requires. The vault engine's shredder acts on it.
 */
export function keyDeletionDate(exitRequested: Date): Date {
  const date = new Date(exitRequested);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + 1);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date;
}

/** Settings of a tenant that its administrators (or the security-admin) change in place. */
export const tenantSettingsChangeSchema = z
  .object({
    /** The tenant version the caller read: a change made meanwhile is a 409, not overwritten. */
    version: z.number().int().min(1),
    ipAllowList: tenantSchema.shape.ipAllowList.optional(),
    siteRuleSet: siteRuleSetSchema.optional(),
  })
  .strict();
export type TenantSettingsChange = z.infer<typeof tenantSettingsChangeSchema>;

export function changeTenantSettings(tenant: Tenant, change: TenantSettingsChange, now: Date): Tenant {
  if (change.version !== tenant.version) {
    throw new ConflictError(
      `Tenant ${tenant.tenantId} was changed meanwhile; reload and try again`,
      "STALE_VERSION",
    );
  }
  const { version: _version, ...settings } = change;
  return { ...tenant, ...settings, updatedAt: now.toISOString(), version: tenant.version + 1 };
}

/** Tenants that may write (back up, change policies): exiting and suspended tenants may not (R-EX). */
export const tenantCanWrite = (tenant: Tenant) => tenant.status === "active";
