import { ForbiddenError, NotFoundError } from "../errors.ts";
import { agentRole, isPlatformRole, type PrincipalRole, roles } from "./roles.ts";
import type { SessionClaims } from "./session-token.ts";

/** Every action the API performs, and which roles may perform it (R-IA-11, R-IA-15). */
export const permissions = {
  "tenant:list": ["platform-admin", "security-admin", "platform-auditor"],
  "tenant:read": roles,
  "tenant:approve": ["platform-admin"],
  "tenant:suspend": ["platform-admin"],
  "tenant:exit": ["platform-admin", "tenant-admin"],
  /** The unit's own policy settings, e.g. which DR-site distance rules apply (R-CL-10). */
  "tenant:configure": ["tenant-admin"],
  /** Network access rules are security policy: the security administrator's alone (R-IA-04, R-IA-10). */
  "tenant:network": ["security-admin"],
  "system:read": ["tenant-admin", "tenant-operator", "tenant-auditor"],
  "system:write": ["tenant-admin"],
  "policy:write": ["tenant-admin"],
  /** Read-only evidence for auditors; nobody can change or delete it through any API (R-IA-10, R-AU). */
  "audit:read": ["tenant-auditor", "platform-auditor"],
  /** Users of the caller's own scope: a unit's tenant-admin, or the platform's security-admin. */
  "user:manage": ["tenant-admin", "security-admin"],
  /** Lockout, idle timeout, re-authentication and password ageing (R-IA-05, R-IA-06). */
  "identity-settings:read": ["security-admin", "platform-admin", "platform-auditor"],
  "identity-settings:write": ["security-admin"],
  /** Keys with which a system's backup agents sign in (docs/decisions.md D-23). */
  "agent-key:manage": ["tenant-admin"],
  "agent-key:read": ["tenant-admin", "tenant-auditor"],
  /** Only an agent signed in with the system's key records that system's snapshots. */
  "snapshot:register": [agentRole],
  "snapshot:read": ["tenant-admin", "tenant-operator", "tenant-auditor", agentRole],
} as const satisfies Record<string, readonly PrincipalRole[]>;
export type Action = keyof typeof permissions;

/**
 * Throws unless the caller may perform `action` on `tenantId`. A tenant user asking about another
 * tenant gets a 404, as if it did not exist (no existence leak); a role without the permission a 403.
 */
export function authorize(claims: SessionClaims, action: Action, tenantId?: string): void {
  const isPlatform = claims.roles.some(isPlatformRole);
  if (tenantId !== undefined && !isPlatform && claims.tid !== tenantId) {
    throw new NotFoundError(`No tenant ${tenantId}`);
  }
  const allowed: readonly PrincipalRole[] = permissions[action];
  if (!claims.roles.some((r) => allowed.includes(r))) {
    throw new ForbiddenError(`Your role may not ${action.replace(":", " ")}`, "FORBIDDEN");
  }
}

/**
 * `authorize` for a route under /systems/{systemId}: an agent session reaches only the system its key
 * belongs to; any other system answers 404, as if it did not exist.
 */
export function authorizeSystem(claims: SessionClaims, action: Action, systemId: string): void {
  authorize(claims, action, claims.tid);
  if (claims.sys !== undefined && claims.sys !== systemId) throw new NotFoundError(`No system ${systemId}`);
}
