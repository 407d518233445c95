import { ValidationError } from "../errors.ts";
import { hashPassword } from "../identity/password-hash.ts";
import { passwordProblems } from "../identity/password-policy.ts";
import type { IdentitySettings } from "../identity/settings.ts";
import { newUserRecord } from "../identity/user.ts";
import { defaultSiteRuleSet } from "../policies/site-rules.ts";
import { newId } from "../stores/ids.ts";
import type { TenantStore, UserStore } from "../stores/stores.ts";
import {
  defaultQuotas,
  type Tenant,
  type TenantAction,
  type TenantRegistration,
  transitionTenant,
} from "./tenant.ts";
import type { TenantKeys } from "./tenant-keys.ts";

export interface TenantServiceDeps {
  tenants: TenantStore;
  users: UserStore;
  /** Read per call: the security administrator may change them at any time (PUT /identity/settings). */
  settings: () => Promise<IdentitySettings>;
  keys: TenantKeys;
  now: () => Date;
}

/** Self-service onboarding and the tenant lifecycle (pending → active → suspended/exiting). */
export class TenantService {
  constructor(private readonly deps: TenantServiceDeps) {}

  /**
   * Registers a unit as a pending tenant with its first administrator, who chose the password now
   * and can sign in once a platform administrator approved the tenant.
   */
  async register(registration: TenantRegistration, adminPassword: string): Promise<Tenant> {
    const problems = passwordProblems(adminPassword, registration.admin.userName, await this.deps.settings());
    if (problems.length > 0) {
      throw new ValidationError(
        "The administrator password does not meet the password policy",
        problems.map((p) => ({ path: "adminPassword", message: p.message.en })),
      );
    }
    const at = this.deps.now().toISOString();
    const tenant: Tenant = {
      tenantId: newId("t"),
      name: registration.name,
      unifiedSocialCreditCode: registration.unifiedSocialCreditCode,
      contact: registration.contact,
      status: "pending",
      quotas: defaultQuotas,
      ipAllowList: [],
      siteRuleSet: defaultSiteRuleSet,
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
    const admin = newUserRecord({
      tenantId: tenant.tenantId,
      userName: registration.admin.userName,
      displayName: registration.admin.displayName,
      roles: ["tenant-admin"],
      passwordHash: await hashPassword(adminPassword),
      status: "pending",
      mustChangePassword: false,
      at,
    });
    await this.deps.tenants.register(tenant, admin);
    return tenant;
  }

  /** Applies a lifecycle action; approving also creates the tenant's vault key and activates its pending users. */
  async transition(tenant: Tenant, action: TenantAction, actor: string): Promise<Tenant> {
    const now = this.deps.now();
    let next = transitionTenant(tenant, action, actor, now);
    if (action === "approve" && !next.vaultKeyId) {
      next = { ...next, vaultKeyId: await this.deps.keys.create(tenant.tenantId) };
    }
    await this.deps.tenants.update(next);
    if (action === "approve") await this.activatePendingUsers(tenant.tenantId, now);
    return next;
  }

  private async activatePendingUsers(tenantId: string, now: Date): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await this.deps.users.listByTenant(tenantId, { limit: 100, cursor });
      for (const user of page.items.filter((u) => u.status === "pending")) {
        await this.deps.users.update({
          ...user,
          status: "active",
          updatedAt: now.toISOString(),
          version: user.version + 1,
        });
      }
      cursor = page.nextCursor;
    } while (cursor);
  }
}
