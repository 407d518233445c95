import type { RouteDoc } from "../api/routes.ts";
import { platformTenant } from "../audit/api-event.ts";
import { NotFoundError, UnauthenticatedError } from "../errors.ts";
import { authorize } from "../identity/permissions.ts";
import { isPlatformRole } from "../identity/roles.ts";
import { requireRecentAuthentication, type SessionClaims } from "../identity/session-token.ts";
import type { IdentitySettings } from "../identity/settings.ts";

export interface Access {
  claims?: SessionClaims;
  /** The unit whose data the route acts on, once the caller was allowed to (undefined: the platform's). */
  tenantId?: string;
}

/**
 * Enforces what a route declares (shared/api/routes.ts): a session, the permission on the declared
 * tenant, and a recent sign-in. Another unit's tenant or an agent's other system answers 404, as if
 * it did not exist; a role without the permission a 403 that says who may.
 */
export async function checkAccess(
  doc: RouteDoc,
  request: {
    claims?: SessionClaims;
    path: Readonly<Record<string, string>>;
    query: Readonly<Record<string, string | undefined>>;
  },
  deps: { now: () => Date; settings: () => Promise<IdentitySettings> },
): Promise<Access> {
  const { claims, path, query } = request;
  if (doc.public) return { claims };
  if (!claims) throw new UnauthenticatedError("Sign in first");
  if (!doc.permission) return { claims, tenantId: claims.tid };
  const tenantId = tenantOf(doc.tenant ?? "own", claims, path, query);
  authorize(claims, doc.permission, tenantId);
  if (path.systemId !== undefined && claims.sys !== undefined && claims.sys !== path.systemId) {
    throw new NotFoundError(`No system ${path.systemId}`);
  }
  if (doc.recentSignIn) {
    const settings = await deps.settings();
    const minutes = Math.min(
      settings.reauthenticationMinutes,
      doc.recentSignInMaxMinutes ?? Number.POSITIVE_INFINITY,
    );
    requireRecentAuthentication(claims, deps.now(), { ...settings, reauthenticationMinutes: minutes });
  }
  return { claims, tenantId };
}

function tenantOf(
  tenant: NonNullable<RouteDoc["tenant"]>,
  claims: SessionClaims,
  path: Readonly<Record<string, string>>,
  query: Readonly<Record<string, string | undefined>>,
): string | undefined {
  switch (tenant) {
    case "platform":
      return undefined;
    case "path":
      return path.tenantId;
    case "trail":
      return query.tenantId ?? (claims.roles.some(isPlatformRole) ? platformTenant : claims.tid);
    case "own":
      return claims.tid;
  }
}
