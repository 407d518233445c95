import { GovdrError } from "../errors.ts";
import type { SessionClaims } from "./session-token.ts";
import { scopeAllows } from "./step-routes.ts";

export interface Decision {
  decision: "Allow" | "Deny" | "Unauthorized";
  claims?: SessionClaims;
  reason?: string;
}

/**
 * The authorizer's rule: a live session (authenticate) whose scope allows the route. A step-scoped
 * session (password change, MFA) reaches only its step; anything unexpected is not swallowed.
 */
export async function authorizeRequest(
  authenticate: (token: string) => Promise<SessionClaims>,
  request: { token?: string; method: string; resource: string },
): Promise<Decision> {
  let claims: SessionClaims;
  try {
    claims = await authenticate(request.token ?? "");
  } catch (error) {
    if (!(error instanceof GovdrError)) throw error;
    return { decision: "Unauthorized", reason: `${error.code}: ${error.message}` };
  }
  if (scopeAllows(claims.scope, request.method, request.resource)) return { decision: "Allow", claims };
  return {
    decision: "Deny",
    claims,
    reason: `session scope "${claims.scope}" does not allow ${request.method} ${request.resource}`,
  };
}
