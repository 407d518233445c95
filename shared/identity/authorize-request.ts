import { GovdrError } from "../errors.ts";
import { ipAllowed, isManagementAction } from "../tenants/ip-allow-list.ts";
import { isPlatformRole } from "./roles.ts";
import type { SessionClaims } from "./session-token.ts";
import { scopeAllows } from "./step-routes.ts";

export interface Decision {
  decision: "Allow" | "Deny" | "Unauthorized";
  claims?: SessionClaims;
  reason?: string;
}

/**
 * The authorizer's rule: a live session (authenticate) whose scope allows the route, and for a
 * unit's user's management action, a source address on the unit's IP allow-list. A step-scoped
 * session (password change, MFA) reaches only its step; anything unexpected is not swallowed.
 */
export async function authorizeRequest(
  deps: {
    authenticate: (token: string) => Promise<SessionClaims>;
    /** The caller's tenant's allow-list (R-IA-04); read only for management actions. */
    ipAllowList: (tenantId: string) => Promise<readonly string[]>;
  },
  request: { token?: string; method: string; resource: string; sourceIp: string },
): Promise<Decision> {
  let claims: SessionClaims;
  try {
    claims = await deps.authenticate(request.token ?? "");
  } catch (error) {
    if (!(error instanceof GovdrError)) throw error;
    return { decision: "Unauthorized", reason: `${error.code}: ${error.message}` };
  }
  if (!scopeAllows(claims.scope, request.method, request.resource)) {
    return {
      decision: "Deny",
      claims,
      reason: `session scope "${claims.scope}" does not allow ${request.method} ${request.resource}`,
    };
  }
  // An agent only records its system's snapshots, which is not a management action (docs/decisions.md D-23).
  const tenantUser = !claims.roles.some(isPlatformRole) && claims.scope !== "agent";
  if (
    tenantUser &&
    isManagementAction(request.method, request.resource) &&
    !ipAllowed(await deps.ipAllowList(claims.tid), request.sourceIp)
  ) {
    return {
      decision: "Deny",
      claims,
      reason: `IP_NOT_ALLOWED: management actions from ${request.sourceIp} are not on the unit's IP allow-list`,
    };
  }
  return { decision: "Allow", claims };
}
