import { describe, expect, it } from "vitest";
import { verifyPassword } from "../../../shared/identity/password-hash.ts";
import type { SessionClaims } from "../../../shared/identity/session-token.ts";
import { defaultIdentitySettings as settings } from "../../../shared/identity/settings.ts";
import { UserService } from "../../../shared/identity/user-service.ts";
import { claimsFor } from "../../support/identity-fixtures.ts";
import { MemoryStores } from "../../support/memory-stores.ts";

const now = new Date("2026-11-21T08:00:00Z");
const admin = (tid: string, roles: SessionClaims["roles"]): SessionClaims => claimsFor(roles, tid);

const setup = () => {
  const stores = new MemoryStores();
  return {
    stores,
    service: new UserService({ users: stores.users, settings: async () => settings, now: () => now }),
  };
};

describe("UserService", () => {
  it("R-IA-08: creates a user in the admin's own unit with a one-time password that must be changed", async () => {
    const { service } = setup();

    const { user, oneTimePassword } = await service.create(admin("t-aaaaaaaaaaaa", ["tenant-admin"]), {
      userName: "op.zhang",
      displayName: "张",
      roles: ["tenant-operator"],
    });

    expect(user).toMatchObject({ tenantId: "t-aaaaaaaaaaaa", mustChangePassword: true, status: "active" });
    expect(await verifyPassword(oneTimePassword, user.passwordHash)).toBe(true);
  });

  it("R-IA-10: refuses role sets that break separation of duties, and roles outside the admin's scope", async () => {
    const { service } = setup();
    const tenantAdmin = admin("t-aaaaaaaaaaaa", ["tenant-admin"]);

    await expect(
      service.create(tenantAdmin, {
        userName: "both.hats",
        displayName: "x",
        roles: ["tenant-admin", "tenant-auditor"],
      }),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      fieldErrors: [
        {
          path: "roles",
          message: "Separation of duties: one user cannot hold both tenant-admin and tenant-auditor.",
        },
      ],
    });
    await expect(
      service.create(tenantAdmin, { userName: "sneaky", displayName: "x", roles: ["platform-admin"] }),
    ).rejects.toMatchObject({
      code: "ROLE_OUT_OF_SCOPE",
    });
    await expect(
      service.create(admin("platform", ["security-admin"]), {
        userName: "sec.two",
        displayName: "x",
        roles: ["security-admin", "platform-auditor"],
      }),
    ).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("lets nobody change their own roles or status, and finds no user of another unit", async () => {
    const { service } = setup();
    const tenantAdmin = admin("t-aaaaaaaaaaaa", ["tenant-admin"]);
    const other = await service.create(admin("t-bbbbbbbbbbbb", ["tenant-admin"]), {
      userName: "other.op",
      displayName: "x",
      roles: ["tenant-operator"],
    });

    await expect(service.setRoles(tenantAdmin, tenantAdmin.sub, ["tenant-auditor"])).rejects.toMatchObject({
      code: "SELF_ADMINISTRATION",
    });
    await expect(service.setStatus(tenantAdmin, other.user.userId, "disabled")).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("resets a password to a new one-time password and clears the lock", async () => {
    const { service, stores } = setup();
    const tenantAdmin = admin("t-aaaaaaaaaaaa", ["tenant-admin"]);
    const { user } = await service.create(tenantAdmin, {
      userName: "locked.out",
      displayName: "x",
      roles: ["tenant-operator"],
    });
    await stores.users.update({
      ...user,
      loginFailures: { consecutiveFailures: 5, lockedUntil: "2026-11-21T09:00:00.000Z" },
      version: 2,
    });

    const reset = await service.resetPassword(tenantAdmin, user.userId);

    expect(reset.user).toMatchObject({ mustChangePassword: true, loginFailures: { consecutiveFailures: 0 } });
    expect(await verifyPassword(reset.oneTimePassword, reset.user.passwordHash)).toBe(true);
  });
});
