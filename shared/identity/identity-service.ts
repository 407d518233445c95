import { secretMatches } from "../agents/agent-key.ts";
import { ConflictError, ForbiddenError, UnauthenticatedError, ValidationError } from "../errors.ts";
import type { AgentKeyStore, SessionStore, TenantStore, UserStore } from "../stores/stores.ts";
import { afterFailedLogin, afterSuccessfulLogin, isLocked } from "./lockout.ts";
import { hashPassword, verifyPassword } from "./password-hash.ts";
import { passwordExpired, passwordProblems } from "./password-policy.ts";
import { agentRole, type Role } from "./roles.ts";
import type { SecretCipher } from "./secret-cipher.ts";
import {
  issueSessionToken,
  type SessionClaims,
  type SigningKey,
  sessionIsIdle,
  type sessionScopes,
  verifySessionToken,
} from "./session-token.ts";
import type { IdentitySettings } from "./settings.ts";
import { newTotpEnrolment, verifyTotp } from "./totp.ts";
import type { User } from "./user.ts";

export type SessionScope = (typeof sessionScopes)[number];

export interface SessionGrant {
  token: string;
  expiresAt: string;
  /** What the session may do; anything but "full" names the one step still to take. */
  scope: SessionScope;
}

export interface IdentityDeps {
  users: UserStore;
  tenants: TenantStore;
  sessions: SessionStore;
  agentKeys: Pick<AgentKeyStore, "get">;
  key: SigningKey;
  mfaCipher: SecretCipher;
  /** Read per call: the security administrator may change them at any time (PUT /identity/settings). */
  settings: () => Promise<IdentitySettings>;
  now: () => Date;
  issuer: string;
}

/** How often a session's last use is written (the idle timeout is at least five minutes). */
export const sessionTouchIntervalMs = 10_000;

/** Administrators must use a second factor (R-IA-09); other users use it once they enrolled. */
const mfaRequiredRoles: readonly Role[] = ["platform-admin", "security-admin", "tenant-admin"];

/** Compared against when the user does not exist, so a wrong user name costs as long as a wrong password. */
const decoyHash = hashPassword("decoy-password-that-never-matches");
const decoyAgentKey = { secretHash: "0".repeat(64) };

/**
 * Sign-in as a sequence of steps, each with a session scoped to exactly that step: password →
 * change of an initial or expired password (R-IA-07/08) → MFA enrolment or verification (R-IA-09)
 * → full session. Failed passwords and MFA codes count towards the lockout (R-IA-05).
 */
export class IdentityService {
  constructor(private readonly deps: IdentityDeps) {}

  async login(userName: string, password: string): Promise<SessionGrant> {
    const now = this.deps.now();
    const user = await this.deps.users.findByUserName(userName);
    if (!user) {
      await verifyPassword(password, await decoyHash);
      throw new UnauthenticatedError("The user name or password is wrong", "INVALID_CREDENTIALS");
    }
    this.refuseLocked(user, now);
    if (!(await verifyPassword(password, user.passwordHash)))
      await this.fail(user, now, "INVALID_CREDENTIALS");
    await this.requireActive(user);
    const signedIn = await this.resetFailures(user, now);
    return this.grant(signedIn, { auth_time: Math.floor(now.getTime() / 1000), amr: ["pwd"] }, now);
  }

  async changePassword(
    claims: SessionClaims,
    currentPassword: string,
    newPassword: string,
  ): Promise<SessionGrant> {
    this.requireScope(claims, ["change-password", "full"]);
    const now = this.deps.now();
    const user = await this.currentUser(claims);
    if (!(await verifyPassword(currentPassword, user.passwordHash)))
      await this.fail(user, now, "INVALID_CREDENTIALS");
    const problems = passwordProblems(newPassword, user.userName, await this.deps.settings()).map(
      (p) => p.message.en,
    );
    if (newPassword === currentPassword) problems.push("The new password must differ from the current one.");
    if (problems.length > 0) {
      throw new ValidationError(
        "The new password does not meet the password policy",
        problems.map((message) => ({ path: "newPassword", message })),
      );
    }
    const changed: User = {
      ...user,
      passwordHash: await hashPassword(newPassword),
      passwordChangedAt: now.toISOString(),
      mustChangePassword: false,
      loginFailures: afterSuccessfulLogin(),
      updatedAt: now.toISOString(),
      version: user.version + 1,
    };
    await this.deps.users.update(changed);
    await this.deps.sessions.revoke(claims.sid);
    return this.grant(changed, claims, now);
  }

  async startMfaEnrolment(claims: SessionClaims): Promise<{ otpauthUri: string; secret: string }> {
    this.requireScope(claims, ["enrol-mfa"]);
    const now = this.deps.now();
    const user = await this.currentUser(claims);
    const { secret, uri } = newTotpEnrolment(this.deps.issuer, user.userName);
    const secretCiphertext = await this.deps.mfaCipher.encrypt(secret, this.mfaContext(user));
    await this.deps.users.update({
      ...user,
      mfa: { enrolled: false, secretCiphertext },
      updatedAt: now.toISOString(),
      version: user.version + 1,
    });
    return { otpauthUri: uri, secret };
  }

  /** Confirms an enrolment or verifies a sign-in with a TOTP code; a wrong code counts as a failure. */
  async verifyMfa(claims: SessionClaims, code: string): Promise<SessionGrant> {
    this.requireScope(claims, ["enrol-mfa", "verify-mfa"]);
    const now = this.deps.now();
    const user = await this.currentUser(claims);
    this.refuseLocked(user, now);
    if (!user.mfa.secretCiphertext)
      throw new ForbiddenError("Start the MFA enrolment first", "MFA_NOT_ENROLLED");
    const secret = await this.deps.mfaCipher.decrypt(user.mfa.secretCiphertext, this.mfaContext(user));
    const result = await verifyTotp(secret, code, { now, lastTimeStep: user.mfa.lastTimeStep });
    if (!result.valid) return this.fail(user, now, "INVALID_MFA_CODE");
    const verified: User = {
      ...user,
      mfa: { ...user.mfa, enrolled: true, lastTimeStep: result.timeStep },
      loginFailures: afterSuccessfulLogin(),
      updatedAt: now.toISOString(),
      version: user.version + 1,
    };
    await this.deps.users.update(verified);
    await this.deps.sessions.revoke(claims.sid);
    return this.grant(verified, { auth_time: claims.auth_time, amr: ["pwd", "otp"] }, now);
  }

  /**
   * A fresh token for the same session: tokens live `sessionMinutes`, the session as long as it is
   * used (idle timeout) and at most `sessionAbsoluteHours` after sign-in.
   */
  async refresh(claims: SessionClaims): Promise<SessionGrant> {
    const now = this.deps.now();
    const session = await this.deps.sessions.get(claims.sid);
    if (!session || session.revoked)
      throw new UnauthenticatedError("This session has ended; sign in again", "SESSION_ENDED");
    const { token, expiresAt } = await issueSessionToken(
      { ...claims, sid: claims.sid },
      this.deps.key,
      await this.deps.settings(),
      now,
      new Date(session.expiresAt),
    );
    return { token, expiresAt: expiresAt.toISOString(), scope: claims.scope };
  }

  async logout(claims: SessionClaims): Promise<void> {
    await this.deps.sessions.revoke(claims.sid);
  }

  /**
   * A backup agent signs in with its system's key (docs/decisions.md D-23): a session scoped to that
   * system's snapshot routes. Wrong, unknown and revoked keys all answer INVALID_CREDENTIALS; there is
   * no lockout, because a 256-bit secret cannot be guessed.
   */
  async agentLogin(keyId: string, secret: string): Promise<SessionGrant & { systemId: string }> {
    const now = this.deps.now();
    const key = await this.deps.agentKeys.get(keyId);
    const matches = secretMatches(key ?? decoyAgentKey, secret);
    if (!key || !matches || key.revokedAt) {
      throw new UnauthenticatedError("The agent key is unknown, wrong or revoked", "INVALID_CREDENTIALS");
    }
    const tenant = await this.deps.tenants.get(key.tenantId);
    if (tenant?.status !== "active") {
      throw new ForbiddenError(
        `The organisation is ${tenant?.status ?? "unknown"}, not active`,
        "TENANT_NOT_ACTIVE",
      );
    }
    const settings = await this.deps.settings();
    const authTime = Math.floor(now.getTime() / 1000);
    const sessionEnd = new Date(authTime * 1000 + settings.sessionAbsoluteHours * 3_600_000);
    const { token, sid, expiresAt } = await issueSessionToken(
      {
        sub: key.keyId,
        tid: key.tenantId,
        roles: [agentRole],
        scope: "agent",
        auth_time: authTime,
        amr: ["key"],
        sys: key.systemId,
      },
      this.deps.key,
      settings,
      now,
      sessionEnd,
    );
    await this.startSession(sid, key.tenantId, key.keyId, now, sessionEnd);
    return { token, expiresAt: expiresAt.toISOString(), scope: "agent", systemId: key.systemId };
  }

  /** What the authorizer calls for every request: a valid token of a live, not idle, session. */
  async authenticate(token: string): Promise<SessionClaims> {
    const now = this.deps.now();
    const claims = await verifySessionToken(token, this.deps.key, now);
    const session = await this.deps.sessions.get(claims.sid);
    if (!session || session.revoked || Date.parse(session.expiresAt) <= now.getTime()) {
      throw new UnauthenticatedError("This session has ended; sign in again", "SESSION_ENDED");
    }
    if (sessionIsIdle(new Date(session.lastSeenAt), now, await this.deps.settings())) {
      await this.deps.sessions.revoke(claims.sid);
      throw new UnauthenticatedError(
        `This session was idle for more than ${(await this.deps.settings()).idleMinutes} minutes; sign in again`,
        "SESSION_ENDED",
      );
    }
    if (claims.scope === "agent" && (await this.deps.agentKeys.get(claims.sub))?.revokedAt) {
      await this.deps.sessions.revoke(claims.sid);
      throw new UnauthenticatedError("This agent key was revoked", "SESSION_ENDED");
    }
    // The idle timeout counts in minutes: one write per session every few seconds is precise enough,
    // and concurrent requests of one session then do not all write the same item.
    if (now.getTime() - Date.parse(session.lastSeenAt) >= sessionTouchIntervalMs) {
      await this.deps.sessions.touch(claims.sid, now.toISOString());
    }
    return claims;
  }

  private nextScope(
    user: User,
    amr: SessionClaims["amr"],
    now: Date,
    settings: IdentitySettings,
  ): SessionScope {
    if (user.mustChangePassword || passwordExpired(new Date(user.passwordChangedAt), now, settings)) {
      return "change-password";
    }
    if (amr.includes("otp")) return "full";
    if (user.mfa.enrolled) return "verify-mfa";
    return user.roles.some((r) => mfaRequiredRoles.includes(r)) ? "enrol-mfa" : "full";
  }

  private async grant(
    user: User,
    authn: Pick<SessionClaims, "auth_time" | "amr">,
    now: Date,
  ): Promise<SessionGrant> {
    const scope = this.nextScope(user, authn.amr, now, await this.deps.settings());
    const sessionEnd = new Date(
      authn.auth_time * 1000 + (await this.deps.settings()).sessionAbsoluteHours * 3_600_000,
    );
    const { token, sid, expiresAt } = await issueSessionToken(
      {
        sub: user.userId,
        tid: user.tenantId,
        roles: user.roles,
        scope,
        auth_time: authn.auth_time,
        amr: authn.amr,
      },
      this.deps.key,
      await this.deps.settings(),
      now,
      sessionEnd,
    );
    await this.startSession(sid, user.tenantId, user.userId, now, sessionEnd);
    return { token, expiresAt: expiresAt.toISOString(), scope };
  }

  private async startSession(sid: string, tenantId: string, userId: string, now: Date, end: Date) {
    const at = now.toISOString();
    await this.deps.sessions.create({
      sid,
      tenantId,
      userId,
      createdAt: at,
      lastSeenAt: at,
      expiresAt: end.toISOString(),
      revoked: false,
    });
  }

  private refuseLocked(user: User, now: Date): void {
    if (isLocked(user.loginFailures, now)) {
      throw new UnauthenticatedError(
        `The account is locked after repeated failed sign-ins until ${user.loginFailures.lockedUntil}`,
        "ACCOUNT_LOCKED",
      );
    }
  }

  private async fail(
    user: User,
    now: Date,
    code: "INVALID_CREDENTIALS" | "INVALID_MFA_CODE",
  ): Promise<never> {
    const settings = await this.deps.settings();
    let outcome = afterFailedLogin(user.loginFailures, now, settings);
    await this.updateUser(user, (current) => {
      outcome = afterFailedLogin(current.loginFailures, now, settings);
      return { ...current, loginFailures: outcome.state, updatedAt: now.toISOString() };
    });
    const { state, lockedNow } = outcome;
    if (lockedNow) {
      throw new UnauthenticatedError(
        `Too many failed attempts: the account is locked until ${state.lockedUntil}`,
        "ACCOUNT_LOCKED",
      );
    }
    throw new UnauthenticatedError(
      code === "INVALID_MFA_CODE"
        ? "The verification code is wrong or was already used"
        : "The user name or password is wrong",
      code,
    );
  }

  /** A successful sign-in clears the failure count; with none to clear it writes nothing. */
  private async resetFailures(user: User, now: Date): Promise<User> {
    const clean = (u: User) => u.loginFailures.consecutiveFailures === 0 && !u.loginFailures.lockedUntil;
    if (clean(user)) return user;
    return this.updateUser(user, (current) =>
      clean(current)
        ? undefined
        : { ...current, loginFailures: afterSuccessfulLogin(), updatedAt: now.toISOString() },
    );
  }

  /**
   * Applies `change` to the user and stores it; when a concurrent sign-in of the same user stored
   * first, reads the user again and applies `change` to that, so concurrent sign-ins all succeed
   * and every failure counts. `change` returns undefined when there is nothing left to write.
   */
  private async updateUser(user: User, change: (current: User) => Omit<User, "version"> | undefined) {
    let current = user;
    for (let attempt = 1; ; attempt++) {
      const next = change(current);
      if (!next) return current;
      const stored = { ...next, version: current.version + 1 } as User;
      try {
        await this.deps.users.update(stored);
        return stored;
      } catch (error) {
        if (!(error instanceof ConflictError) || error.code !== "STALE_VERSION" || attempt >= 8) throw error;
        const fresh = await this.deps.users.get(user.tenantId, user.userId);
        if (!fresh) throw new UnauthenticatedError("This user no longer exists", "INVALID_CREDENTIALS");
        current = fresh;
      }
    }
  }

  private async requireActive(user: User): Promise<void> {
    if (user.tenantId !== "platform") {
      const tenant = await this.deps.tenants.get(user.tenantId);
      if (tenant?.status !== "active") {
        throw new ForbiddenError(
          `The organisation is ${tenant?.status ?? "unknown"}, not active`,
          "TENANT_NOT_ACTIVE",
        );
      }
    }
    if (user.status !== "active")
      throw new ForbiddenError(`This account is ${user.status}`, "ACCOUNT_NOT_ACTIVE");
  }

  private requireScope(claims: SessionClaims, allowed: SessionScope[]): void {
    if (!allowed.includes(claims.scope)) {
      throw new ForbiddenError(
        `This session is limited to "${claims.scope}"; finish that step first`,
        "SESSION_STEP_REQUIRED",
      );
    }
  }

  private async currentUser(claims: SessionClaims): Promise<User> {
    const user = await this.deps.users.get(claims.tid, claims.sub);
    if (!user) throw new UnauthenticatedError("This session's user no longer exists", "SESSION_ENDED");
    return user;
  }

  private mfaContext(user: User): Record<string, string> {
    return { purpose: "govdr-totp", tenantId: user.tenantId, userId: user.userId };
  }
}
