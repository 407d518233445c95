import type { SessionScope } from "./identity-service.ts";

/** The only routes a step-scoped session may call (besides "full", which may call everything). */
const stepRoutes: Record<Exclude<SessionScope, "full">, readonly string[]> = {
  "change-password": ["POST /auth/password"],
  "enrol-mfa": ["POST /auth/mfa/enrolment", "POST /auth/mfa/verification"],
  "verify-mfa": ["POST /auth/mfa/verification"],
  agent: [
    "PUT /systems/{systemId}/snapshots/{snapshotId}",
    "GET /systems/{systemId}/snapshots",
    "GET /systems/{systemId}/snapshots/{snapshotId}",
  ],
};
const alwaysAllowed = ["GET /auth/session", "POST /auth/logout"];

export function scopeAllows(scope: SessionScope, method: string, path: string): boolean {
  if (scope === "full") return true;
  const key = `${method} ${path}`;
  return alwaysAllowed.includes(key) || stepRoutes[scope].includes(key);
}
