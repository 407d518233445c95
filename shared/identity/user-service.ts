import { ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import type { UserStore } from "../stores/stores.ts";
import { oneTimePassword } from "./one-time-password.ts";
import { hashPassword } from "./password-hash.ts";
import { isPlatformRole, type Role, roleConflicts } from "./roles.ts";
import type { SessionClaims } from "./session-token.ts";
import type { IdentitySettings } from "./settings.ts";
import { newUserRecord, type User } from "./user.ts";

export interface UserServiceDeps {
  users: UserStore;
  /** Read per call: the security administrator may change them at any time (PUT /identity/settings). */
  settings: () => Promise<IdentitySettings>;
  now: () => Date;
}

/**
 * User administration inside the caller's own scope: a tenant-admin manages its unit's users, a
 * security-admin the platform's. Roles are checked for separation of duties (R-IA-10) and scope;
 * nobody changes their own roles or disables themselves.
 */
export class UserService {
  constructor(private readonly deps: UserServiceDeps) {}

  async create(
    caller: SessionClaims,
    input: { userName: string; displayName: string; roles: Role[] },
  ): Promise<{ user: User; oneTimePassword: string }> {
    this.checkRoles(caller, input.roles);
    const at = this.deps.now().toISOString();
    const password = oneTimePassword(input.userName, await this.deps.settings());
    const user = newUserRecord({
      tenantId: caller.tid,
      userName: input.userName,
      displayName: input.displayName,
      roles: [...new Set(input.roles)],
      passwordHash: await hashPassword(password),
      status: "active",
      mustChangePassword: true,
      at,
    });
    await this.deps.users.create(user);
    return { user, oneTimePassword: password };
  }

  async setRoles(caller: SessionClaims, userId: string, roles: Role[]): Promise<User> {
    const user = await this.target(caller, userId, "change the roles of");
    this.checkRoles(caller, roles);
    return this.save({ ...user, roles: [...new Set(roles)] });
  }

  async setStatus(caller: SessionClaims, userId: string, status: "active" | "disabled"): Promise<User> {
    const user = await this.target(caller, userId, "disable or enable");
    return this.save({ ...user, status, loginFailures: { consecutiveFailures: 0 } });
  }

  /** A new one-time password; the old one and any lock are gone, MFA enrolment stays. */
  async resetPassword(
    caller: SessionClaims,
    userId: string,
  ): Promise<{ user: User; oneTimePassword: string }> {
    const user = await this.target(caller, userId, "reset the password of");
    const password = oneTimePassword(user.userName, await this.deps.settings());
    const saved = await this.save({
      ...user,
      passwordHash: await hashPassword(password),
      passwordChangedAt: this.deps.now().toISOString(),
      mustChangePassword: true,
      loginFailures: { consecutiveFailures: 0 },
    });
    return { user: saved, oneTimePassword: password };
  }

  private checkRoles(caller: SessionClaims, roles: Role[]): void {
    const platformScope = caller.tid === "platform";
    const outOfScope = roles.filter((r) => isPlatformRole(r) !== platformScope);
    if (outOfScope.length > 0) {
      throw new ForbiddenError(`You cannot grant ${outOfScope.join(", ")} here`, "ROLE_OUT_OF_SCOPE");
    }
    const conflicts = roleConflicts(roles);
    if (conflicts.length > 0) {
      throw new ValidationError(
        conflicts.map((c) => c.message.en).join(" "),
        conflicts.map((c) => ({ path: "roles", message: c.message.en })),
      );
    }
  }

  private async target(caller: SessionClaims, userId: string, what: string): Promise<User> {
    if (userId === caller.sub)
      throw new ForbiddenError(`You cannot ${what} your own account`, "SELF_ADMINISTRATION");
    const user = await this.deps.users.get(caller.tid, userId);
    if (!user) throw new NotFoundError(`No user ${userId}`);
    return user;
  }

  private async save(user: User): Promise<User> {
    const next = { ...user, updatedAt: this.deps.now().toISOString(), version: user.version + 1 };
    await this.deps.users.update(next);
    return next;
  }
}
