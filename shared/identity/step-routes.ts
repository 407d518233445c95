import { routeDoc } from "../api/routes.ts";
import type { SessionScope } from "./identity-service.ts";

/** A session still in its sign-in steps, or a backup agent's: it reaches only the routes that list it. */
export type StepScope = Exclude<SessionScope, "full">;

/** Whether a session of `scope` may call the route; each route declares its steps (shared/api/routes.ts). */
export function scopeAllows(scope: SessionScope, method: string, path: string): boolean {
  if (scope === "full") return true;
  return routeDoc(method, path)?.sessions?.includes(scope) ?? false;
}
