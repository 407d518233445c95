import { describe, expect, it } from "vitest";
import { authorize } from "../../../shared/identity/permissions.ts";
import type { SessionClaims } from "../../../shared/identity/session-token.ts";
import { defaultIdentitySettings as settings } from "../../../shared/identity/settings.ts";
import { tenantRegistrationSchema, transitionTenant } from "../../../shared/tenants/tenant.ts";
import { TenantService } from "../../../shared/tenants/tenant-service.ts";
import { claimsFor, makeTenant } from "../../support/identity-fixtures.ts";
import { MemoryStores } from "../../support/memory-stores.ts";
import { MemoryTenantKeys } from "../../support/memory-tenant-keys.ts";

const now = new Date("2026-11-21T08:00:00Z");
const caller = (roles: SessionClaims["roles"], tid: string): SessionClaims => claimsFor(roles, tid, "u-1");

const registration = tenantRegistrationSchema.parse({
  name: "某市大数据发展局",
  unifiedSocialCreditCode: "11500000mb1234567x",
  contact: { name: "李工", email: "li@bigdata.example.gov.cn", phone: "023-66668888" },
  admin: { userName: "bigdata.admin", displayName: "李工" },
});

describe("tenant lifecycle", () => {
  it("moves pending → active → suspended → active → exiting, recording who approved and who asked to exit", () => {
    let tenant = makeTenant(now, "pending");
    tenant = transitionTenant(tenant, "approve", "u-platform", now);
    expect(tenant).toMatchObject({ status: "active", approvedBy: "u-platform", version: 2 });
    tenant = transitionTenant(transitionTenant(tenant, "suspend", "u-p", now), "resume", "u-p", now);
    tenant = transitionTenant(tenant, "exit", "u-admin", now);

    expect(tenant).toMatchObject({ status: "exiting", exit: { requestedBy: "u-admin" }, version: 5 });
  });

  it("refuses an action from the wrong state with a 409 that names the states", () => {
    expect(() => transitionTenant(makeTenant(now, "active"), "approve", "u", now)).toThrow(
      expect.objectContaining({
        code: "INVALID_TENANT_STATE",
        httpStatus: 409,
        message: expect.stringContaining("only possible when it is pending"),
      }),
    );
    expect(() => transitionTenant(makeTenant(now, "exiting"), "resume", "u", now)).toThrow(
      /only possible when it is suspended/,
    );
  });

  it("normalises the unified social credit code and refuses a malformed one", () => {
    expect(registration.unifiedSocialCreditCode).toBe("11500000MB1234567X");
    expect(
      tenantRegistrationSchema.safeParse({ ...registration, unifiedSocialCreditCode: "123" }).error?.issues[0]
        ?.path,
    ).toEqual(["unifiedSocialCreditCode"]);
  });
});

describe("TenantService", () => {
  it("registers a pending tenant whose administrator becomes active on approval", async () => {
    const stores = new MemoryStores();
    const service = new TenantService({
      ...stores,
      settings: async () => settings,
      keys: new MemoryTenantKeys(),
      now: () => now,
    });

    const tenant = await service.register(registration, "Big-Data-Admin-2026");
    const [pendingAdmin] = (await stores.users.listByTenant(tenant.tenantId, { limit: 10 })).items;
    expect(tenant.status).toBe("pending");
    expect(pendingAdmin).toMatchObject({
      userName: "bigdata.admin",
      roles: ["tenant-admin"],
      status: "pending",
    });

    await service.transition(tenant, "approve", "u-platform");

    expect((await stores.users.findByUserName("BigData.Admin"))?.status).toBe("active");
    await expect(service.register(registration, "Big-Data-Admin-2026")).rejects.toMatchObject({
      code: "ALREADY_REGISTERED",
    });
  });

  it("refuses an administrator password that breaks the policy, before creating anything", async () => {
    const stores = new MemoryStores();
    const service = new TenantService({
      ...stores,
      settings: async () => settings,
      keys: new MemoryTenantKeys(),
      now: () => now,
    });

    await expect(service.register(registration, "short")).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    expect(stores.tenantMap.size).toBe(0);
  });
});

describe("authorize", () => {
  it("lets platform roles see any tenant, and only platform-admin approve", () => {
    expect(() =>
      authorize(caller(["platform-auditor"], "platform"), "tenant:read", "t-aaaaaaaaaaaa"),
    ).not.toThrow();
    expect(() =>
      authorize(caller(["platform-auditor"], "platform"), "tenant:approve", "t-aaaaaaaaaaaa"),
    ).toThrow(expect.objectContaining({ httpStatus: 403 }));
    expect(() =>
      authorize(caller(["platform-admin"], "platform"), "tenant:approve", "t-aaaaaaaaaaaa"),
    ).not.toThrow();
  });

  it("answers 404 to a tenant user asking about another tenant, and 403 for a role it lacks on its own", () => {
    expect(() =>
      authorize(caller(["tenant-admin"], "t-aaaaaaaaaaaa"), "tenant:read", "t-bbbbbbbbbbbb"),
    ).toThrow(expect.objectContaining({ httpStatus: 404, code: "NOT_FOUND" }));
    expect(() =>
      authorize(caller(["tenant-auditor"], "t-aaaaaaaaaaaa"), "tenant:exit", "t-aaaaaaaaaaaa"),
    ).toThrow(expect.objectContaining({ httpStatus: 403 }));
    expect(() =>
      authorize(caller(["tenant-admin"], "t-aaaaaaaaaaaa"), "tenant:exit", "t-aaaaaaaaaaaa"),
    ).not.toThrow();
  });
});
