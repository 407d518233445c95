import { z } from "zod";
import { ConflictError } from "../errors.ts";
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
  ipAllowList: z.array(z.cidrv4().or(z.cidrv6())).max(50),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  approvedBy: z.string().optional(),
  exit: z
    .object({
      requestedAt: z.iso.datetime(),
      requestedBy: z.string(),
      keyDeletionScheduledFor: z.iso.datetime().optional(),
    })
    .optional(),
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
    ...(action === "exit" ? { exit: { requestedAt: at, requestedBy: actor } } : {}),
  };
}

/** Tenants that may write (back up, change policies): exiting and suspended tenants may not (R-EX). */
export const tenantCanWrite = (tenant: Tenant) => tenant.status === "active";
