import { permissions } from "../identity/permissions.ts";
import { agentRole, isPlatformRole, type PrincipalRole } from "../identity/roles.ts";
import type { RouteKey } from "../lambda/router.ts";
import { type RouteDoc, routes } from "./routes.ts";

const stepNames = {
  "change-password": "`change-password`",
  "enrol-mfa": "`enrol-mfa`",
  "verify-mfa": "`verify-mfa`",
  agent: "agent",
} as const;

/**
 * Who may call a route, in words, from its declaration alone: docs/api.md's "who" column is this
 * (a test compares them; `npm run docs:api` rewrites the column).
 */
export function whoMayCall(key: RouteKey): string {
  const doc = routes[key] as RouteDoc;
  if (doc.public) return "anyone";
  if (!doc.permission) {
    const steps = doc.sessions ?? [];
    if (steps.length === Object.keys(stepNames).length)
      return "any session, in any sign-in step or an agent's";
    return steps.length > 0
      ? `session (${steps.map((step) => stepNames[step]).join(" or ")} step, or full)`
      : "full session";
  }
  const allowed: readonly PrincipalRole[] = permissions[doc.permission].roles;
  const tenant = doc.tenant ?? "own";
  const unitRoles = allowed.filter((role) => !isPlatformRole(role) && role !== agentRole);
  const platformRoles = allowed.filter(isPlatformRole);
  const who = [
    ...(unitRoles.length > 0
      ? [`${unitRoles.join(", ")} (own unit${tenant === "trail" ? "'s trail" : ""})`]
      : []),
    ...(platformRoles.length > 0
      ? [
          `${platformRoles.join(", ")}${tenant === "own" ? " (own scope)" : tenant === "trail" ? " (any trail)" : ""}`,
        ]
      : []),
    ...(allowed.includes(agentRole) ? ["the system's backup agent"] : []),
  ];
  return `${who.join("; ")}${doc.recentSignIn ? "; signed in within 5 min" : ""}`;
}
